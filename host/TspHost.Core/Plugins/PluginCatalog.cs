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
    private readonly Dictionary<string, (LoadedPlugin Plugin, LoadedBackend Handle)> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, PluginProblem> _problems = new(StringComparer.OrdinalIgnoreCase);
    private readonly Func<string, IReadOnlyDictionary<string, string>> _defaultSettings;
    private readonly ILogger _logger;

    /// <param name="directory">The plugins directory.</param>
    /// <param name="defaultSettings">The settings a plugin is installed with (its configuration section); empty when null.</param>
    /// <param name="logger">Where load problems are reported.</param>
    public PluginCatalog(string directory, Func<string, IReadOnlyDictionary<string, string>>? defaultSettings = null, ILogger? logger = null)
    {
        Directory = Path.GetFullPath(directory);
        _defaultSettings = defaultSettings ?? (_ => new Dictionary<string, string>());
        _logger = logger ?? NullLogger.Instance;
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

        var problems = new List<PluginProblem>();
        foreach (var folder in System.IO.Directory.GetDirectories(Directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder);
            if (name.StartsWith('.') || IsLoaded(name))
            {
                continue; // hidden folders are half-copied or staging folders
            }

            if (Load(name) is { } problem)
            {
                problems.Add(problem);
            }
        }

        return problems;
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
            var loaded = BackendPluginLoader.Load(folder);
            var plugin = new LoadedPlugin(name, folder, loaded.Manifest, loaded.Backend, loaded.LoadedFrom);
            lock (_lock)
            {
                if (_loaded.ContainsKey(name))
                {
                    loaded.Unload();
                    return null; // loaded meanwhile by another caller
                }

                _loaded[name] = (plugin, loaded);
                _problems.Remove(name);
            }

            _logger.LogInformation("Loaded plugin '{Plugin}' (contract {Contract}) from {Folder}", name, plugin.Manifest.ContractVersion, folder);
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
        LoadedBackend loaded;
        lock (_lock)
        {
            _problems.Remove(name);
            if (!_loaded.Remove(name, out var entry))
            {
                return null;
            }

            loaded = entry.Handle;
        }

        var context = loaded.Unload();
        _logger.LogInformation("Unloaded plugin '{Plugin}'", name);
        return context;
    }

    public void Dispose()
    {
        foreach (var plugin in Plugins)
        {
            Unload(plugin.Name);
        }
    }
}
