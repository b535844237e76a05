using Microsoft.Extensions.Logging;
using TspHost.Abstractions;
using TspHost.Core.Calls;
using TspHost.Core.Configuration;
using TspHost.Core.Devices;
using TspHost.Core.Events;
using TspHost.Core.Handles;
using TspHost.Core.Requests;
using TspHost.Core.Tapi;

namespace TspHost.Core.Lifecycle;

/// <summary>
/// One session, from providerInit to providerShutdown (R1): the backends' sessions, the device ID
/// map, the handle tables, the request ledger and the event dispatcher. A new session starts from
/// nothing, so nothing of a session survives into the next. One lock guards all of it; the backends
/// are never called and TAPI is never called back while it is held.
/// </summary>
public sealed partial class ProviderSession
{
    private readonly ProviderEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<string, uint> _permanentIdFor;
    private readonly List<(string Plugin, IBackendSession Session)> _backends = [];
    private readonly DeviceMap<LineEntry> _lines = new();
    private readonly DeviceMap<PhoneEntry> _phones = new();
    private uint _nextTempId = 1;
    private nint _providerHandle;
    private bool _active;
    private int _runningOperations;

    private ProviderSession(ProviderState snapshot, HandleAllocator handles, ProviderEngineOptions options, TimeProvider time, ILogger logger, Func<string, uint> permanentIdFor)
    {
        Snapshot = snapshot;
        _options = options;
        _time = time;
        _logger = logger;
        _permanentIdFor = permanentIdFor;
        Lines = new HandleTable<OpenLine>(handles);
        Phones = new HandleTable<OpenPhone>(handles);
        Calls = new HandleTable<CallRecord>(handles);
    }

    /// <summary>R2: the configuration this session runs on, fixed when it started.</summary>
    public ProviderState Snapshot { get; }

    /// <summary>R15: installed plugins left out of this session because they failed their settings check.</summary>
    internal HashSet<string> LeftOut { get; private init; } = new(StringComparer.OrdinalIgnoreCase);

    internal Lock Lock { get; } = new();

    internal TapiEventDispatcher Dispatcher { get; private set; } = null!;

    internal AsyncRequestLedger Ledger { get; private set; } = null!;

    internal HandleTable<OpenLine> Lines { get; }

    internal HandleTable<OpenPhone> Phones { get; }

    internal HandleTable<CallRecord> Calls { get; }

    public uint LineDeviceIdBase { get; private set; }

    public uint PhoneDeviceIdBase { get; private set; }

    public int LineCount
    {
        get
        {
            lock (Lock)
            {
                return _lines.Count;
            }
        }
    }

    public int PhoneCount
    {
        get
        {
            lock (Lock)
            {
                return _phones.Count;
            }
        }
    }

    public int PendingRequestCount => Ledger?.Count ?? 0;

    /// <summary>
    /// Backend operations still running for requests, including those whose request a close already
    /// completed (a late result is then discarded). Zero means no late result can still come.
    /// </summary>
    public int RunningOperations => Volatile.Read(ref _runningOperations);

    /// <summary>The devices and their state, for monitors and traces.</summary>
    public IReadOnlyList<LineEntry> LineEntries
    {
        get
        {
            lock (Lock)
            {
                return [.. _lines.Entries];
            }
        }
    }

    public IReadOnlyList<PhoneEntry> PhoneEntries
    {
        get
        {
            lock (Lock)
            {
                return [.. _phones.Entries];
            }
        }
    }

    /// <summary>
    /// Starts a session on every installed plugin of <paramref name="snapshot"/> (but those in
    /// <paramref name="leftOut"/>, which failed their settings check) and maps their devices. A plugin
    /// that fails is logged and left out; the others work.
    /// </summary>
    internal static async Task<ProviderSession> StartAsync(
        ProviderState snapshot, IReadOnlySet<string> leftOut, IBackendCatalog catalog, HandleAllocator handles, ProviderEngineOptions options,
        TimeProvider time, ILogger logger, Func<string, uint> permanentIdFor)
    {
        var session = new ProviderSession(snapshot, handles, options, time, logger, permanentIdFor) { LeftOut = new HashSet<string>(leftOut, StringComparer.OrdinalIgnoreCase) };
        foreach (var plugin in snapshot.Plugins.Where(p => !p.InstallPending && !leftOut.Contains(p.Name)))
        {
            if (!catalog.TryGet(plugin.Name, out var backend))
            {
                logger.LogError("Plugin '{Plugin}' is installed but not available; its devices are missing from this session", plugin.Name);
                continue;
            }

            await session.AttachAsync(plugin, backend).ConfigureAwait(false);
        }

        return session;
    }

    /// <summary>
    /// Starts <paramref name="plugin"/>'s backend session and maps its devices; in an active session
    /// (hot plug) they are announced with LINE_CREATE / PHONE_CREATE. A plugin that fails is logged
    /// and left out; returns whether it joined.
    /// </summary>
    internal async Task<bool> AttachAsync(PluginEntry plugin, ITelephonyBackend backend)
    {
        var settings = new BackendSettings(plugin.Settings, "provider state", $"Plugins:{plugin.Name}");
        var context = new BackendSessionContext { Settings = settings, Log = new BackendLog(_logger, plugin.Name), Time = _time, Events = new SessionEvents(this, plugin.Name) };
        IBackendSession backendSession;
        try
        {
            backendSession = await Task.Run(() => backend.StartSessionAsync(context, CancellationToken.None).AsTask())
                .WaitAsync(_options.HookTimeout, _time).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Plugin '{Plugin}' failed to start its session; its devices are missing from this session", plugin.Name);
            return false;
        }

        SessionDevices devices;
        try
        {
            // R15: a Lines, Key or Capabilities getter that throws or hangs leaves out its plugin only.
            devices = await PluginCalls.ReadDevicesAsync(backendSession, _options.HookTimeout, _time).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Plugin '{Plugin}': reading its devices (Lines, Phones, Key, Capabilities) failed ({Problem}); it is left out of this session",
                plugin.Name, PluginCalls.Describe(e));
            _ = GuardAsync($"ending the session of plugin '{plugin.Name}'", () => backendSession.DisposeAsync(), _options.HookTimeout);
            return false;
        }

        lock (Lock)
        {
            _backends.Add((plugin.Name, backendSession));
        }

        foreach (var line in devices.Lines)
        {
            Arrived(_lines, () => AddLine_NeedsLock(plugin.Name, line));
        }

        foreach (var phone in devices.Phones)
        {
            Arrived(_phones, () => AddPhone_NeedsLock(plugin.Name, phone));
        }

        return true;
    }

    /// <summary>
    /// Hot plug: <paramref name="plugin"/> leaves the session. Each of its devices departs as an
    /// unplugged one does (LINE_CLOSE and closing when open, then LINE_REMOVE / PHONE_REMOVE), then its
    /// backend session ends. Other devices keep their IDs.
    /// </summary>
    internal async Task DetachAsync(string plugin)
    {
        List<LineEntry> lines;
        List<PhoneEntry> phones;
        List<IBackendSession> sessions;
        lock (Lock)
        {
            lines = [.. _lines.Entries.Where(e => IsOf(e, plugin))];
            phones = [.. _phones.Entries.Where(e => IsOf(e, plugin))];
            sessions = [.. _backends.Where(b => string.Equals(b.Plugin, plugin, StringComparison.OrdinalIgnoreCase)).Select(b => b.Session)];
            _backends.RemoveAll(b => sessions.Contains(b.Session));
        }

        foreach (var line in lines)
        {
            await DepartedAsync(_lines, line.Device, Lines).ConfigureAwait(false);
        }

        foreach (var phone in phones)
        {
            await DepartedAsync(_phones, phone.Device, Phones).ConfigureAwait(false);
        }

        foreach (var backendSession in sessions)
        {
            await GuardAsync($"ending the session of plugin '{plugin}'", () => backendSession.DisposeAsync(), _options.HookTimeout).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// providerInit: numbers the devices from the bases TAPI gave (the first <paramref name="numLines"/>
    /// lines get <c>lineDeviceIdBase + i</c>; any beyond are announced with LINE_CREATE) and starts delivering to TAPI.
    /// </summary>
    internal void Activate(uint lineDeviceIdBase, uint phoneDeviceIdBase, uint numLines, uint numPhones, ITapiCallbacks callbacks, nint providerHandle)
    {
        Dispatcher = new TapiEventDispatcher(callbacks, _logger);
        Ledger = new AsyncRequestLedger(Dispatcher, Lock);
        lock (Lock)
        {
            LineDeviceIdBase = lineDeviceIdBase;
            PhoneDeviceIdBase = phoneDeviceIdBase;
            _providerHandle = providerHandle;
            _active = true;
            foreach (var line in _lines.Number(lineDeviceIdBase, numLines))
            {
                Announce_NeedsLock(_lines, line);
            }

            foreach (var phone in _phones.Number(phoneDeviceIdBase, numPhones))
            {
                Announce_NeedsLock(_phones, phone);
            }
        }
    }

    /// <summary>R14: tells running clients to shut down and start again.</summary>
    internal void PostReinit()
    {
        Dispatcher.PostLine(null, null, LineMessage.LineDevState, LineDevState.Reinit);
        Dispatcher.PostPhone(null, PhoneMessage.State, PhoneStateFlags.Reinit);
    }

    /// <summary>providerShutdown: closes everything still open (completing what is pending) and ends the backends' sessions.</summary>
    internal async Task EndAsync()
    {
        List<OpenLine> lines;
        List<OpenPhone> phones;
        lock (Lock)
        {
            lines = [.. Lines.Items];
            phones = [.. Phones.Items];
        }

        foreach (var line in lines)
        {
            await CloseCoreAsync(line, line.Entry, Lines, deviceGone: false).ConfigureAwait(false);
        }

        foreach (var phone in phones)
        {
            await CloseCoreAsync(phone, phone.Entry, Phones, deviceGone: false).ConfigureAwait(false);
        }

        Ledger?.FailAll(LineErr.OperationFailed);
        foreach (var (plugin, backendSession) in _backends)
        {
            await GuardAsync($"ending the session of plugin '{plugin}'", () => backendSession.DisposeAsync(), _options.HookTimeout).ConfigureAwait(false);
        }

        if (Dispatcher is not null)
        {
            await Dispatcher.FlushAsync(_options.FlushTimeout).ConfigureAwait(false);
            await Dispatcher.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the session for TAPI when <see cref="EndAsync"/> overran its deadline: every request still
    /// pending completes with a failure, what was posted reaches TAPI (bounded), and the dispatcher
    /// takes nothing more, so no event of this session follows the shutdown's answer.
    /// </summary>
    internal async Task AbandonAsync()
    {
        Ledger?.FailAll(LineErr.OperationFailed);
        if (Dispatcher is not null)
        {
            await Dispatcher.FlushAsync(_options.FlushTimeout).ConfigureAwait(false);
            Dispatcher.Close();
        }
    }

    // ---- device map ----

    private LineEntry? AddLine_NeedsLock(string plugin, LineDescriptor line)
    {
        if (SharedVersions(plugin, "line", line.Key, line.Capabilities.InterfaceVersions) is not { } versions)
        {
            return null;
        }

        var entry = new LineEntry(plugin, line.Device, line.Key, line.Capabilities, versions, _permanentIdFor(PermanentKey(plugin, DeviceKind.Line, line.Key)));
        _lines.Add(entry);
        return entry;
    }

    private PhoneEntry? AddPhone_NeedsLock(string plugin, PhoneDescriptor phone)
    {
        if (SharedVersions(plugin, "phone", phone.Key, phone.Capabilities.InterfaceVersions) is not { } versions)
        {
            return null;
        }

        var entry = new PhoneEntry(plugin, phone.Device, phone.Key, phone.Capabilities, versions, _permanentIdFor(PermanentKey(plugin, DeviceKind.Phone, phone.Key)));
        _phones.Add(entry);
        return entry;
    }

    /// <summary>What a device's permanent ID is kept under: plugin, kind and the device's own key.</summary>
    private static string PermanentKey(string plugin, DeviceKind kind, string key) => $"{plugin}/{kind.Noun}/{key}";

    /// <summary>providerCreateLineDevice: gives the line announced as <paramref name="tempId"/> its device ID.</summary>
    internal int CreateLineDevice(uint tempId, uint deviceId)
    {
        lock (Lock)
        {
            return _lines.Create(tempId, deviceId) ? 0 : LineErr.BadDeviceId;
        }
    }

    internal int CreatePhoneDevice(uint tempId, uint deviceId)
    {
        lock (Lock)
        {
            return _phones.Create(tempId, deviceId) ? 0 : PhoneErr.BadDeviceId;
        }
    }

    // ---- running backend work ----

    /// <summary>
    /// Runs an asynchronous request in the backend and completes it exactly once (R6): with 0 when
    /// the backend finishes, with an error when it throws or exceeds the timeout; if the line or call
    /// closed first, the close already completed it and a late result is cleaned up by <paramref name="orphaned"/>.
    /// </summary>
    private int Run<T>(PendingRequest request, bool phone, Func<CancellationToken, ValueTask<T>> operation,
        Action<T>? succeeded_NeedsLock = null, CallRecord[]? created = null, Action<T>? orphaned = null)
    {
        _ = RunAsync(request, phone, operation, succeeded_NeedsLock, created ?? [], orphaned);
        return (int)request.RequestId;
    }

    private int Run(PendingRequest request, bool phone, Func<CancellationToken, ValueTask> operation, Action<bool>? succeeded_NeedsLock = null) =>
        Run(request, phone, async ct =>
        {
            await operation(ct).ConfigureAwait(false);
            return true;
        }, succeeded_NeedsLock);

    private async Task RunAsync<T>(PendingRequest request, bool phone, Func<CancellationToken, ValueTask<T>> operation,
        Action<T>? succeeded_NeedsLock, CallRecord[] created, Action<T>? orphaned)
    {
        Interlocked.Increment(ref _runningOperations);
        try
        {
            await RunCoreAsync(request, phone, operation, succeeded_NeedsLock, created, orphaned).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _runningOperations);
        }
    }

    private async Task RunCoreAsync<T>(PendingRequest request, bool phone, Func<CancellationToken, ValueTask<T>> operation,
        Action<T>? succeeded_NeedsLock, CallRecord[] created, Action<T>? orphaned)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource([.. request.Owners.Select(o => o.Closing)]);
        var result = 0;
        T value = default!;
        var work = Task.Run(() => operation(cts.Token).AsTask(), CancellationToken.None);
        try
        {
            value = await work.WaitAsync(_options.OperationTimeout, _time).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            result = Failure(e, phone, request.Operation, request.RequestId);
            await CancelQuietlyAsync(cts).ConfigureAwait(false);
            if (e is TimeoutException && orphaned is not null)
            {
                // The backend may still finish; whatever it then creates has no owner and is released.
                _ = work.ContinueWith(t => orphaned(t.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            }
        }

        var completed = Ledger.TryComplete(request, result, () =>
        {
            if (result == 0)
            {
                succeeded_NeedsLock?.Invoke(value);
                foreach (var call in created)
                {
                    call.Publish_NeedsLock();
                }
            }
            else
            {
                foreach (var call in created)
                {
                    DiscardCall_NeedsLock(call);
                }
            }
        });

        if (!completed && result == 0 && orphaned is not null)
        {
            orphaned(value);
        }
    }

    private int Failure(Exception e, bool phone, string operation, uint requestId)
    {
        switch (e)
        {
            case TimeoutException:
                _logger.LogWarning("{Operation} (request {RequestId}): the backend did not finish within {Timeout}; completed with a failure",
                    operation, requestId, _options.OperationTimeout);
                return phone ? PhoneErr.OperationFailed : LineErr.OperationFailed;
            case TelephonyException t:
                _logger.LogInformation("{Operation} (request {RequestId}) failed: {Error}: {Message}", operation, requestId, t.Error, t.Message);
                return MapError(t.Error, phone);
            case OperationCanceledException:
                _logger.LogInformation("{Operation} (request {RequestId}) was cancelled", operation, requestId);
                return phone ? PhoneErr.OperationFailed : LineErr.OperationFailed;
            default:
                _logger.LogError(e, "{Operation} (request {RequestId}): the backend threw", operation, requestId);
                return phone ? PhoneErr.OperationFailed : LineErr.OperationFailed;
        }
    }

    internal static int MapError(TelephonyError error, bool phone) => (error, phone) switch
    {
        (TelephonyError.OperationUnavailable, false) => LineErr.OperationUnavail,
        (TelephonyError.OperationUnavailable, true) => PhoneErr.OperationUnavail,
        (TelephonyError.InvalidCallState, false) => LineErr.InvalCallState,
        (TelephonyError.InvalidCallState, true) => PhoneErr.InvalPhoneState,
        (TelephonyError.ResourceUnavailable, false) => LineErr.ResourceUnavail,
        (TelephonyError.ResourceUnavailable, true) => PhoneErr.ResourceUnavail,
        (TelephonyError.InvalidAddress, false) => LineErr.InvalAddress,
        (TelephonyError.InvalidParameter or TelephonyError.InvalidAddress, true) => PhoneErr.InvalParam,
        (TelephonyError.InvalidParameter, false) => LineErr.InvalParam,
        (TelephonyError.NoDevice, false) => LineErr.NoDevice,
        (TelephonyError.NoDevice, true) => PhoneErr.NoDevice,
        (TelephonyError.Allocated, false) => LineErr.Allocated,
        (TelephonyError.Allocated, true) => PhoneErr.Allocated,
        (_, true) => PhoneErr.OperationFailed,
        _ => LineErr.OperationFailed,
    };

    /// <summary>Runs backend work that TAPI waits for synchronously (open, close, release), bounded by <paramref name="timeout"/>; returns the failure, or null.</summary>
    private async Task<Exception?> GuardAsync(string what, Func<ValueTask> work, TimeSpan timeout)
    {
        try
        {
            await Task.Run(() => work().AsTask()).WaitAsync(timeout, _time).ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "{What} failed", what);
            return e;
        }
    }

    private static async Task CancelQuietlyAsync(CancellationTokenSource cts)
    {
        try
        {
            await cts.CancelAsync().ConfigureAwait(false);
        }
        catch (AggregateException)
        {
            // A backend's cancellation callback threw; the request is failed regardless.
        }
    }

    /// <summary>A message target for a handle that must be reached once more after its owner stopped accepting messages.</summary>
    private sealed record FixedTarget(nint TapiHandle) : IMessageTarget
    {
        public bool AcceptsMessages => true;
    }

    /// <summary>Hot plug reports of one plugin's session, and (for a backend that can fail and come back) its faults (R15).</summary>
    private sealed class SessionEvents(ProviderSession session, string plugin) : ISessionEvents, IBackendFaults
    {
        public void SessionFailed(string reason) => session.BackendFailed(plugin, reason);

        public Task<bool> SessionRestoredAsync(IBackendSession backendSession) => session.BackendRestoredAsync(plugin, backendSession);

        // The device's getters run here, on the plugin's thread and outside the session lock: one that throws is reported, not let through.
        public void LineArrived(ILineDevice line)
        {
            if (Read(() => PluginCalls.Describe(line), "a line that arrived") is { } described)
            {
                session.Arrived(session._lines, () => session.AddLine_NeedsLock(plugin, described));
            }
        }

        public void LineDeparted(ILineDevice line) => _ = session.DepartedAsync(session._lines, line, session.Lines);

        public void PhoneArrived(IPhoneDevice phone)
        {
            if (Read(() => PluginCalls.Describe(phone), "a phone that arrived") is { } described)
            {
                session.Arrived(session._phones, () => session.AddPhone_NeedsLock(plugin, described));
            }
        }

        public void PhoneDeparted(IPhoneDevice phone) => _ = session.DepartedAsync(session._phones, phone, session.Phones);

        private T? Read<T>(Func<T> read, string what)
            where T : class
        {
            try
            {
                return read();
            }
            catch (Exception e)
            {
                session._logger.LogError(e, "Plugin '{Plugin}': reading {What} failed ({Problem}); it is left out", plugin, what, PluginCalls.Describe(e));
                return null;
            }
        }
    }
}
