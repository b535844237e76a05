using System.Globalization;
using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated;

/// <summary>
/// The simulated telephone exchange of one session: its lines, phones and calls, and the public
/// methods through which a test or a demo plays the people and the outside world (an incoming call,
/// a far end hanging up, a handset lifted, a key pressed).
/// </summary>
/// <remarks>
/// One lock guards the whole exchange, so a change that touches two calls (an internal call being
/// answered) is atomic. Events are queued under the lock and raised after it is released, in order
/// (see <see cref="EventOutbox"/>). Every timed step (rings, answers, scripted calls) runs on the
/// session's <see cref="TimeProvider"/>, so a manual clock makes the exchange fully deterministic.
/// Methods whose name ends in <c>_NeedsLock</c> expect the caller to hold the lock.
/// </remarks>
public sealed partial class SimulatedExchange
{
    private readonly Lock _lock = new();
    private readonly EventOutbox _outbox;
    private readonly TimeProvider _time;
    private readonly IBackendLog _log;
    private readonly List<SimulatedLine> _lines = [];
    private readonly List<SimulatedPhone> _phones = [];
    private readonly List<ITimer> _scriptTimers = [];
    private readonly CancellationTokenSource _ended = new(); // cancelled at shutdown: ends every ResponseDelay at once
    private int _callCount;
    private bool _shutDown;

    internal SimulatedExchange(SimulatedOptions options, TimeProvider time, IBackendLog log)
    {
        Options = options;
        _time = time;
        _log = log;
        _outbox = new EventOutbox(log);
        for (var i = 1; i <= options.Lines; i++)
        {
            _lines.Add(new SimulatedLine(this, i, options.LineNumber(i)));
        }

        for (var i = 1; i <= options.Phones; i++)
        {
            _phones.Add(new SimulatedPhone(this, i, i <= options.Lines ? LineKey(i) : null));
        }
    }

    /// <summary>The settings the exchange runs with.</summary>
    public SimulatedOptions Options { get; }

    /// <summary>The keys of the lines, <c>line-1</c> ...</summary>
    public IReadOnlyList<string> LineKeys => [.. _lines.Select(l => l.Key)];

    /// <summary>The keys of the phones, <c>phone-1</c> ...</summary>
    public IReadOnlyList<string> PhoneKeys => [.. _phones.Select(p => p.Key)];

    internal IReadOnlyList<SimulatedLine> Lines => _lines;

    internal IReadOnlyList<SimulatedPhone> Phones => _phones;

    /// <summary>The key of line <paramref name="index"/> (1-based).</summary>
    public static string LineKey(int index) => string.Create(CultureInfo.InvariantCulture, $"line-{index}");

    /// <summary>The key of phone <paramref name="index"/> (1-based).</summary>
    public static string PhoneKey(int index) => string.Create(CultureInfo.InvariantCulture, $"phone-{index}");

    internal static int? LineIndexOf(string key) =>
        key.StartsWith("line-", StringComparison.Ordinal)
        && int.TryParse(key.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
        && index >= 1
            ? index
            : null;

    /// <summary>The number of the line <paramref name="lineKey"/>; dialling it from another line rings that line.</summary>
    public string GetLineNumber(string lineKey) => FindLine(lineKey).Number;

    /// <summary>Whether the host has the line <paramref name="lineKey"/> open.</summary>
    public bool IsLineOpen(string lineKey)
    {
        var line = FindLine(lineKey);
        lock (_lock)
        {
            return line.Sink is not null;
        }
    }

    /// <summary>The calls the line <paramref name="lineKey"/> holds (released calls are gone).</summary>
    public IReadOnlyList<SimulatedCallState> GetCalls(string lineKey)
    {
        var line = FindLine(lineKey);
        lock (_lock)
        {
            return [.. line.Calls.Select(c => new SimulatedCallState(c, c.Id, line.Key, c.State, c.FarParty))];
        }
    }

    /// <summary>The state of a call of this exchange, whether or not anyone listens to its events.</summary>
    public CallState GetCallState(IBackendCall call)
    {
        var simulated = AsOwnCall(call, nameof(call));
        lock (_lock)
        {
            return simulated.State;
        }
    }

    internal void StartScript()
    {
        lock (_lock)
        {
            foreach (var entry in Options.IncomingCalls)
            {
                _scriptTimers.Add(_time.CreateTimer(s => RunScriptEntry((ScriptedIncomingCall)s!), entry, entry.Delay, Timeout.InfiniteTimeSpan));
            }
        }
    }

    private void RunScriptEntry(ScriptedIncomingCall entry)
    {
        try
        {
            InjectIncomingCall(entry.LineKey, entry.Caller);
            _log.Log(BackendLogLevel.Information, $"Scripted incoming call from {entry.Caller.Number ?? entry.Caller.Availability.ToString()} on {entry.LineKey}.");
        }
        catch (InvalidOperationException ex)
        {
            _log.Log(BackendLogLevel.Warning, $"Scripted incoming call on {entry.LineKey} skipped: {ex.Message}");
        }
    }

    /// <summary>Ends the session: closes every device, stops every timer; no event is raised afterwards.</summary>
    internal async ValueTask ShutdownAsync()
    {
        await RunSilencingAsync(Shutdown_NeedsLock).ConfigureAwait(false);

        // Outside the lock: requests still in their ResponseDelay fail now, and may do so on this thread.
        await _ended.CancelAsync().ConfigureAwait(false);
    }

    private void Shutdown_NeedsLock()
    {
        if (_shutDown)
        {
            return;
        }

        _shutDown = true;
        foreach (var timer in _scriptTimers)
        {
            timer.Dispose();
        }

        _scriptTimers.Clear();
        foreach (var line in _lines)
        {
            CloseLine_NeedsLock(line);
        }

        foreach (var phone in _phones)
        {
            phone.Sink = null;
        }
    }

    private SimulatedLine FindLine(string lineKey) =>
        _lines.Find(l => string.Equals(l.Key, lineKey, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"The simulated exchange has no line '{lineKey}' (it has {string.Join(", ", LineKeys)}).", nameof(lineKey));

    private SimulatedPhone FindPhone(string phoneKey) =>
        _phones.Find(p => string.Equals(p.Key, phoneKey, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"The simulated exchange has no phone '{phoneKey}' (it has {(_phones.Count == 0 ? "none" : string.Join(", ", PhoneKeys))}).", nameof(phoneKey));

    private SimulatedCall AsOwnCall(IBackendCall call, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(call, parameterName);
        return call is SimulatedCall own && _lines.Contains(own.Line)
            ? own
            : throw new ArgumentException($"'{call.Id}' is not a call of this simulated exchange.", parameterName);
    }

    private void ThrowIfShutDown_NeedsLock()
    {
        if (_shutDown)
        {
            throw new TelephonyException(TelephonyError.NoDevice, "The simulated session has ended.");
        }
    }

    /// <summary>
    /// Runs one device operation: honours a token cancelled before it starts, runs
    /// <paramref name="operation"/> under the lock, raises the events it queued after releasing it,
    /// and reports a failure through the returned task, never by throwing synchronously.
    /// </summary>
    private ValueTask<T> Run<T>(CancellationToken cancellationToken, Func<T> operation, bool evenAfterShutdown = false)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        try
        {
            T result;
            lock (_lock)
            {
                if (!evenAfterShutdown)
                {
                    ThrowIfShutDown_NeedsLock();
                }

                result = operation();
            }

            return ValueTask.FromResult(result);
        }
#pragma warning disable CA1031 // Every failure is handed to the caller through the task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ValueTask.FromException<T>(ex);
        }
        finally
        {
            _outbox.Drain();
        }
    }

    /// <summary>
    /// Runs an operation the host completes as an asynchronous TAPI request (R6): like
    /// <see cref="Run{T}"/>, but after <see cref="SimulatedOptions.ResponseDelay"/> on the session's
    /// clock when one is set. The operation acts (or fails) when the delay is over; a token cancelled
    /// during the delay cancels it with nothing changed, and the session ending fails it at once.
    /// </summary>
    private ValueTask<T> RunRequest<T>(CancellationToken cancellationToken, Func<T> operation)
    {
        var delay = Options.ResponseDelay;
        return delay <= TimeSpan.Zero || cancellationToken.IsCancellationRequested
            ? Run(cancellationToken, operation)
            : DelayThenRunAsync(delay, cancellationToken, operation);
    }

    private ValueTask RunRequest(CancellationToken cancellationToken, Action operation)
    {
        var result = RunRequest(cancellationToken, () =>
        {
            operation();
            return true;
        });
        return result.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(result.AsTask());
    }

    private async ValueTask<T> DelayThenRunAsync<T>(TimeSpan delay, CancellationToken cancellationToken, Func<T> operation)
    {
        using var delayed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _ended.Token);
        try
        {
            await Task.Delay(delay, _time, delayed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The session ended during the delay: Run fails the operation as it would after the end.
        }

        return await Run(cancellationToken, operation).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs an operation after which the device or call must be silent (close, release): it also waits
    /// for events already being delivered on another thread, so none arrives after it returns.
    /// </summary>
    private async ValueTask RunSilencingAsync(Action operation)
    {
        await Run(CancellationToken.None, operation, evenAfterShutdown: true);
        await _outbox.WhenOtherDrainDoneAsync();
    }

    private ValueTask Run(CancellationToken cancellationToken, Action operation, bool evenAfterShutdown = false)
    {
        var result = Run(cancellationToken, () =>
        {
            operation();
            return true;
        }, evenAfterShutdown);
        return result.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(result.AsTask());
    }
}

/// <summary>A snapshot of one call, for tests and demos.</summary>
/// <param name="Call">The call itself (pass it to <see cref="SimulatedExchange.RemoteHangUp"/>).</param>
/// <param name="Id">The call's name in logs.</param>
/// <param name="LineKey">The line it is on.</param>
/// <param name="State">Its state.</param>
/// <param name="FarParty">Who is at the other end, when known.</param>
public sealed record SimulatedCallState(IBackendCall Call, string Id, string LineKey, CallState State, PartyId? FarParty);
