using Microsoft.Extensions.Logging;
using TspHost.Abstractions;
using TspHost.Core.Configuration;
using TspHost.Core.Plugins;
using TspHost.Protocol;

namespace TspHost.Workers.Supervision;

/// <summary>
/// The tsphost process's answer to where a plugin runs: in a worker process of its own unless its
/// section says <c>Isolation = InProcess</c> (R15).
/// </summary>
public sealed class WorkerIsolation(HostConfiguration configuration, WorkerSettings settings, ILoggerFactory loggers, TimeProvider? time = null) : IPluginIsolation
{
    private readonly string _socketDirectory = Path.Combine(Path.GetDirectoryName(SocketPath.Default())!, $"workers-{Environment.ProcessId}");

    /// <summary>For <see cref="Core.Hosting.ProviderHost.Create"/>: isolation as the host's options say.</summary>
    public static Func<HostOptions, IPluginIsolation> For(HostConfiguration configuration, ILoggerFactory loggers) =>
        options => new WorkerIsolation(configuration, options.Workers, loggers);

    public ITelephonyBackend? Start(string name, string folder, PluginManifest manifest)
    {
        PluginIsolationSettings isolation;
        try
        {
            isolation = configuration.ReadIsolation(name, settings);
        }
        catch (HostConfigurationException e)
        {
            throw new PluginLoadException(name, e.Message, e);
        }

        if (isolation.Isolation == PluginIsolationMode.InProcess)
        {
            return null;
        }

        // Load is synchronous (as loading in-process is); the catalog starts several workers side by side, each waiting here for its own.
        return WorkerBackend.StartAsync(name, folder, settings, isolation.MemoryLimitBytes, _socketDirectory, loggers.CreateLogger($"TspHost.Workers.{name}"),
            time ?? TimeProvider.System).GetAwaiter().GetResult();
    }
}
