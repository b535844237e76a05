using System.CommandLine;
using Microsoft.Extensions.Logging;
using TspHost.Core.Configuration;
using TspHost.Core.Hosting;
using TspHost.Workers.Supervision;
using TspHost.Core.Lifecycle;

namespace TspHost.Commands;

/// <summary>
/// The options every provider command shares (where the configuration, the plugins and the state
/// are), and the host those commands act on. Without a running daemon they act on the provider
/// state file directly.
/// </summary>
internal static class HostCommandOptions
{
    public static readonly Option<string?> Config = new("--config")
    {
        Description = $"The configuration file (default: {HostConfiguration.DefaultFileName} in the working directory, if present).",
        Recursive = true,
    };

    public static readonly Option<string?> PluginsDirectory = new("--plugins-dir")
    {
        Description = "The plugins directory (configuration key PluginsDirectory). Default: 'plugins' beside tsphost, else the build's artifacts/plugins.",
        Recursive = true,
    };

    public static readonly Option<string?> StateFile = new("--state-file")
    {
        Description = "The provider state file (configuration key StateFile). Default: tsphost/provider-state.json in the user's local application data.",
        Recursive = true,
    };

    public static readonly Option<string[]> Set = new("--set")
    {
        Description = "Sets a configuration key, e.g. --set Plugins:Simulated:Lines=4 (repeatable; wins over the file and TSPHOST_ variables).",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public static readonly Option<uint> ProviderId = new("--provider-id")
    {
        Description = "The permanent provider ID TAPI gave the provider (used when the provider itself is installed).",
        DefaultValueFactory = _ => 1,
    };

    public static IEnumerable<Option> Global => [Config, PluginsDirectory, StateFile, Set];

    /// <summary>The configuration the options describe; errors are printed and null returned.</summary>
    public static HostConfiguration? LoadConfiguration(ParseResult parse, string command, IEnumerable<string>? extraSwitches = null)
    {
        var switches = new List<string>(extraSwitches ?? []);
        if (parse.GetValue(PluginsDirectory) is { } plugins)
        {
            switches.Add($"--PluginsDirectory={plugins}");
        }

        if (parse.GetValue(StateFile) is { } state)
        {
            switches.Add($"--StateFile={state}");
        }

        foreach (var pair in parse.GetValue(Set) ?? [])
        {
            if (!pair.Contains('=', StringComparison.Ordinal) || pair.StartsWith('='))
            {
                Console.Error.WriteLine($"tsphost {command}: --set takes key=value (e.g. Plugins:Simulated:Lines=4), not '{pair}'.");
                return null;
            }

            switches.Add($"--{pair}");
        }

        try
        {
            return HostConfiguration.Load(parse.GetValue(Config), switches);
        }
        catch (HostConfigurationException e)
        {
            Console.Error.WriteLine($"tsphost {command}: {e.Message}");
            return null;
        }
    }

    /// <summary>Runs <paramref name="work"/> on the host the options describe; prints what goes wrong and returns the exit code.</summary>
    public static async Task<int> WithHostAsync(ParseResult parse, string command, Func<ProviderHost, Task<int>> work)
    {
        if (LoadConfiguration(parse, command) is not { } configuration)
        {
            return 1;
        }

        // Warnings and errors (a plugin folder that does not load, a state file restored from its last good copy) go to stderr.
        using var loggers = LoggerFactory.Create(b => b
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter(level => level >= LogLevel.Warning));
        ProviderHost host;
        try
        {
            // R15: install, configure and remove hooks run in the plugins' workers, as in the daemon.
            host = ProviderHost.Create(configuration, loggers, isolation: WorkerIsolation.For(configuration, loggers));
        }
        catch (Exception e) when (e is HostConfigurationException or ProviderStateCorruptException or ProviderStateInUseException)
        {
            Console.Error.WriteLine($"tsphost {command}: {e.Message}");
            return 1;
        }

        await using (host)
        {
            return await work(host);
        }
    }

    /// <summary>Prints a lifecycle result: the message on stdout when it succeeded, on stderr when not.</summary>
    public static int Report(string command, LifecycleResult result)
    {
        if (result.Succeeded)
        {
            Console.WriteLine(result.Message);
            return 0;
        }

        Console.Error.WriteLine($"tsphost {command}: {result.Message} (0x{result.Result:X8})");
        return 1;
    }
}
