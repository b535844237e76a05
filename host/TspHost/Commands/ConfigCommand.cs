using System.CommandLine;

namespace TspHost.Commands;

/// <summary><c>tsphost config &lt;plugin&gt; key=value ...</c>: changes an installed plugin's settings (providerConfig).</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var plugin = new Argument<string>("plugin") { Description = "An installed plugin, by name." };
        var pairs = new Argument<string[]>("key=value")
        {
            Description = "Settings to change: key=value sets a key (nested keys use ':'), key= removes it. None: prints the plugin's settings.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("config",
            "Changes an installed plugin's settings in the provider state. The plugin checks them first; a bad value is refused with the key " +
            "and the form expected. The plugin's configure hook runs; during a running session the change is deferred to the next one (R13). " +
            "These settings win over tsphost.json, TSPHOST_ variables and --set.")
        {
            plugin,
            pairs,
        };
        command.SetAction((parse, _) => HostCommandOptions.WithHostAsync(parse, "config", async host =>
        {
            var name = parse.GetValue(plugin)!;
            var changes = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in parse.GetValue(pairs) ?? [])
            {
                var split = pair.IndexOf('=', StringComparison.Ordinal);
                if (split <= 0)
                {
                    Console.Error.WriteLine($"tsphost config: expected key=value (or key= to remove a key), not '{pair}'.");
                    return 2;
                }

                changes[pair[..split]] = split == pair.Length - 1 ? null : pair[(split + 1)..];
            }

            if (changes.Count > 0)
            {
                return HostCommandOptions.Report("config", await host.Engine.ProviderConfigAsync(name, changes));
            }

            if (host.Engine.State.FindPlugin(name) is not { } entry)
            {
                var installed = string.Join(", ", host.Engine.State.Plugins.Select(p => p.Name));
                Console.Error.WriteLine($"tsphost config: no plugin named '{name}' is installed (installed: {(installed.Length > 0 ? installed : "none")}).");
                return 1;
            }

            Console.WriteLine(entry.Settings.Count == 0 ? $"{entry.Name}: no settings in the provider state." : $"{entry.Name}:");
            foreach (var (key, value) in entry.Settings.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase))
            {
                Console.WriteLine($"  {key}={value}");
            }

            return 0;
        }));
        return command;
    }
}
