using System.Globalization;
using Microsoft.Extensions.Configuration;
using TspHost.Core.Lifecycle;
using TspHost.Plugins.Simulated;

namespace TspHost.Daemon;

/// <summary>
/// The one place that decides which backends the daemon offers. Today that is the Simulated
/// exchange, installed by default with its settings from the configuration section
/// <c>Plugins:Simulated</c>; a plugin loader replaces this catalog.
/// </summary>
internal static class DaemonBackends
{
    public static IBackendCatalog Create(IConfiguration configuration)
    {
        var settings = configuration.GetSection("Plugins:Simulated").GetChildren()
            .Where(s => s.Value is not null)
            .ToDictionary(s => s.Key, s => s.Value!, StringComparer.OrdinalIgnoreCase);
        settings.TryAdd("Lines", 2.ToString(CultureInfo.InvariantCulture));
        return new BackendCatalog().Add("Simulated", new SimulatedBackend(), settings: settings);
    }
}
