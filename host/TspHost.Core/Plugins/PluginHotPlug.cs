using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TspHost.Core.Lifecycle;

namespace TspHost.Core.Plugins;

/// <summary>What happened to a plugin folder.</summary>
public enum PluginChangeKind
{
    /// <summary>A new folder loaded and its plugin installed (and attached to a running session).</summary>
    Added,
    /// <summary>A loaded plugin's folder changed: the old one left, the new one came in.</summary>
    Replaced,
    /// <summary>The folder vanished: the plugin left the session, was removed and unloaded.</summary>
    Removed,
    /// <summary>The folder could not be loaded or installed; it is retried when it changes again.</summary>
    Failed,
}

/// <summary>One change the hot-plug watcher acted on.</summary>
/// <param name="Name">The plugin (its folder's name).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Message">What the engine said about it.</param>
/// <param name="UnloadedContext">For a removed or replaced plugin, a weak reference to its old load context, which is collected once nothing refers to the plugin any more.</param>
public sealed record PluginChange(string Name, PluginChangeKind Kind, string Message, WeakReference? UnloadedContext = null);

/// <summary>Timing of the hot-plug watcher.</summary>
public sealed record PluginHotPlugOptions
{
    /// <summary>How long a folder's files must stay unchanged before it is loaded (a copy in progress keeps changing them).</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>
/// Hot plug of plugin folders: watches the plugins directory while the host runs. A folder that
/// appears is loaded once its files have stopped changing for <see cref="PluginHotPlugOptions.QuietPeriod"/>
/// (a half-copied folder keeps changing, or fails to load and is retried on its next change), then
/// installed and attached to the running session (<see cref="ProviderEngine.PluginArrivedAsync"/>); a
/// folder that vanishes makes its plugin leave (<see cref="ProviderEngine.PluginDepartedAsync"/>) and
/// its load context unload; a folder that changes is both. Folders whose names start with '.' are
/// ignored: copy into <c>.name</c> and rename for an atomic drop.
/// </summary>
public sealed class PluginHotPlug : IAsyncDisposable
{
    private readonly PluginCatalog _catalog;
    private readonly ProviderEngine _engine;
    private readonly PluginHotPlugOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<string> _touched = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, string> _loadedStamps = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stop = new();
    private FileSystemWatcher? _watcher;
    private Task _loop = Task.CompletedTask;

    public PluginHotPlug(PluginCatalog catalog, ProviderEngine engine, PluginHotPlugOptions? options = null, TimeProvider? time = null, ILogger? logger = null)
    {
        _catalog = catalog;
        _engine = engine;
        _options = options ?? new PluginHotPlugOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Raised after each change is acted on (from the watcher's loop).</summary>
    public event Action<PluginChange>? Changed;

    /// <summary>Starts watching; the folders loaded so far count as present and unchanged.</summary>
    public void Start()
    {
        Directory.CreateDirectory(_catalog.Directory);
        foreach (var plugin in _catalog.Plugins)
        {
            _loadedStamps[plugin.Name] = Stamp(plugin.Folder) ?? "";
        }

        _watcher = new FileSystemWatcher(_catalog.Directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        _watcher.Created += (_, e) => Touch(e.FullPath);
        _watcher.Changed += (_, e) => Touch(e.FullPath);
        _watcher.Deleted += (_, e) => Touch(e.FullPath);
        _watcher.Renamed += (_, e) =>
        {
            Touch(e.OldFullPath);
            Touch(e.FullPath);
        };
        _watcher.Error += (_, e) =>
        {
            _logger.LogWarning(e.GetException(), "The plugins directory watcher lost events; rescanning {Directory}", _catalog.Directory);
            foreach (var folder in Directory.GetDirectories(_catalog.Directory))
            {
                Touch(folder);
            }
        };
        _watcher.EnableRaisingEvents = true;
        _loop = Task.Run(() => RunAsync(_stop.Token));
        _logger.LogInformation("Watching {Directory} for plugin folders", _catalog.Directory);
    }

    public async ValueTask DisposeAsync()
    {
        _watcher?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped
        }

        _stop.Dispose();
    }

    private void Touch(string path)
    {
        var relative = Path.GetRelativePath(_catalog.Directory, path);
        var name = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)[0];
        if (name.Length > 0 && name != "." && name != ".." && !name.StartsWith('.'))
        {
            _touched.Writer.TryWrite(name);
        }
    }

    /// <summary>Debounces: a touched folder is acted on once its stamp (files, sizes, times) held still for a quiet period.</summary>
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var settling = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            if (settling.Count == 0)
            {
                await _touched.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
            }

            while (_touched.Reader.TryRead(out var name))
            {
                settling[name] = Stamp(Path.Combine(_catalog.Directory, name));
            }

            await Task.Delay(_options.QuietPeriod, _time, cancellationToken).ConfigureAwait(false);
            foreach (var (name, before) in settling.ToList())
            {
                var now = Stamp(Path.Combine(_catalog.Directory, name));
                if (now != before)
                {
                    settling[name] = now; // still being copied: wait another quiet period
                    continue;
                }

                settling.Remove(name);
                try
                {
                    await SettledAsync(name, now).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Report(new PluginChange(name, PluginChangeKind.Failed, $"Plugin '{name}': {e.Message}"), e);
                }
            }
        }
    }

    private async Task SettledAsync(string name, string? stamp)
    {
        var loaded = _catalog.IsLoaded(name);
        if (stamp is null)
        {
            if (loaded)
            {
                var left = await _engine.PluginDepartedAsync(name, uninstall: true).ConfigureAwait(false);
                var unloaded = _catalog.Unload(name);
                _loadedStamps.Remove(name);
                Report(new PluginChange(name, PluginChangeKind.Removed, left.Message, unloaded));
            }

            return;
        }

        if (loaded && _loadedStamps.TryGetValue(name, out var known) && known == stamp)
        {
            return; // touched, but the same files as loaded (e.g. only read)
        }

        WeakReference? replaced = null;
        if (loaded)
        {
            await _engine.PluginDepartedAsync(name, uninstall: false).ConfigureAwait(false);
            replaced = _catalog.Unload(name);
        }

        if (_catalog.Load(name) is { } problem)
        {
            _loadedStamps.Remove(name);
            Report(new PluginChange(name, PluginChangeKind.Failed, problem.Message, replaced));
            return;
        }

        _loadedStamps[name] = stamp;
        var arrived = await _engine.PluginArrivedAsync(name).ConfigureAwait(false);
        Report(new PluginChange(name, !arrived.Succeeded ? PluginChangeKind.Failed : loaded ? PluginChangeKind.Replaced : PluginChangeKind.Added, arrived.Message, replaced));
    }

    private void Report(PluginChange change, Exception? exception = null)
    {
        if (change.Kind == PluginChangeKind.Failed)
        {
            _logger.LogError(exception, "Hot plug of plugin folder '{Plugin}' failed: {Message}", change.Name, change.Message);
        }
        else
        {
            _logger.LogInformation("Plugin folder '{Plugin}' {Kind}: {Message}", change.Name, change.Kind, change.Message);
        }

        Changed?.Invoke(change);
    }

    /// <summary>The folder's files with their sizes and write times, or null when the folder is gone.</summary>
    private static string? Stamp(string folder)
    {
        try
        {
            if (!Directory.Exists(folder))
            {
                return null;
            }

            var files = new DirectoryInfo(folder).GetFiles("*", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal);
            return string.Join("|", files.Select(f => $"{f.FullName}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
        }
        catch (IOException)
        {
            return $"(changing {Guid.NewGuid():N})"; // a file vanished while listing: not settled
        }
    }
}
