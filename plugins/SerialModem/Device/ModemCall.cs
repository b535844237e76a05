using TspHost.Abstractions;
using TspHost.Plugins.SerialModem.Configuration;
using TspHost.Plugins.SerialModem.Engine;
using TspHost.Plugins.SerialModem.Parsing;

namespace TspHost.Plugins.SerialModem.Device;

/// <summary>
/// The modem's one call. State lives under the line's lock; events are raised outside it and never
/// after release. Results of ATD and ATA are applied on the reader loop, so they stay in order with
/// the unsolicited NO CARRIER that may follow them.
/// </summary>
internal sealed class ModemCall : IBackendCall
{
    private readonly ModemLine _line;
    private readonly CallOrigin _origin;
    private readonly CallerIdInfo? _callerId;
    private readonly Lock _emitLock = new();
    private MediaModes _mediaMode;
    private ICallEvents? _events;
    private CallState _state;
    private bool _released;
    private bool _dropping;
    private bool _answering;
    private bool _inDataMode;
    private bool _finalDialSent;
    private AtExchange? _dial;

    /// <summary>An outbound call placed through TAPI.</summary>
    public ModemCall(ModemLine line, string id, CallOrigin origin, MediaModes mediaMode, ICallEvents events)
        : this(line, id, origin, mediaMode, callerId: null)
    {
        _events = events;
        _state = CallState.Unknown; // nothing reported yet: the first dial step reports DIALTONE or DIALING
    }

    /// <summary>An incoming call; its events sink comes with <see cref="Attach"/>.</summary>
    public ModemCall(ModemLine line, string id, CallOrigin origin, MediaModes mediaMode, CallerIdInfo? callerId)
    {
        _line = line;
        Id = id;
        _origin = origin;
        _mediaMode = mediaMode;
        _callerId = callerId;
        _state = CallState.Offering;
    }

    public string Id { get; }

    internal int RingCount { get; set; }

    internal bool IsOffering_NeedsLock => _origin == CallOrigin.Inbound && _state == CallState.Offering;

    internal bool Answering_NeedsLock => _answering;

    internal bool IsDropping_NeedsLock => _dropping;

    private ModemSettings Settings => _line.Settings;

    /// <summary>Splits a TAPI destination into dialable digits and whether more follow (a trailing <c>;</c>).</summary>
    public static (string Digits, bool More) SplitDialString(string? destination, bool moreDigitsFollow)
    {
        var text = (destination ?? "").Trim();
        var more = moreDigitsFollow || destination is null;
        if (text.EndsWith(';'))
        {
            more = true;
            text = text.TrimEnd(';');
        }

        // Formatting people type: spaces, dashes, dots, parentheses.
        text = new string([.. text.Where(c => c is not (' ' or '-' or '.' or '(' or ')'))]);
        if (!ModemSettingsReader.IsDialable(text))
        {
            throw new TelephonyException(TelephonyError.InvalidAddress, $"'{destination}' is not a number a modem can dial (digits, * # A-D and the modifiers , W P T ! @).");
        }

        return (text, more);
    }

    internal void Attach(ICallEvents events)
    {
        lock (_line.Lock)
        {
            if (!_released)
            {
                _events = events;
            }
        }
    }

    /// <summary>Starts the dial: a partial dial (<c>;</c>) waits for OK, a complete one returns once the modem has the command.</summary>
    internal async Task PlaceAsync(AtEngine engine, string? digits, bool more, CancellationToken cancellationToken)
    {
        var dialString = Settings.DialPrefix + (digits ?? "");
        if (more)
        {
            await DialPartAsync(engine, dialString, digits is null ? CallState.DialTone : CallState.Dialing, cancellationToken).ConfigureAwait(false);
            return;
        }

        await DialFinalAsync(engine, dialString, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DialAsync(string digits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digits);
        var (text, more) = SplitDialString(digits, moreDigitsFollow: false);
        lock (_line.Lock)
        {
            if (_released || _origin != CallOrigin.Outbound || _finalDialSent || _state is not (CallState.DialTone or CallState.Dialing))
            {
                throw new TelephonyException(TelephonyError.InvalidCallState, $"Call {Id} is {_state}: digits can be dialled only after a partial dial.");
            }
        }

        var engine = _line.RequireEngine();
        if (more)
        {
            await DialPartAsync(engine, text, CallState.Dialing, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await DialFinalAsync(engine, text, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask AnswerAsync(CancellationToken cancellationToken)
    {
        lock (_line.Lock)
        {
            if (_released || !IsOffering_NeedsLock || _answering)
            {
                throw new TelephonyException(TelephonyError.InvalidCallState, $"Call {Id} is {_state}: only an offering call can be answered.");
            }

            _answering = true;
        }

        AtResponse response;
        try
        {
            var engine = _line.RequireEngine();
            _line.StopRinging(this);
            AtExchange exchange;
            lock (_line.Lock)
            {
                // Kept like a dial in progress, so a drop can abort the answer.
                exchange = engine.Start("ATA", Settings.DialTimeout, cancellationToken, ApplyConnectResult);
                _dial = exchange;
            }

            response = await exchange.Response.ConfigureAwait(false);
        }
        catch (Exception error)
        {
            lock (_line.Lock)
            {
                _answering = false;
                _dial = null;
            }

            throw _line.Translate(error);
        }

        if (response.Final.Code is not (AtResultCode.Ok or AtResultCode.Connect))
        {
            lock (_line.Lock)
            {
                _answering = false;
            }

            throw new TelephonyException(TelephonyError.OperationFailed, $"Call {Id}: the modem answered ATA with {response.Final.Line}.");
        }
    }

    public async ValueTask DropAsync(CancellationToken cancellationToken)
    {
        CallState state;
        AtExchange? dial;
        bool dataMode, rejecting;
        lock (_line.Lock)
        {
            if (_state == CallState.Idle)
            {
                return;
            }

            if (_dropping)
            {
                throw new TelephonyException(TelephonyError.InvalidCallState, $"Call {Id} is already being dropped.");
            }

            _dropping = true;
            state = _state;
            dial = _dial;
            dataMode = _inDataMode;
            rejecting = _origin == CallOrigin.Inbound && state == CallState.Offering && !_answering;
        }

        try
        {
            if (rejecting)
            {
                _line.IgnoreAlert(this);
            }
            else if (_line.CurrentEngine is { } engine)
            {
                await HangUpAsync(engine, dial, dataMode, cancellationToken).ConfigureAwait(false);
            }

            _line.Detach(this);
            Transition(CallState.Idle);
        }
        catch (Exception error)
        {
            throw _line.Translate(error);
        }
        finally
        {
            lock (_line.Lock)
            {
                _dropping = false;
            }
        }
    }

    public ValueTask HoldAsync(CancellationToken cancellationToken) => throw Unavailable("hold");

    public ValueTask UnholdAsync(CancellationToken cancellationToken) => throw Unavailable("unhold");

    public ValueTask<IBackendCall> SetupTransferAsync(ICallEvents consultationEvents, CancellationToken cancellationToken) => throw Unavailable("transfer");

    public ValueTask<IBackendCall?> CompleteTransferAsync(IBackendCall consultation, TransferMode mode, ICallEvents? conferenceEvents, CancellationToken cancellationToken) =>
        throw Unavailable("transfer");

    public async ValueTask ReleaseAsync(CancellationToken cancellationToken)
    {
        bool live;
        lock (_emitLock) // waits for a report in progress: none may follow the release
        {
            lock (_line.Lock)
            {
                if (_released)
                {
                    return;
                }

                // From here on nothing is reported for the call.
                _released = true;
                _events = null;
                live = _state is not (CallState.Idle or CallState.Disconnected) || _dial is not null;
            }
        }

        if (live)
        {
            try
            {
                await DropAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is TelephonyException or OperationCanceledException)
            {
                _line.Log.Log(BackendLogLevel.Warning, $"{_line.Name}: hanging up call {Id} on release failed: {error.Message}", error);
            }
        }

        _line.Detach(this);
    }

    /// <summary>The port went away or the modem stopped answering: the call is over.</summary>
    internal void ConnectionLost()
    {
        lock (_line.Lock)
        {
            _dial = null;
            _inDataMode = false;
        }

        Transition(CallState.Disconnected, DisconnectMode.Unknown);
    }

    /// <summary>NO CARRIER (or BUSY tone) while the call was up, or rings stopped before an answer.</summary>
    internal void RemoteHungUp()
    {
        lock (_line.Lock)
        {
            _inDataMode = false;
        }

        Transition(CallState.Disconnected, DisconnectMode.Normal);
    }

    internal void AddCallerId(CallerIdLine line)
    {
        if (_callerId is null)
        {
            return;
        }

        PartyId party;
        lock (_line.Lock)
        {
            _callerId.Add(line);
            if (line.Field is not (CallerIdField.Number or CallerIdField.Name))
            {
                return;
            }

            party = _callerId.ToPartyId();
        }

        Report(e => e.PartyChanged(PartyRole.Caller, party));
    }

    private async Task DialPartAsync(AtEngine engine, string dialString, CallState reached, CancellationToken cancellationToken)
    {
        AtResponse response;
        try
        {
            response = await engine.SendAsync($"ATD{dialString};", Settings.DialTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            throw _line.Translate(error);
        }

        if (response.IsOk)
        {
            Transition(reached);
            return;
        }

        ApplyDialFailure(response.Final);
        throw new TelephonyException(TelephonyError.OperationFailed, $"Call {Id}: the modem answered ATD{dialString}; with {response.Final.Line}.");
    }

    private async Task DialFinalAsync(AtEngine engine, string dialString, CancellationToken cancellationToken)
    {
        // Voice stays in command mode (trailing ;), OK meaning the number was dialled; data waits for CONNECT.
        var command = _mediaMode == MediaModes.DataModem ? $"ATD{dialString}" : $"ATD{dialString};";
        Transition(CallState.Dialing);
        AtExchange exchange;
        lock (_line.Lock)
        {
            _finalDialSent = true;
            exchange = engine.Start(command, Settings.DialTimeout, cancellationToken, ApplyConnectResult, cancelUntilSentOnly: true);
            _dial = exchange;
        }

        try
        {
            await exchange.Sent.ConfigureAwait(false);
        }
        catch (Exception error)
        {
            lock (_line.Lock)
            {
                _dial = null;
            }

            throw _line.Translate(error);
        }

        Transition(CallState.Dialing, CallState.Proceeding);
        _ = ObserveDialAsync(exchange);
    }

    private async Task ObserveDialAsync(AtExchange exchange)
    {
        try
        {
            await exchange.Response.ConfigureAwait(false);
        }
        catch (Exception error)
        {
            // A silent modem is reconnected, which ends the call; a vanished port already ended it.
            _ = _line.Translate(error);
        }
        finally
        {
            lock (_line.Lock)
            {
                if (_dial == exchange)
                {
                    _dial = null;
                }
            }
        }
    }

    private async Task HangUpAsync(AtEngine engine, AtExchange? dial, bool dataMode, CancellationToken cancellationToken)
    {
        if (dial is not null)
        {
            // Any character aborts a dial in progress; the modem answers it with NO CARRIER.
            await engine.AbortDialAsync(cancellationToken).ConfigureAwait(false);
            await ((Task)dial.Response).WaitAsync(Settings.CommandTimeout, _line.Time, cancellationToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (dataMode)
        {
            var escaped = await engine.EscapeToCommandModeAsync(Settings.GuardTime, Settings.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (!escaped.IsOk)
            {
                _line.Log.Log(BackendLogLevel.Warning, $"{_line.Name}: the modem answered +++ with {escaped.Final.Line}; hanging up anyway.");
            }
        }

        var response = await engine.SendAsync("ATH", Settings.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (!response.IsOk)
        {
            _line.Log.Log(BackendLogLevel.Warning, $"{_line.Name}: the modem answered ATH with {response.Final.Line}.");
        }
    }

    /// <summary>The final result of ATD or ATA, applied on the reader loop.</summary>
    private void ApplyConnectResult(AtResponse response)
    {
        bool becameData;
        lock (_line.Lock)
        {
            _dial = null;
            if (_dropping || _released)
            {
                return; // the drop decides what the call becomes
            }

            becameData = response.Final.Code == AtResultCode.Connect && _mediaMode != MediaModes.DataModem;
            if (response.Final.Code == AtResultCode.Connect)
            {
                _inDataMode = true;
                _mediaMode = MediaModes.DataModem;
            }
        }

        // The answer can beat the caller's thread to reporting PROCEEDING: the dial was accepted, so report it first.
        Transition(CallState.Dialing, CallState.Proceeding);
        switch (response.Final.Code)
        {
            case AtResultCode.Ok:
            case AtResultCode.Connect:
                if (becameData)
                {
                    Report(e => e.MediaModeChanged(MediaModes.DataModem));
                }

                Transition(CallState.Connected);
                break;
            case AtResultCode.Error:
            case AtResultCode.CmeError:
                if (_origin == CallOrigin.Outbound)
                {
                    ApplyDialFailure(response.Final);
                }

                break;
            default:
                ApplyDialFailure(response.Final);
                break;
        }
    }

    /// <summary>Maps a failed dial result to the disconnect modes of TSPI (BUSY shows BUSY first).</summary>
    private void ApplyDialFailure(AtResult result)
    {
        var mode = result.Code switch
        {
            AtResultCode.Busy => DisconnectMode.Busy,
            AtResultCode.NoAnswer => DisconnectMode.NoAnswer,
            AtResultCode.NoDialTone => DisconnectMode.NoDialTone,
            AtResultCode.NoCarrier => DisconnectMode.Normal,
            _ => DisconnectMode.Unknown,
        };
        if (mode == DisconnectMode.Busy)
        {
            Transition(CallState.Busy);
        }

        _line.Detach(this);
        Transition(CallState.Disconnected, mode);
    }

    private void Transition(CallState to, DisconnectMode mode = DisconnectMode.None) => Transition(null, to, mode);

    /// <summary>
    /// Moves to <paramref name="to"/> (only from <paramref name="from"/> when given) and reports it.
    /// The report is made under the call's own emit lock, so a change made on the reader loop cannot
    /// overtake one made on a caller's thread; nothing else ever takes that lock.
    /// </summary>
    private void Transition(CallState? from, CallState to, DisconnectMode mode = DisconnectMode.None)
    {
        lock (_emitLock)
        {
            ICallEvents? events;
            lock (_line.Lock)
            {
                if ((from is not null && _state != from) || _state == to || _state == CallState.Idle ||
                    (_state == CallState.Disconnected && to != CallState.Idle))
                {
                    return;
                }

                _state = to;
                events = _released ? null : _events;
            }

            events?.StateChanged(to, mode);
        }
    }

    private void Report(Action<ICallEvents> report)
    {
        lock (_emitLock)
        {
            if (EventsOrNull() is { } events)
            {
                report(events);
            }
        }
    }

    private ICallEvents? EventsOrNull()
    {
        lock (_line.Lock)
        {
            return _released ? null : _events;
        }
    }

    private TelephonyException Unavailable(string what) =>
        new(TelephonyError.OperationUnavailable, $"{_line.Name}: an AT modem cannot {what} calls.");
}
