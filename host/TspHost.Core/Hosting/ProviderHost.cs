using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TspHost.Core.Configuration;
using TspHost.Core.Lifecycle;
using TspHost.Core.Plugins;

namespace TspHost.Core.Hosting;

/// <summary>
/// The provider as the tsphost process runs it: the configuration, a plugin catalog over the plugins
/// directory, the provider state file and an engine over them; <see cref="StartHotPlug"/> adds the
/// watcher that installs and removes plugin folders while the host runs.
/// </summary>
public sealed class ProviderHost : IAsyncDisposable
{
    private readonly ProviderStateLock _stateLock;
    private PluginHotPlug? _hotPlug;

    private ProviderHost(HostConfiguration configuration, HostOptions options, PluginCatalog catalog, FileProviderStateStore store, ProviderEngine engine, ILoggerFactory loggers, ProviderStateLock stateLock)
    {
        _stateLock = stateLock;
        Configuration = configuration;
        Options = options;
        Catalog = catalog;
        Store = store;
        Engine = engine;
        Loggers = loggers;
    }

    public HostConfiguration Configuration { get; }

    public HostOptions Options { get; }

    public PluginCatalog Catalog { get; }

    public FileProviderStateStore Store { get; }

    public ProviderEngine Engine { get; }

    public ILoggerFactory Loggers { get; }

    /// <summary>The hot-plug watcher, once started.</summary>
    public PluginHotPlug? HotPlug => _hotPlug;

    /// <summary>Builds the host: reads the host options, scans the plugins directory (problems are logged and kept in <see cref="PluginCatalog.Problems"/>), loads the state.</summary>
    /// <exception cref="HostConfigurationException">The configuration is invalid.</exception>
    /// <exception cref="ProviderStateCorruptException">The state file and its last good copy are unreadable.</exception>
    /// <exception cref="ProviderStateInUseException">Another process has the state file (see <see cref="ProviderStateLock"/>).</exception>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="loggers">Where everything is logged.</param>
    /// <param name="time">The clock.</param>
    /// <param name="isolation">Given the host's options, decides where each plugin runs (R15: the tsphost process passes its worker processes); null loads every plugin in-process.</param>
    public static ProviderHost Create(HostConfiguration configuration, ILoggerFactory? loggers = null, TimeProvider? time = null,
        Func<HostOptions, IPluginIsolation>? isolation = null)
    {
        loggers ??= NullLoggerFactory.Instance;
        var options = configuration.ReadHostOptions();
        var statePath = HostPaths.StateFile(options.StateFile);
        var stateLock = ProviderStateLock.Acquire(statePath);
        PluginCatalog? catalog = null;
        try
        {
            catalog = new PluginCatalog(HostPaths.PluginsDirectory(options.PluginsDirectory), logger: loggers.CreateLogger("TspHost.Plugins"),
                isolation: isolation?.Invoke(options));
            catalog.Scan();
            var store = new FileProviderStateStore(statePath);
            var engineOptions = new ProviderEngineOptions
            {
                InstallSkipsFailingPlugins = true,
                PluginSettings = configuration,
                OperationTimeout = options.OperationTimeout,
                HookTimeout = options.HookTimeout,
                ShutdownTimeout = options.ShutdownTimeout,
            };
            var engine = new ProviderEngine(catalog, store, engineOptions, time, loggers.CreateLogger("TspHost.Engine"));
            return new ProviderHost(configuration, options, catalog, store, engine, loggers, stateLock);
        }
        catch
        {
            catalog?.Dispose();
            stateLock.Dispose();
            throw;
        }
    }

    /// <summary>Starts watching the plugins directory (see <see cref="PluginHotPlug"/>); its <c>Changed</c> event reports each folder acted on.</summary>
    public PluginHotPlug StartHotPlug(TimeProvider? time = null)
    {
        if (_hotPlug is null)
        {
            _hotPlug = new PluginHotPlug(Catalog, Engine, new PluginHotPlugOptions { QuietPeriod = Options.HotPlugQuietPeriod }, time, Loggers.CreateLogger("TspHost.HotPlug"));
            _hotPlug.Start();
        }

        return _hotPlug;
    }

    public async ValueTask DisposeAsync()
    {
        if (_hotPlug is not null)
        {
            await _hotPlug.DisposeAsync().ConfigureAwait(false);
        }

        await Engine.DisposeAsync().ConfigureAwait(false);
        Catalog.Dispose();
        _stateLock.Dispose();
    }
}

/// <summary>Where the host looks for plugins and keeps its state when the configuration does not say.</summary>
public static class HostPaths
{
    /// <summary>The state file's name in the default location.</summary>
    public const string StateFileName = "provider-state.json";

    /// <summary>
    /// The plugins directory: <paramref name="configured"/> when given; else a <c>plugins</c> folder
    /// beside the tsphost executable (an installed layout); else the build's <c>artifacts/plugins</c>
    /// (a source checkout, where every build publishes the plugins); else <c>plugins</c> beside the executable.
    /// </summary>
    public static string PluginsDirectory(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        var beside = Path.Combine(AppContext.BaseDirectory, "plugins");
        if (Directory.Exists(beside))
        {
            return beside;
        }

        var built = typeof(HostPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TspHost.BuildPluginsDirectory")?.Value;
        return built is not null && Directory.Exists(built) ? Path.GetFullPath(built) : beside;
    }

    /// <summary>The provider state file: <paramref name="configured"/> when given, else <c>tsphost/provider-state.json</c> in the user's local application data (<c>~/.local/share</c> on Linux, <c>%LOCALAPPDATA%</c> on Windows).</summary>
    public static string StateFile(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return Path.Combine(string.IsNullOrEmpty(data) ? AppContext.BaseDirectory : data, "tsphost", StateFileName);
    }
}
