using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using TspHost.Abstractions;

namespace TspHost.Core.Configuration;

/// <summary>The plugins' configuration sections, read afresh at each session start (R2).</summary>
public interface IPluginSettingsSource
{
    /// <summary>Reads every <c>Plugins:&lt;Name&gt;</c> section now, by plugin name.</summary>
    /// <exception cref="HostConfigurationException">A configuration file cannot be read.</exception>
    IReadOnlyDictionary<string, BackendSettings> ReadPluginSettings();
}

/// <summary>The host's configuration is invalid; the message names the source (file, variable, switch), the key and the expected form.</summary>
public sealed class HostConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The host's own settings (not a plugin's), bound from the configuration root.</summary>
public sealed record HostOptions
{
    /// <summary>Where plugin folders are looked for; null means the default (see the README).</summary>
    public string? PluginsDirectory { get; init; }

    /// <summary>The provider state file; null means the default (see the README).</summary>
    public string? StateFile { get; init; }

    /// <summary>Hot plug: how long a dropped folder's files must stay unchanged before it is loaded.</summary>
    public TimeSpan HotPlugQuietPeriod { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest a backend's asynchronous request may run (R6).</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest a plugin's session start, install, configure or remove hook may take.</summary>
    public TimeSpan HookTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The default of <see cref="RequestPoll"/>.</summary>
    public static readonly TimeSpan DefaultRequestPoll = TimeSpan.FromMicroseconds(20);

    /// <summary>How long the daemon's connection thread looks for the next request before it sleeps (<c>Ipc:PollMicroseconds</c>; 0: at once).</summary>
    public TimeSpan RequestPoll { get; init; } = DefaultRequestPoll;

    /// <summary>How plugin workers are supervised (R15).</summary>
    public WorkerSettings Workers { get; init; } = new();

    /// <summary>The most connections served at once besides the provider's, handshaking ones included (<c>Ipc:MaxClients</c>); more are refused.</summary>
    public int MaxClients { get; init; } = 512;

    /// <summary>The most monitors (<c>tsphost status</c>, <c>watch</c>) served at once (<c>Ipc:MaxMonitors</c>).</summary>
    public int MaxMonitors { get; init; } = 256;

    /// <summary>How long a new connection has to send its Hello (<c>Ipc:HandshakeTimeoutMilliseconds</c>); a slower one is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The most output queued for one connection (<c>Ipc:OutputLimitKilobytes</c>); a connection further behind is disconnected.</summary>
    public int OutputLimitBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// The longest ending a session may take (<c>Engine:ShutdownTimeoutMilliseconds</c>): every pending
    /// request completes at once, and plugins slower than this to close are left behind, so the answer
    /// reaches the shim well within its 30 s reply timeout.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(20);
}

/// <summary>
/// The host configuration through Microsoft.Extensions.Configuration, later sources winning:
/// <c>tsphost.json</c>, environment variables prefixed <c>TSPHOST_</c> (<c>__</c> for <c>:</c>, e.g.
/// <c>TSPHOST_Plugins__Simulated__Lines=4</c>), then command-line switches
/// (<c>--Plugins:Simulated:Lines=4</c>). Each plugin's settings are its <c>Plugins:&lt;Name&gt;</c>
/// section, passed to it as flat <see cref="BackendSettings"/>; settings changed through
/// <c>tsphost config</c> / providerConfig are kept in the provider state and win over these.
/// Every error names where the value came from, the key and the form expected.
/// </summary>
public sealed class HostConfiguration : IPluginSettingsSource
{
    /// <summary>The name of the configuration file looked for when none is given.</summary>
    public const string DefaultFileName = "tsphost.json";

    /// <summary>The prefix of environment variables read as configuration.</summary>
    public const string EnvironmentPrefix = "TSPHOST_";

    private const string PluginsSection = "Plugins";
    private readonly IConfigurationRoot _root;

    private HostConfiguration(IConfigurationRoot root) => _root = root;

    /// <summary>The configuration with all its sources.</summary>
    public IConfiguration Root => _root;

    /// <summary>
    /// Builds the configuration: <paramref name="file"/> (required when given; otherwise
    /// <c>tsphost.json</c> in the working directory, if there is one), the environment and
    /// <paramref name="switches"/> (<c>--Key:Sub=value</c> pairs).
    /// </summary>
    /// <exception cref="HostConfigurationException">The file is missing or not valid JSON.</exception>
    public static HostConfiguration Load(string? file, IReadOnlyList<string>? switches = null)
    {
        var path = Path.GetFullPath(file ?? DefaultFileName);
        var builder = new ConfigurationBuilder()
            .AddJsonFile(path, optional: file is null, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddCommandLine([.. switches ?? []]);
        try
        {
            return new HostConfiguration(builder.Build());
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or FormatException or IOException)
        {
            throw new HostConfigurationException($"{path}: the configuration cannot be read: {(e.InnerException ?? e).Message}", e);
        }
    }

    /// <summary>Binds and checks the host's own settings.</summary>
    /// <exception cref="HostConfigurationException">A value has the wrong type or is out of range.</exception>
    public HostOptions ReadHostOptions()
    {
        var defaults = new HostOptions();
        return new HostOptions
        {
            PluginsDirectory = _root.GetValue<string?>("PluginsDirectory"),
            StateFile = _root.GetValue<string?>("StateFile"),
            HotPlugQuietPeriod = Milliseconds("HotPlug:QuietPeriodMilliseconds", defaults.HotPlugQuietPeriod, 10, 60_000),
            OperationTimeout = Milliseconds("Engine:OperationTimeoutMilliseconds", defaults.OperationTimeout, 100, 3_600_000),
            HookTimeout = Milliseconds("Engine:HookTimeoutMilliseconds", defaults.HookTimeout, 100, 3_600_000),
            RequestPoll = TimeSpan.FromMicroseconds(Whole("Ipc:PollMicroseconds", (int)defaults.RequestPoll.TotalMicroseconds, 0, 10_000, "microseconds")),
            Workers = ReadWorkerSettings(defaults.Workers),
            MaxClients = Whole("Ipc:MaxClients", defaults.MaxClients, 1, 100_000, "connections"),
            MaxMonitors = Whole("Ipc:MaxMonitors", defaults.MaxMonitors, 0, 100_000, "monitors"),
            HandshakeTimeout = Milliseconds("Ipc:HandshakeTimeoutMilliseconds", defaults.HandshakeTimeout, 50, 600_000),
            OutputLimitBytes = 1024 * Whole("Ipc:OutputLimitKilobytes", defaults.OutputLimitBytes / 1024, 16, 1_048_576, "kilobytes"),
            ShutdownTimeout = Milliseconds("Engine:ShutdownTimeoutMilliseconds", defaults.ShutdownTimeout, 100, 25_000),
        };
    }

    /// <summary>Where <paramref name="plugin"/> runs and its memory limit (<c>Plugins:&lt;Name&gt;:Isolation</c>, <c>:MemoryLimitMegabytes</c>).</summary>
    /// <exception cref="HostConfigurationException">A value is not one of the forms expected.</exception>
    public PluginIsolationSettings ReadIsolation(string plugin, WorkerSettings workers)
    {
        var key = $"{PluginsSection}:{plugin}:Isolation";
        var mode = _root[key] switch
        {
            null => PluginIsolationMode.Process,
            var text when Enum.TryParse<PluginIsolationMode>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) => parsed,
            var text => throw new HostConfigurationException($"{SourceOf(key)}: {key} = '{text}' is not valid; expected Process or InProcess."),
        };
        var megabytes = Whole($"{PluginsSection}:{plugin}:MemoryLimitMegabytes", (int)(workers.MemoryLimitBytes / (1024 * 1024)), 16, 65_536, "megabytes");
        return new PluginIsolationSettings(mode, megabytes * 1024L * 1024);
    }

    private WorkerSettings ReadWorkerSettings(WorkerSettings d) => new()
    {
        StartTimeout = Milliseconds("Workers:StartTimeoutMilliseconds", d.StartTimeout, 100, 600_000),
        HeartbeatInterval = Milliseconds("Workers:HeartbeatIntervalMilliseconds", d.HeartbeatInterval, 10, 600_000),
        HeartbeatTimeout = Milliseconds("Workers:HeartbeatTimeoutMilliseconds", d.HeartbeatTimeout, 50, 600_000),
        RestartDelay = Milliseconds("Workers:RestartDelayMilliseconds", d.RestartDelay, 1, 600_000),
        MaxRestartDelay = Milliseconds("Workers:MaxRestartDelayMilliseconds", d.MaxRestartDelay, 1, 3_600_000),
        MaxFailures = Whole("Workers:MaxFailures", d.MaxFailures, 2, 1000, "failures"),
        FailureWindow = TimeSpan.FromSeconds(Whole("Workers:FailureWindowSeconds", (int)d.FailureWindow.TotalSeconds, 1, 86_400, "seconds")),
        HoldOut = TimeSpan.FromSeconds(Whole("Workers:HoldOutSeconds", (int)d.HoldOut.TotalSeconds, 1, 86_400, "seconds")),
        MemoryLimitBytes = Whole("Workers:MemoryLimitMegabytes", (int)(d.MemoryLimitBytes / (1024 * 1024)), 16, 65_536, "megabytes") * 1024L * 1024,
    };

    public IReadOnlyDictionary<string, BackendSettings> ReadPluginSettings()
    {
        try
        {
            _root.Reload(); // R2: a file edited during a session takes effect at the next one
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or FormatException or IOException)
        {
            throw new HostConfigurationException($"The configuration cannot be read again: {(e.InnerException ?? e).Message}", e);
        }

        var result = new Dictionary<string, BackendSettings>(StringComparer.OrdinalIgnoreCase);
        foreach (var plugin in _root.GetSection(PluginsSection).GetChildren())
        {
            var pairs = plugin.AsEnumerable(makePathsRelative: true)
                .Where(p => p.Value is not null && !WorkerSettings.ReservedPluginKeys.Contains(p.Key, StringComparer.OrdinalIgnoreCase))
                .Select(p => new KeyValuePair<string, string>(p.Key, p.Value!))
                .ToList();
            var sources = pairs.Select(p => SourceOf($"{plugin.Path}:{p.Key}")).Distinct().ToList();
            result[plugin.Key] = new BackendSettings(pairs, sources.Count == 0 ? "configuration" : string.Join(" and ", sources), plugin.Path);
        }

        return result;
    }

    /// <summary>Where the value of <paramref name="key"/> comes from: the file, the environment variable or the switch.</summary>
    public string SourceOf(string key)
    {
        foreach (var provider in _root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _))
            {
                continue;
            }

            return provider switch
            {
                JsonConfigurationProvider json => json.Source.FileProvider is PhysicalFileProvider physical
                    ? Path.Combine(physical.Root, json.Source.Path ?? DefaultFileName)
                    : json.Source.Path ?? DefaultFileName,
                EnvironmentVariablesConfigurationProvider => $"environment variable {EnvironmentPrefix}{key.Replace(":", "__", StringComparison.Ordinal)}",
                CommandLineConfigurationProvider => $"command-line switch --{key}",
                _ => provider.ToString() ?? "configuration",
            };
        }

        return "configuration";
    }

    private TimeSpan Milliseconds(string key, TimeSpan defaultValue, int min, int max) =>
        TimeSpan.FromMilliseconds(Whole(key, (int)defaultValue.TotalMilliseconds, min, max, "milliseconds"));

    private int Whole(string key, int defaultValue, int min, int max, string unit)
    {
        var text = _root[key];
        if (text is null)
        {
            return defaultValue;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        throw new HostConfigurationException($"{SourceOf(key)}: {key} = '{text}' is not valid; expected a whole number of {unit} from {min} to {max}.");
    }
}
