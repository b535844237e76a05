using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TspHost.Abstractions;
using TspHost.Core.Configuration;
using TspHost.Core.Events;
using TspHost.Core.Handles;
using TspHost.Core.Tapi;
using TspHost.Core.Versions;

namespace TspHost.Core.Lifecycle;

/// <summary>The outcome of a provider-level operation: TAPI's result code and a sentence for people.</summary>
public readonly record struct LifecycleResult(int Result, string Message)
{
    public bool Succeeded => Result == 0;

    public static LifecycleResult Ok(string message) => new(0, message);
}

/// <summary>Where the provider is in its install/remove pair (R11).</summary>
public enum ProviderStatus
{
    NotInstalled,
    Installed,
    InSession,
}

/// <summary>
/// The provider engine: one method per TSPI function, with TAPI's handles, request IDs and result
/// codes, over backends given as objects. It owns the lifecycle (install/configure/remove pairing,
/// sessions, deferred changes and re-initialisation: R1, R2, R11-R14) and delegates what happens
/// inside a session to <see cref="ProviderSession"/>. Every method is safe to call from many
/// threads at once (R3).
/// </summary>
public sealed partial class ProviderEngine : IAsyncDisposable
{
    private readonly IBackendCatalog _catalog;
    private readonly IProviderStateStore _store;
    private readonly ProviderEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HandleAllocator _handles = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly Lock _stateLock = new();
    private ProviderState _state;
    private ProviderSession? _prepared;
    private volatile ProviderSession? _session;

    /// <exception cref="ProviderStateCorruptException">The persisted state cannot be read.</exception>
    public ProviderEngine(IBackendCatalog catalog, IProviderStateStore store, ProviderEngineOptions? options = null, TimeProvider? time = null, ILogger? logger = null)
    {
        _catalog = catalog;
        _store = store;
        _options = options ?? new ProviderEngineOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _state = store.Load();
        if (store is FileProviderStateStore { LoadWarning: { } warning })
        {
            _logger.LogWarning("{Warning}", warning);
        }

        if (_state.Installed && _state.HasDeferredChanges)
        {
            // A host that stopped mid-session left deferred changes: no session runs now, so apply them (R13).
            _logger.LogInformation("Applying changes deferred from the last session");
            ApplyDeferredAsync().GetAwaiter().GetResult();
        }
    }

    /// <summary>The static configuration as it is now (a session may run on an older snapshot).</summary>
    public ProviderState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    /// <summary>The running session, if any.</summary>
    public ProviderSession? Session => _session;

    public ProviderStatus Status => _session is not null ? ProviderStatus.InSession : State.Installed ? ProviderStatus.Installed : ProviderStatus.NotInstalled;

    // ---- install / configure / remove (R11-R14) ----

    /// <summary>providerInstall: installs the catalog's default plugins, running their install hooks; backs out if one fails.</summary>
    public Task<LifecycleResult> ProviderInstallAsync(uint permanentProviderId) => ProviderInstallAsync(permanentProviderId, null);

    /// <summary>providerInstall with only the named plugins of the catalog's defaults (all of them when <paramref name="plugins"/> is null).</summary>
    public Task<LifecycleResult> ProviderInstallAsync(uint permanentProviderId, IReadOnlyCollection<string>? plugins) => Serialised(async () =>
    {
        if (State.Installed)
        {
            return new LifecycleResult(LineErr.NoMultipleInstance, "The provider is installed already; remove it first (R11: install and remove come in pairs).");
        }

        var defaults = _catalog.Defaults.Where(d => plugins is null || plugins.Contains(d.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (plugins?.FirstOrDefault(p => !defaults.Any(d => string.Equals(d.Name, p, StringComparison.OrdinalIgnoreCase))) is { } unknown)
        {
            return new LifecycleResult(LineErr.InvalParam, NotAvailable(unknown));
        }

        var installed = new List<PluginEntry>();
        var skipped = new List<string>();
        foreach (var (name, settings) in defaults)
        {
            var entry = new PluginEntry(name, settings);
            if (await InstallPluginCoreAsync(entry).ConfigureAwait(false) is { } failure)
            {
                if (_options.InstallSkipsFailingPlugins)
                {
                    skipped.Add(failure);
                    continue;
                }

                foreach (var done in installed)
                {
                    await RunHookAsync(done, "remove", (b, c, ct) => b.RemoveAsync(c, ct)).ConfigureAwait(false);
                }

                return new LifecycleResult(LineErr.OperationFailed, $"Install backed out: {failure}");
            }

            installed.Add(entry);
        }

        Update(s => s with { Installed = true, PermanentProviderId = permanentProviderId, Plugins = installed, RemovePending = false, Revision = s.Revision + 1 });
        var message = $"Installed provider {permanentProviderId} with {(installed.Count == 0 ? "no plugins" : string.Join(", ", installed.Select(p => p.Name)))}.";
        return LifecycleResult.Ok(skipped.Count == 0 ? message : $"{message} Skipped: {string.Join(" ", skipped)}");
    });

    /// <summary>
    /// providerConfig: changes a plugin's settings (a <c>null</c> value removes a key). Checked at once;
    /// during a session the change is stored and deferred to the next session, and clients are told to
    /// re-initialise (R13, R14).
    /// </summary>
    public Task<LifecycleResult> ProviderConfigAsync(string plugin, IReadOnlyDictionary<string, string?> changes) => Serialised(async () =>
    {
        var state = State;
        if (!state.Installed)
        {
            return new LifecycleResult(LineErr.OperationFailed, "The provider is not installed; install it before configuring (R11).");
        }

        if (state.FindPlugin(plugin) is not { } entry || !_catalog.TryGet(entry.Name, out var backend))
        {
            return new LifecycleResult(LineErr.InvalParam, NotInstalled(plugin));
        }

        var settings = new BackendSettings(entry.Settings, "configuration change", $"Plugins:{entry.Name}").With(changes);
        if (await PluginCalls.ValidateAsync(entry.Name, backend, settings, _options.HookTimeout, _time).ConfigureAwait(false) is { } problem)
        {
            LogPluginFault(problem);
            return new LifecycleResult(problem.PluginFault ? LineErr.OperationFailed : LineErr.InvalParam, problem.Message);
        }

        var changed = entry with { Settings = settings.ToDictionary(StringComparer.OrdinalIgnoreCase) };
        if (_session is { } session)
        {
            // R13: accepted, but the running session keeps its snapshot; the hook runs after shutdown.
            Update(s => s.WithPlugin(changed with { ConfigurePending = true }) with { Revision = s.Revision + 1 });
            session.PostReinit(); // R14
            return LifecycleResult.Ok($"Configuration of '{entry.Name}' saved; it takes effect at the next session (clients were asked to re-initialise).");
        }

        DiscardPrepared();
        Update(s => s.WithPlugin(changed) with { Revision = s.Revision + 1 });
        if (await RunHookAsync(changed, "configure", (b, c, ct) => b.ConfigureAsync(c, ct)).ConfigureAwait(false) is { } failure)
        {
            Update(s => s.WithPlugin(entry) with { Revision = s.Revision + 1 });
            return new LifecycleResult(LineErr.OperationFailed, $"Configuration of '{entry.Name}' rolled back: {failure}");
        }

        return LifecycleResult.Ok($"Configuration of '{entry.Name}' applied.");
    });

    /// <summary>providerRemove: removes the provider; during a session it is accepted and applied at shutdown (R13), never INUSE.</summary>
    public Task<LifecycleResult> ProviderRemoveAsync() => Serialised(async () =>
    {
        if (!State.Installed)
        {
            return new LifecycleResult(LineErr.OperationFailed, "The provider is not installed (R11: remove must follow install).");
        }

        if (_session is { } session)
        {
            Update(s => s with { RemovePending = true, Revision = s.Revision + 1 });
            session.PostReinit(); // R14
            return LifecycleResult.Ok("Removal accepted; it takes effect when the running session shuts down (clients were asked to re-initialise).");
        }

        DiscardPrepared();
        await RemoveCoreAsync().ConfigureAwait(false);
        return LifecycleResult.Ok("Provider removed.");
    });

    // ---- sessions (R1, R2) ----

    /// <summary>providerEnumDevices: starts the installed plugins' sessions (kept for the providerInit that follows) and counts their devices.</summary>
    public Task<(int Result, uint NumLines, uint NumPhones)> ProviderEnumDevicesAsync(uint permanentProviderId, nint providerHandle = 0) => Serialised(async () =>
    {
        if (_session is { } running)
        {
            return (0, (uint)running.LineCount, (uint)running.PhoneCount);
        }

        if (!State.Installed)
        {
            _logger.LogError("providerEnumDevices: provider {Id} is not installed", permanentProviderId);
            return (LineErr.NoDriver, 0u, 0u);
        }

        _providerHandle = providerHandle;
        try
        {
            var prepared = await PrepareAsync().ConfigureAwait(false);
            return (0, (uint)prepared.LineCount, (uint)prepared.PhoneCount);
        }
        catch (HostConfigurationException e)
        {
            _logger.LogError("providerEnumDevices: the configuration is invalid, so no session starts on it: {Problem}", e.Message);
            return (LineErr.OperationFailed, 0u, 0u);
        }
    });

    private nint _providerHandle;

    /// <summary>providerInit: starts a session on a snapshot of the configuration, fixed until shutdown (R2).</summary>
    public Task<LifecycleResult> ProviderInitAsync(uint tspiVersion, uint permanentProviderId, uint lineDeviceIdBase, uint phoneDeviceIdBase,
        uint numLines, uint numPhones, ITapiCallbacks callbacks) => Serialised(async () =>
    {
        if (!State.Installed)
        {
            return new LifecycleResult(LineErr.OperationFailed, "The provider is not installed; providerInstall must come first (R11).");
        }

        if (_session is not null)
        {
            return new LifecycleResult(LineErr.OperationFailed, "A session is running already; providerInit and providerShutdown come in pairs (R1).");
        }

        if (!TspiVersion.HostRange.Contains(TspiVersion.FromDword(tspiVersion)))
        {
            return new LifecycleResult(LineErr.IncompatibleApiVersion, $"Interface version {TspiVersion.Format(tspiVersion)} is outside the host's {TspiVersion.HostRange}.");
        }

        ProviderSession session;
        try
        {
            session = await PrepareAsync().ConfigureAwait(false);
        }
        catch (HostConfigurationException e)
        {
            return new LifecycleResult(LineErr.OperationFailed, $"No session started: the configuration is invalid. {e.Message}");
        }

        _prepared = null;
        session.Activate(lineDeviceIdBase, phoneDeviceIdBase, numLines, numPhones, callbacks, _providerHandle);
        _session = session;
        return LifecycleResult.Ok($"Session started: {session.LineCount} line(s) from {lineDeviceIdBase}, {session.PhoneCount} phone(s) from {phoneDeviceIdBase}.");
    });

    /// <summary>providerShutdown: ends the session (completing everything pending), then applies deferred changes (R13, R14). Always succeeds.</summary>
    public Task<int> ProviderShutdownAsync(uint tspiVersion, uint permanentProviderId) => Serialised(async () =>
    {
        var session = _session;
        if (session is null)
        {
            _logger.LogWarning("providerShutdown without a running session; nothing to do");
            return 0;
        }

        _session = null;
        var ending = session.EndAsync();
        try
        {
            await ending.WaitAsync(_options.ShutdownTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Bounded: TAPI waits for this answer (the shim up to its reply timeout). What is left is a
            // plugin still closing; the session is over for TAPI once nothing more can reach it.
            _logger.LogWarning("The session did not end within {Timeout}: its plugins are left to finish closing on their own", _options.ShutdownTimeout);
            await session.AbandonAsync().ConfigureAwait(false);
            _ = ending.ContinueWith(t => _logger.LogInformation("The abandoned session has ended{Failure}", t.Exception is null ? "" : $" ({t.Exception.GetBaseException().Message})"),
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        await ApplyDeferredAsync().ConfigureAwait(false);
        return 0;
    });

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await ProviderShutdownAsync(0, State.PermanentProviderId).ConfigureAwait(false);
        }

        DiscardPrepared();
        _lifecycle.Dispose();
    }

    // ---- helpers ----

    /// <exception cref="HostConfigurationException">The configuration is invalid; no session is prepared.</exception>
    private async Task<ProviderSession> PrepareAsync()
    {
        var state = await SessionSnapshotAsync().ConfigureAwait(false);
        if (_prepared is { } prepared && prepared.Snapshot.Revision == state.Snapshot.Revision && SameSettings(prepared.Snapshot, state.Snapshot)
            && prepared.LeftOut.SetEquals(state.LeftOut))
        {
            return prepared;
        }

        DiscardPrepared();
        _prepared = await ProviderSession.StartAsync(state.Snapshot, state.LeftOut, _catalog, _handles, _options, _time, _logger, AssignPermanentId).ConfigureAwait(false);
        return _prepared;
    }

    /// <summary>
    /// R2: what a session runs on: the provider state, each plugin's settings laid over its
    /// configuration section (read now), every section checked by its plugin.
    /// </summary>
    /// <exception cref="HostConfigurationException">A section names no available plugin, or a plugin rejects its settings.</exception>
    private async Task<(ProviderState Snapshot, HashSet<string> LeftOut)> SessionSnapshotAsync()
    {
        var state = State;
        var (configured, leftOut) = await ReadConfiguredSettingsAsync().ConfigureAwait(false);
        return (configured.Count == 0 ? state : state with { Plugins = [.. state.Plugins.Select(p => Configured(p, configured))] }, leftOut);
    }

    /// <summary>
    /// The plugins' configuration sections, each checked by its plugin. A bad value refuses the whole
    /// configuration (R2); a plugin that fails the check itself (throws anything else, hangs) is left
    /// out of the session instead (R15), named in the log and in <c>LeftOut</c>.
    /// </summary>
    /// <exception cref="HostConfigurationException">A section names no available plugin, or a plugin rejects its settings.</exception>
    private async Task<(IReadOnlyDictionary<string, BackendSettings> Configured, HashSet<string> LeftOut)> ReadConfiguredSettingsAsync()
    {
        var leftOut = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (_options.PluginSettings is not { } source)
        {
            return (new Dictionary<string, BackendSettings>(), leftOut);
        }

        var configured = source.ReadPluginSettings();
        foreach (var (name, section) in configured)
        {
            if (!_catalog.TryGet(name, out var backend))
            {
                var available = string.Join(", ", _catalog.Defaults.Select(d => d.Name));
                throw new HostConfigurationException(
                    $"{section.Source}: the section {section.Section} names no available plugin; expected a section named after a plugin folder ({(available.Length == 0 ? "none available" : available)}).");
            }

            if (await PluginCalls.ValidateAsync(name, backend, section, _options.HookTimeout, _time).ConfigureAwait(false) is { } problem)
            {
                if (!problem.PluginFault)
                {
                    throw new HostConfigurationException(problem.Message, problem.Exception);
                }

                LogPluginFault(problem);
                leftOut.Add(name);
            }
        }

        return (configured, leftOut);
    }

    /// <summary>R15: a plugin that failed a check itself (not a bad value) is logged with the exception, naming it.</summary>
    private void LogPluginFault(SettingsProblem problem)
    {
        if (problem.PluginFault)
        {
            _logger.LogError(problem.Exception, "{Problem} It is left out; the other plugins keep working.", problem.Message);
        }
    }

    /// <summary>The plugin's settings from the provider state laid over its configuration section.</summary>
    private static PluginEntry Configured(PluginEntry plugin, IReadOnlyDictionary<string, BackendSettings> configured) =>
        configured.TryGetValue(plugin.Name, out var section)
            ? plugin with { Settings = section.With(plugin.Settings.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value))).ToDictionary(StringComparer.OrdinalIgnoreCase) }
            : plugin;

    private static bool SameSettings(ProviderState a, ProviderState b) =>
        a.Plugins.Count == b.Plugins.Count
        && a.Plugins.Zip(b.Plugins).All(p => p.First.Settings.Count == p.Second.Settings.Count
            && p.First.Settings.All(kv => p.Second.Settings.TryGetValue(kv.Key, out var v) && v == kv.Value));

    private void DiscardPrepared()
    {
        if (Interlocked.Exchange(ref _prepared, null) is { } stale)
        {
            stale.EndAsync().GetAwaiter().GetResult();
        }
    }

    private uint AssignPermanentId(string deviceKey)
    {
        lock (_stateLock)
        {
            var (next, id) = _state.WithPermanentId(deviceKey);
            if (!ReferenceEquals(next, _state))
            {
                _store.Save(next);
                _state = next;
            }

            return id;
        }
    }

    private void Update(Func<ProviderState, ProviderState> change)
    {
        lock (_stateLock)
        {
            var next = change(_state);
            _store.Save(next); // atomic: if this throws, nothing changed
            _state = next;
        }
    }

    private async Task ApplyDeferredAsync()
    {
        await ApplyDeferredPluginChangesAsync().ConfigureAwait(false);
        foreach (var plugin in State.Plugins.Where(p => p.ConfigurePending))
        {
            await RunHookAsync(plugin, "configure", (b, c, ct) => b.ConfigureAsync(c, ct)).ConfigureAwait(false);
            Update(s => s.WithPlugin(plugin with { ConfigurePending = false }));
        }

        if (State.RemovePending)
        {
            await RemoveCoreAsync().ConfigureAwait(false);
        }
    }

    private async Task RemoveCoreAsync()
    {
        foreach (var plugin in State.Plugins)
        {
            await RunHookAsync(plugin, "remove", (b, c, ct) => b.RemoveAsync(c, ct)).ConfigureAwait(false);
        }

        // Permanent IDs are kept: a device that comes back after a reinstall keeps its ID.
        Update(s => s with { Installed = false, Plugins = [], RemovePending = false, Revision = s.Revision + 1 });
    }

    /// <summary>Validates and installs one plugin; returns why it failed, or null.</summary>
    private async Task<string?> InstallPluginCoreAsync(PluginEntry entry)
    {
        if (await ValidationFailureAsync(entry).ConfigureAwait(false) is { } invalid)
        {
            return invalid;
        }

        return await RunHookAsync(entry, "install", (b, c, ct) => b.InstallAsync(c, ct)).ConfigureAwait(false);
    }

    /// <summary>Runs a plugin hook outside any session, bounded by the hook timeout; returns why it failed, or null.</summary>
    private async Task<string?> RunHookAsync(PluginEntry entry, string hook, Func<ITelephonyBackend, BackendHookContext, CancellationToken, ValueTask> run)
    {
        if (!_catalog.TryGet(entry.Name, out var backend))
        {
            _logger.LogWarning("The {Hook} hook of plugin '{Plugin}' cannot run: the plugin is not available", hook, entry.Name);
            return $"plugin '{entry.Name}' is not available.";
        }

        IReadOnlyDictionary<string, string> settings;
        try
        {
            // Hooks see what a session would: the plugin's configuration section under its provider-state settings.
            settings = _options.PluginSettings is { } source ? Configured(entry, source.ReadPluginSettings()).Settings : entry.Settings;
        }
        catch (HostConfigurationException e)
        {
            _logger.LogError("The {Hook} hook of plugin '{Plugin}' did not run: {Problem}", hook, entry.Name, e.Message);
            return $"the {hook} hook of plugin '{entry.Name}' did not run: {e.Message}";
        }

        var context = new BackendHookContext { Settings = new BackendSettings(settings, "provider state", $"Plugins:{entry.Name}"), Log = new BackendLog(_logger, entry.Name), Time = _time };
        using var cts = new CancellationTokenSource();
        try
        {
            await Task.Run(() => run(backend, context, cts.Token).AsTask()).WaitAsync(_options.HookTimeout, _time).ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            _logger.LogError(e, "The {Hook} hook of plugin '{Plugin}' failed", hook, entry.Name);
            return e is TimeoutException
                ? $"the {hook} hook of plugin '{entry.Name}' did not finish within {_options.HookTimeout.TotalSeconds:0} s."
                : $"the {hook} hook of plugin '{entry.Name}' failed: {e.Message}";
        }
    }

    private async Task<T> Serialised<T>(Func<Task<T>> work)
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }
}
