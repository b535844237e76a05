using Microsoft.Extensions.Logging;
using TspHost.Abstractions;
using TspHost.Core.Configuration;
using TspHost.Core.Tapi;

namespace TspHost.Core.Lifecycle;

// Plugins coming and going in an installed provider: one at a time by command (install, remove:
// deferred during a session, R13) or by their folders appearing and vanishing (hot plug: their
// devices come and go in the running session, announced rather than renumbered).
public sealed partial class ProviderEngine
{
    /// <summary>
    /// Installs one plugin of the catalog into the installed provider (R11, R12) with
    /// <paramref name="settings"/> (its catalog defaults when null). Outside a session its install
    /// hook runs now; during one the entry is saved, the hook deferred to the session's end (R13)
    /// and clients are asked to re-initialise (R14).
    /// </summary>
    public Task<LifecycleResult> InstallPluginAsync(string plugin, IReadOnlyDictionary<string, string>? settings = null) => Serialised(async () =>
    {
        if (!State.Installed)
        {
            return new LifecycleResult(LineErr.OperationFailed, "The provider is not installed; providerInstall must come first (R11).");
        }

        if (State.FindPlugin(plugin) is { } existing)
        {
            if (!existing.RemovePending)
            {
                return new LifecycleResult(LineErr.NoMultipleInstance, $"Plugin '{existing.Name}' is installed already; remove it first (R11).");
            }

            Update(s => s.WithPlugin(existing with { RemovePending = false }) with { Revision = s.Revision + 1 });
            return LifecycleResult.Ok($"The pending removal of plugin '{existing.Name}' was cancelled; it stays installed.");
        }

        if (CatalogEntry(plugin) is not { } entry)
        {
            return new LifecycleResult(LineErr.InvalParam, NotAvailable(plugin));
        }

        entry = settings is null ? entry : entry with { Settings = settings };
        if (_session is { } session)
        {
            if (await ValidationFailureAsync(entry).ConfigureAwait(false) is { } invalid)
            {
                return new LifecycleResult(LineErr.InvalParam, invalid);
            }

            // R13: saved now, installed (hook, devices) when the running session shuts down.
            Update(s => s.WithPlugin(entry with { InstallPending = true }) with { Revision = s.Revision + 1 });
            session.PostReinit(); // R14
            return LifecycleResult.Ok($"Plugin '{entry.Name}' will be installed when the running session shuts down (clients were asked to re-initialise).");
        }

        DiscardPrepared();
        if (await InstallPluginCoreAsync(entry).ConfigureAwait(false) is { } failure)
        {
            return new LifecycleResult(LineErr.OperationFailed, $"Plugin '{entry.Name}' was not installed: {failure}");
        }

        Update(s => s.WithPlugin(entry) with { Revision = s.Revision + 1 });
        return LifecycleResult.Ok($"Plugin '{entry.Name}' installed.");
    });

    /// <summary>
    /// Removes one plugin from the installed provider. Outside a session its remove hook runs now (a
    /// failure is logged; the removal goes ahead); during one the removal is deferred to the session's
    /// end (R13) and clients are asked to re-initialise (R14). Permanent device IDs are kept.
    /// </summary>
    public Task<LifecycleResult> RemovePluginAsync(string plugin) => Serialised(async () =>
    {
        if (!State.Installed)
        {
            return new LifecycleResult(LineErr.OperationFailed, "The provider is not installed (R11: remove must follow install).");
        }

        if (State.FindPlugin(plugin) is not { } entry)
        {
            return new LifecycleResult(LineErr.InvalParam, NotInstalled(plugin));
        }

        if (_session is { } session && !entry.InstallPending)
        {
            Update(s => s.WithPlugin(entry with { RemovePending = true }) with { Revision = s.Revision + 1 });
            session.PostReinit(); // R14
            return LifecycleResult.Ok($"Removal of plugin '{entry.Name}' accepted; it takes effect when the running session shuts down (clients were asked to re-initialise).");
        }

        if (entry.InstallPending)
        {
            // Its install never ran, so neither does its remove hook.
            Update(s => s.WithoutPlugin(entry.Name) with { Revision = s.Revision + 1 });
            return LifecycleResult.Ok($"The pending install of plugin '{entry.Name}' was cancelled.");
        }

        DiscardPrepared();
        await RunHookAsync(entry, "remove", (b, c, ct) => b.RemoveAsync(c, ct)).ConfigureAwait(false);
        Update(s => s.WithoutPlugin(entry.Name) with { Revision = s.Revision + 1 });
        return LifecycleResult.Ok($"Plugin '{entry.Name}' removed.");
    });

    /// <summary>
    /// Hot plug: a plugin's folder appeared (or came back replaced) while the host runs. A plugin not
    /// installed yet is installed at once (its install hook runs here, outside the session); in a
    /// running session its session is started and its devices announced with LINE_CREATE /
    /// PHONE_CREATE, other devices keeping their IDs. Nothing happens before providerInstall.
    /// </summary>
    public Task<LifecycleResult> PluginArrivedAsync(string plugin) => Serialised(async () =>
    {
        if (!State.Installed)
        {
            return LifecycleResult.Ok($"Plugin '{plugin}' is available; the provider is not installed, so it waits for providerInstall.");
        }

        if (!_catalog.TryGet(plugin, out var backend) || CatalogEntry(plugin) is not { } available)
        {
            return new LifecycleResult(LineErr.InvalParam, NotAvailable(plugin));
        }

        var entry = State.FindPlugin(plugin);
        if (entry is null)
        {
            entry = available;
            if (await InstallPluginCoreAsync(entry).ConfigureAwait(false) is { } failure)
            {
                return new LifecycleResult(LineErr.OperationFailed, $"Plugin '{plugin}' was not installed: {failure}");
            }

            Update(s => s.WithPlugin(entry) with { Revision = s.Revision + 1 });
        }

        DiscardPrepared();
        if (_session is not { } session || entry.InstallPending || entry.RemovePending)
        {
            return LifecycleResult.Ok($"Plugin '{entry.Name}' installed; its devices join the next session.");
        }

        try
        {
            // The running session's snapshot has no section for it yet: its section is read now.
            entry = Configured(entry, (await ReadConfiguredSettingsAsync().ConfigureAwait(false)).Configured);
        }
        catch (HostConfigurationException e)
        {
            return new LifecycleResult(LineErr.OperationFailed, $"Plugin '{entry.Name}' is installed, but its devices did not join the running session: {e.Message}");
        }

        return await session.AttachAsync(entry, backend).ConfigureAwait(false)
            ? LifecycleResult.Ok($"Plugin '{entry.Name}' installed; its devices were announced to the running session.")
            : new LifecycleResult(LineErr.OperationFailed, $"Plugin '{entry.Name}' is installed, but its session did not start; its devices join the next session.");
    });

    /// <summary>
    /// Hot plug: a plugin's folder vanished (or is about to be replaced). In a running session its
    /// devices depart: open ones get LINE_CLOSE / PHONE_CLOSE and are closed (calls ended, requests
    /// failed), then LINE_REMOVE / PHONE_REMOVE; other devices keep their IDs. With
    /// <paramref name="uninstall"/> its remove hook runs and its entry leaves the provider state.
    /// </summary>
    public Task<LifecycleResult> PluginDepartedAsync(string plugin, bool uninstall) => Serialised(async () =>
    {
        if (_session is { } session)
        {
            await session.DetachAsync(plugin).ConfigureAwait(false);
        }

        DiscardPrepared();
        if (!uninstall || State.FindPlugin(plugin) is not { } entry)
        {
            return LifecycleResult.Ok($"Plugin '{plugin}' left the running session.");
        }

        if (!entry.InstallPending)
        {
            await RunHookAsync(entry, "remove", (b, c, ct) => b.RemoveAsync(c, ct)).ConfigureAwait(false);
        }

        Update(s => s.WithoutPlugin(entry.Name) with { Revision = s.Revision + 1 });
        return LifecycleResult.Ok($"Plugin '{entry.Name}' removed.");
    });

    /// <summary>R13: installs and removals of single plugins accepted during the session that just ended.</summary>
    private async Task ApplyDeferredPluginChangesAsync()
    {
        foreach (var plugin in State.Plugins.Where(p => p.RemovePending))
        {
            await RunHookAsync(plugin, "remove", (b, c, ct) => b.RemoveAsync(c, ct)).ConfigureAwait(false);
            Update(s => s.WithoutPlugin(plugin.Name) with { Revision = s.Revision + 1 });
        }

        foreach (var plugin in State.Plugins.Where(p => p.InstallPending))
        {
            var installed = plugin with { InstallPending = false, ConfigurePending = false };
            if (await InstallPluginCoreAsync(installed).ConfigureAwait(false) is { } failure)
            {
                _logger.LogError("The deferred install of plugin '{Plugin}' failed; it is not installed: {Failure}", plugin.Name, failure);
                Update(s => s.WithoutPlugin(plugin.Name) with { Revision = s.Revision + 1 });
                continue;
            }

            Update(s => s.WithPlugin(installed) with { Revision = s.Revision + 1 });
        }
    }

    /// <summary>The catalog's entry for <paramref name="plugin"/> with its default settings, or null when the catalog has no such plugin.</summary>
    private PluginEntry? CatalogEntry(string plugin)
    {
        var (name, settings) = _catalog.Defaults.FirstOrDefault(d => string.Equals(d.Name, plugin, StringComparison.OrdinalIgnoreCase));
        if (name is not null)
        {
            return new PluginEntry(name, settings);
        }

        return _catalog.TryGet(plugin, out _) ? new PluginEntry(plugin, new Dictionary<string, string>()) : null;
    }

    /// <summary>Checks a plugin's settings with the plugin itself; returns why they are invalid (or why the plugin failed checking them), or null.</summary>
    private async Task<string?> ValidationFailureAsync(PluginEntry entry)
    {
        if (!_catalog.TryGet(entry.Name, out var backend))
        {
            return $"plugin '{entry.Name}' is not available.";
        }

        var problem = await PluginCalls.ValidateAsync(entry.Name, backend, new BackendSettings(entry.Settings, "install", $"Plugins:{entry.Name}"), _options.HookTimeout, _time)
            .ConfigureAwait(false);
        if (problem is not null)
        {
            LogPluginFault(problem);
        }

        return problem?.Message;
    }

    private string NotAvailable(string plugin)
    {
        var names = string.Join(", ", _catalog.Defaults.Select(d => d.Name));
        return $"No plugin named '{plugin}' is available (available: {(names.Length == 0 ? "none" : names)}).";
    }

    private string NotInstalled(string plugin)
    {
        var names = string.Join(", ", State.Plugins.Select(p => p.Name));
        return $"No plugin named '{plugin}' is installed (installed: {(names.Length == 0 ? "none" : names)}).";
    }
}
