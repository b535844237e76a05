using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TspHost.Abstractions;
using TspHost.Core.Lifecycle;

namespace TspHost.Core.Plugins;

/// <summary>A plugin folder that could not be loaded, and why.</summary>
public sealed record PluginProblem(string Name, string Folder, string Message);

/// <summary>A plugin loaded from its folder.</summary>
/// <param name="Name">The plugin's name: its folder's.</param>
/// <param name="Folder">Its folder in the plugins directory.</param>
/// <param name="Manifest">What its metadata declares.</param>
/// <param name="Backend">Its backend.</param>
/// <param name="LoadedFrom">The copy of the folder it was loaded from, which keeps <paramref name="Folder"/> free to change.</param>
public sealed record LoadedPlugin(string Name, string Folder, PluginManifest Manifest, ITelephonyBackend Backend, string LoadedFrom);

/// <summary>
/// The plugins of a plugins directory: every folder <c>&lt;Name&gt;/</c> holding <c>&lt;Name&gt;.dll</c>
/// is one plugin, loaded by <see cref="BackendPluginLoader"/> (metadata first, then a private copy in
/// a collectible load context of its own). A folder that cannot be loaded is reported in <see cref="Problems"/> and skipped;
/// the others keep working. Implements <see cref="IBackendCatalog"/>, so the engine uses it as it
/// uses a catalog of objects.
/// </summary>
public sealed class PluginCatalog : IBackendCatalog, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (LoadedPlugin Plugin, LoadedBackend? Handle)> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, PluginProblem> _problems = new(StringComparer.OrdinalIgnoreCase);
    private readonly Func<string, IReadOnlyDictionary<string, string>> _defaultSettings;
    private readonly ILogger _logger;
    private readonly IPluginIsolation? _isolation;

    /// <param name="directory">The plugins directory.</param>
    /// <param name="defaultSettings">The settings a plugin is installed with (its configuration section); empty when null.</param>
    /// <param name="logger">Where load problems are reported.</param>
    /// <param name="isolation">Decides which plugins run in worker processes (R15); every plugin loads in-process when null.</param>
    public PluginCatalog(string directory, Func<string, IReadOnlyDictionary<string, string>>? defaultSettings = null, ILogger? logger = null,
        IPluginIsolation? isolation = null)
    {
        Directory = Path.GetFullPath(directory);
        _defaultSettings = defaultSettings ?? (_ => new Dictionary<string, string>());
        _logger = logger ?? NullLogger.Instance;
        _isolation = isolation;
    }

    public string Directory { get; }

    /// <summary>The plugins loaded, by name.</summary>
    public IReadOnlyList<LoadedPlugin> Plugins
    {
        get
        {
            lock (_lock)
            {
                return [.. _loaded.Values.Select(p => p.Plugin).OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)];
            }
        }
    }

    /// <summary>The folders that could not be loaded at their last attempt.</summary>
    public IReadOnlyList<PluginProblem> Problems
    {
        get
        {
            lock (_lock)
            {
                return [.. _problems.Values.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)];
            }
        }
    }

    /// <summary>Every loaded plugin, in name order, with its default settings: what providerInstall installs.</summary>
    public IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Settings)> Defaults =>
        [.. Plugins.Select(p => (p.Name, _defaultSettings(p.Name)))];

    public bool TryGet(string name, out ITelephonyBackend backend)
    {
        lock (_lock)
        {
            if (_loaded.TryGetValue(name, out var entry))
            {
                backend = entry.Plugin.Backend;
                return true;
            }
        }

        backend = null!;
        return false;
    }

    /// <summary>Loads every folder of the directory not loaded yet; returns the problems found.</summary>
    public IReadOnlyList<PluginProblem> Scan()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            _logger.LogWarning("The plugins directory {Directory} does not exist; no plugins are available", Directory);
            return [];
        }

        var names = System.IO.Directory.GetDirectories(Directory).Order(StringComparer.Ordinal).Select(folder => Path.GetFileName(folder))
            .Where(name => !name.StartsWith('.') && !IsLoaded(name)) // hidden folders are half-copied or staging folders
            .ToList();
        var problems = new System.Collections.Concurrent.ConcurrentBag<PluginProblem>();
        // Worker processes start side by side (each load waits for its own worker); in-process loads go one by one.
        Parallel.ForEach(names, new ParallelOptions { MaxDegreeOfParallelism = _isolation is null ? 1 : Math.Max(1, names.Count) }, name =>
        {
            if (Load(name) is { } problem)
            {
                problems.Add(problem);
            }
        });

        return [.. problems.OrderBy(p => p.Name, StringComparer.Ordinal)];
    }

    public bool IsLoaded(string name)
    {
        lock (_lock)
        {
            return _loaded.ContainsKey(name);
        }
    }

    /// <summary>Loads the folder <paramref name="name"/>; returns null on success, else the problem (also logged and kept in <see cref="Problems"/>).</summary>
    public PluginProblem? Load(string name)
    {
        var folder = Path.Combine(Directory, name);
        try
        {
            var (plugin, loaded) = LoadCore(name, folder);
            lock (_lock)
            {
                if (_loaded.ContainsKey(name))
                {
                    Release(plugin, loaded);
                    return null; // loaded meanwhile by another caller
                }

                _loaded[name] = (plugin, loaded);
                _problems.Remove(name);
            }

            _logger.LogInformation("Loaded plugin '{Plugin}' (contract {Contract}) from {Folder}{Where}", name, plugin.Manifest.ContractVersion, folder,
                loaded is null ? " into a worker process of its own" : "");
            return null;
        }
        catch (PluginLoadException e)
        {
            var problem = new PluginProblem(name, folder, e.Message);
            lock (_lock)
            {
                _problems[name] = problem;
            }

            _logger.LogError(e.InnerException, "{Problem} It is skipped; the other plugins keep working.", e.Message);
            return problem;
        }
    }

    /// <summary>
    /// Forgets the plugin and unloads its load context; the context is collected once nothing refers
    /// to the plugin's objects any more. Returns a weak reference to the context (to check that), or
    /// null when it was not loaded.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public WeakReference? Unload(string name)
    {
        (LoadedPlugin Plugin, LoadedBackend? Handle) entry;
        lock (_lock)
        {
            _problems.Remove(name);
            if (!_loaded.Remove(name, out entry))
            {
                return null;
            }
        }

        var context = Release(entry.Plugin, entry.Handle);
        _logger.LogInformation("Unloaded plugin '{Plugin}'", name);
        return context;
    }

    public void Dispose()
    {
        // Worker processes end side by side, so the host's stop does not wait for them one after another.
        var plugins = Plugins;
        Parallel.ForEach(plugins, new ParallelOptions { MaxDegreeOfParallelism = _isolation is null ? 1 : Math.Max(1, plugins.Count) }, plugin => Unload(plugin.Name));
    }

    /// <summary>
    /// Loads the folder in-process with <see cref="BackendPluginLoader"/>, or, when the isolation says so
    /// once its metadata has passed the contract check, starts it in a worker process (R15).
    /// </summary>
    private (LoadedPlugin Plugin, LoadedBackend? Handle) LoadCore(string name, string folder)
    {
        if (_isolation is not null)
        {
            var manifest = BackendPluginLoader.Inspect(folder);
            if (_isolation.Start(name, folder, manifest) is { } isolated)
            {
                return (new LoadedPlugin(name, folder, manifest, isolated, folder), null);
            }
        }

        var loaded = BackendPluginLoader.Load(folder);
        return (new LoadedPlugin(name, folder, loaded.Manifest, loaded.Backend, loaded.LoadedFrom), loaded);
    }

    /// <summary>Unloads an in-process plugin (a weak reference to its load context), or ends an isolated one's worker.</summary>
    private static WeakReference? Release(LoadedPlugin plugin, LoadedBackend? loaded)
    {
        if (loaded is not null)
        {
            return loaded.Unload();
        }

        (plugin.Backend as IDisposable)?.Dispose(); // an isolated plugin's proxy: ends its worker
        return new WeakReference(plugin.Backend);
    }
}
