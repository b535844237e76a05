using TspHost.Abstractions;
using TspHost.Plugins.SerialModem.Configuration;
using TspHost.Plugins.SerialModem.Engine;
using TspHost.Plugins.SerialModem.Parsing;
using TspHost.Plugins.SerialModem.Transport;

namespace TspHost.Plugins.SerialModem.Device;

/// <summary>
/// One modem as a line: one call at a time. RING and caller ID become an offering call, results of
/// ATD/ATA become call states. The modem stays connected for the whole session (so its identity is
/// known when the host maps the line); events flow only while the line is open.
/// </summary>
internal sealed class ModemLine : ILineDevice, IModemConnectionOwner, IAsyncDisposable
{
    private readonly ModemSettings _settings;
    private readonly TimeProvider _time;
    private readonly IBackendLog _log;
    private readonly ModemConnection _connection;
    private readonly Lock _emitLock = new();
    private ILineEvents? _events;
    private bool _inService;
    private string _outOfServiceReason = "the modem has not been brought up yet";
    private ModemCall? _call;
    private CallerIdInfo? _earlyCallerId;
    private ITimer? _ringTimer;
    private bool _ignoringAlert;
    private int _callCount;

    public ModemLine(ModemSettings settings, TimeProvider time, IBackendLog log, Func<ModemSettings, IModemTransport>? transportFactory = null)
    {
        _settings = settings;
        _time = time;
        _log = log;
        _connection = new ModemConnection(settings, time, log, this, transportFactory ?? (s => s.CreateTransport(time, log)));
    }

    /// <summary>
    /// Guards the line's and its calls' state. Events are raised outside it, under the line's emit
    /// lock, which closing takes too: once the line is closed no report is still under way.
    /// Lock order: line emit lock, then a call's emit lock, then this one.
    /// </summary>
    internal Lock Lock { get; } = new();

    internal ModemSettings Settings => _settings;

    internal IBackendLog Log => _log;

    internal TimeProvider Time => _time;

    public string Key => _settings.Port;

    public LineCapabilities Capabilities
    {
        get
        {
            var identity = _connection.Identity?.Description;
            return new LineCapabilities
            {
                Name = _settings.Name ?? identity ?? $"Modem on {_settings.Port}",
                ProviderInfo = identity is null ? $"AT modem on {_settings.Port}" : $"{identity} on {_settings.Port}",
                Features = LineFeatures.MakeCall | LineFeatures.Dial | LineFeatures.Answer | LineFeatures.Drop,
                MediaModes = _settings.Voice ? MediaModes.InteractiveVoice | MediaModes.DataModem : MediaModes.DataModem,
                MaxActiveCalls = 1,
                CloseDrops = true,
            };
        }
    }

    /// <summary>Completes when the first bring-up attempt is over, whatever its outcome.</summary>
    public Task FirstAttempt => _connection.FirstAttempt;

    public bool InService
    {
        get
        {
            lock (Lock)
            {
                return _inService;
            }
        }
    }

    public void Start() => _connection.Start();

    public ValueTask OpenAsync(ILineEvents events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_emitLock)
        {
            bool inService;
            lock (Lock)
            {
                if (_events is not null)
                {
                    throw new TelephonyException(TelephonyError.Allocated, $"{Name} is already open.");
                }

                _events = events;
                inService = _inService;
            }

            if (!inService)
            {
                events.ServiceChanged(false);
            }
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        ModemCall? call;
        lock (_emitLock)
        {
            lock (Lock)
            {
                _events = null;
                call = _call;
                StopRingTimer_NeedsLock();
            }
        }

        if (call is not null)
        {
            // The host closes calls first; whatever is still up is hung up, without events.
            await call.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<IBackendCall> MakeCallAsync(MakeCallRequest request, ICallEvents events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(events);
        var data = (request.MediaMode & MediaModes.DataModem) != 0 && (request.MediaMode & (MediaModes.InteractiveVoice | MediaModes.AutomatedVoice)) == 0;
        if (!data && !_settings.Voice)
        {
            throw new TelephonyException(TelephonyError.InvalidParameter, $"{Name} is set up without voice ({_settings.Id}:Voice=false): only data calls can be placed.");
        }

        var (digits, more) = ModemCall.SplitDialString(request.Destination, request.MoreDigitsFollow);
        var engine = RequireEngine();
        var call = new ModemCall(this, $"{_settings.Id}-{Interlocked.Increment(ref _callCount)}", CallOrigin.Outbound, data ? MediaModes.DataModem : MediaModes.InteractiveVoice, events);
        lock (Lock)
        {
            if (_call is not null)
            {
                throw new TelephonyException(TelephonyError.ResourceUnavailable, $"{Name} already has a call.");
            }

            _call = call;
        }

        try
        {
            await call.PlaceAsync(engine, request.Destination is null ? null : digits, more, cancellationToken).ConfigureAwait(false);
            return call;
        }
        catch
        {
            Detach(call);
            throw;
        }
    }

    public ValueTask<ConferenceSetup> SetupConferenceAsync(IBackendCall? initialCall, ICallEvents conferenceEvents, ICallEvents consultationEvents, int parties, CancellationToken cancellationToken) =>
        throw new TelephonyException(TelephonyError.OperationUnavailable, $"{Name}: an AT modem cannot hold conferences.");

    public async ValueTask DisposeAsync()
    {
        lock (Lock)
        {
            _events = null;
            StopRingTimer_NeedsLock();
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    bool IModemConnectionOwner.CanPoll
    {
        get
        {
            lock (Lock)
            {
                return _call is null;
            }
        }
    }

    void IModemConnectionOwner.OnServiceChanged(bool inService, string reason)
    {
        lock (_emitLock)
        {
            ReportServiceChanged_NeedsEmitLock(inService, reason);
        }
    }

    private void ReportServiceChanged_NeedsEmitLock(bool inService, string reason)
    {
        ModemCall? lost = null;
        ILineEvents? events;
        lock (Lock)
        {
            if (!inService)
            {
                _outOfServiceReason = reason;
            }

            if (_inService == inService)
            {
                return;
            }

            _inService = inService;
            events = _events;
            if (!inService)
            {
                lost = _call;
                _call = null;
                _earlyCallerId = null;
                StopRingTimer_NeedsLock();
            }
        }

        lost?.ConnectionLost();
        events?.ServiceChanged(inService);
    }

    void IModemConnectionOwner.OnUnsolicited(AtResult result)
    {
        if (result.Code == AtResultCode.Text && CallerIdParser.TryParse(result.Line, out var callerId))
        {
            OnCallerId(callerId);
            return;
        }

        switch (result.Code)
        {
            case AtResultCode.Ring:
                OnRing();
                break;
            case AtResultCode.NoCarrier:
            case AtResultCode.Busy:
                OnRemoteHangUp(result);
                break;
            default:
                _log.Log(BackendLogLevel.Debug, $"{Name}: ignored '{result.Line}'.");
                break;
        }
    }

    internal string Name => $"{_settings.Id} ({_settings.Port})";

    /// <summary>The engine, or a <see cref="TelephonyException"/> saying why the modem is out of service.</summary>
    internal AtEngine RequireEngine()
    {
        var engine = _connection.Engine;
        lock (Lock)
        {
            if (engine is null || !_inService)
            {
                throw new TelephonyException(TelephonyError.NoDevice, $"{Name} is out of service: {_outOfServiceReason}");
            }
        }

        return engine;
    }

    internal AtEngine? CurrentEngine => _connection.Engine;

    /// <summary>Turns a failure of the modem into the contract's exception; a silent modem is reconnected.</summary>
    internal Exception Translate(Exception error)
    {
        switch (error)
        {
            case AtTimeoutException timeout:
                _connection.ReportNotAnswering(timeout);
                return new TelephonyException(TelephonyError.NoDevice, $"{Name}: {timeout.Message}", timeout);
            case ModemUnavailableException gone:
                return new TelephonyException(TelephonyError.NoDevice, $"{Name}: {gone.Message}", gone);
            default:
                return error;
        }
    }

    /// <summary>The call no longer owns the modem's results (it ended).</summary>
    internal void Detach(ModemCall call)
    {
        lock (Lock)
        {
            if (_call == call)
            {
                _call = null;
                StopRingTimer_NeedsLock();
            }
        }
    }

    /// <summary>An offering call was rejected: a Hayes modem cannot refuse a call, so its RINGs are ignored until they stop.</summary>
    internal void IgnoreAlert(ModemCall call)
    {
        lock (Lock)
        {
            if (_call != call)
            {
                return;
            }

            _call = null;
            _ignoringAlert = true;
            ArmRingTimer_NeedsLock();
        }
    }

    internal void StopRinging(ModemCall call)
    {
        lock (Lock)
        {
            if (_call == call)
            {
                StopRingTimer_NeedsLock();
            }
        }
    }

    private void OnRing()
    {
        lock (_emitLock)
        {
            ReportRing_NeedsEmitLock();
        }
    }

    private void ReportRing_NeedsEmitLock()
    {
        ModemCall? newCall = null;
        CallerIdInfo? callerId = null;
        int ringCount;
        ILineEvents? events;
        lock (Lock)
        {
            events = _events;
            if (events is null || !_inService)
            {
                return; // nobody listening; ATS0=0 keeps the modem from answering on its own
            }

            ArmRingTimer_NeedsLock();
            if (_ignoringAlert)
            {
                return;
            }

            if (_call is null)
            {
                callerId = _earlyCallerId ?? new CallerIdInfo();
                _earlyCallerId = null;
                newCall = new ModemCall(this, $"{_settings.Id}-{Interlocked.Increment(ref _callCount)}", CallOrigin.Inbound, MediaModes.InteractiveVoice, callerId);
                _call = newCall;
                ringCount = newCall.RingCount = 1;
            }
            else if (_call.IsOffering_NeedsLock)
            {
                ringCount = ++_call.RingCount;
            }
            else
            {
                return; // a call is up; the modem reports a second caller only as RING
            }
        }

        if (newCall is not null)
        {
            var media = _settings.Voice ? MediaModes.InteractiveVoice : MediaModes.DataModem;
            var callEvents = events.NewCall(newCall, new NewCallInfo { InitialState = CallState.Offering, Origin = CallOrigin.Inbound, MediaMode = media, Caller = callerId!.HasParty ? callerId.ToPartyId() : null });
            newCall.Attach(callEvents);
        }

        events.Ringing(ringCount);
    }

    private void OnCallerId(CallerIdLine line)
    {
        ModemCall? call;
        lock (Lock)
        {
            call = _call is { IsOffering_NeedsLock: true } ? _call : null;
            if (call is null)
            {
                // Some modems (and networks) give caller ID before the first RING.
                (_earlyCallerId ??= new CallerIdInfo()).Add(line);
                return;
            }
        }

        call.AddCallerId(line);
    }

    private void OnRemoteHangUp(AtResult result)
    {
        ModemCall? call;
        lock (Lock)
        {
            call = _call;
            if (call is { IsDropping_NeedsLock: true })
            {
                // Some modems answer ATH with NO CARRIER before OK: that is our own hang-up, and the drop decides what the call becomes.
                return;
            }

            _call = null;
        }

        if (call is null)
        {
            _log.Log(BackendLogLevel.Debug, $"{Name}: '{result.Line}' with no call up.");
            return;
        }

        call.RemoteHungUp();
    }

    private void ArmRingTimer_NeedsLock()
    {
        _ringTimer ??= _time.CreateTimer(static state => ((ModemLine)state!).OnRingsStopped(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _ringTimer.Change(_settings.RingTimeout, Timeout.InfiniteTimeSpan);
    }

    private void StopRingTimer_NeedsLock()
    {
        _ringTimer?.Dispose();
        _ringTimer = null;
        _ignoringAlert = false;
    }

    /// <summary>No RING for a while: the caller gave up before anyone answered.</summary>
    private void OnRingsStopped()
    {
        ModemCall? call = null;
        lock (Lock)
        {
            _ignoringAlert = false;
            if (_call is { IsOffering_NeedsLock: true, Answering_NeedsLock: false })
            {
                call = _call;
                _call = null;
            }
        }

        call?.RemoteHungUp();
    }
}
