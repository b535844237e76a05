using System.CommandLine;
using TspHost.Core.Configuration;
using TspHost.Core.Hosting;

namespace TspHost.Commands;

/// <summary><c>tsphost install [plugin-or-folder...]</c>: installs the provider, or adds plugins to it (R11, R12).</summary>
internal static class InstallCommand
{
    public static Command Create()
    {
        var plugins = new Argument<string[]>("plugin-or-folder")
        {
            Description = "A plugin in the plugins directory, by name, or a plugin folder (<Name>/ with <Name>.dll, its .deps.json and " +
                "dependencies), which is copied into the plugins directory first. None: every plugin in the plugins directory.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("install",
            "Installs the provider with the named plugins (all of them when none is named), or, when it is installed already, adds the named " +
            "plugins to it. Each plugin's install hook runs; one that fails is reported and left out. The change is saved in the provider " +
            "state file; during a running session it is deferred to the next one (R13).")
        {
            plugins,
            HostCommandOptions.ProviderId,
        };
        command.SetAction((parse, _) => RunAsync(parse, parse.GetValue(plugins) ?? []));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, string[] arguments)
    {
        if (HostCommandOptions.LoadConfiguration(parse, "install") is not { } configuration)
        {
            return 1;
        }

        string pluginsDirectory;
        try
        {
            pluginsDirectory = HostPaths.PluginsDirectory(configuration.ReadHostOptions().PluginsDirectory);
        }
        catch (HostConfigurationException e)
        {
            Console.Error.WriteLine($"tsphost install: {e.Message}");
            return 1;
        }

        var names = new List<string>();
        foreach (var argument in arguments)
        {
            if (CopyIn(argument, pluginsDirectory) is not { } name)
            {
                return 1;
            }

            names.Add(name);
        }

        return await HostCommandOptions.WithHostAsync(parse, "install", async host =>
        {
            foreach (var problem in host.Catalog.Problems.Where(p => names.Count == 0 || names.Contains(p.Name, StringComparer.OrdinalIgnoreCase)))
            {
                Console.Error.WriteLine($"tsphost install: {problem.Message}");
            }

            if (!host.Engine.State.Installed)
            {
                return HostCommandOptions.Report("install", await host.Engine.ProviderInstallAsync(parse.GetValue(HostCommandOptions.ProviderId), names.Count == 0 ? null : names));
            }

            if (names.Count == 0)
            {
                Console.Error.WriteLine("tsphost install: the provider is installed already; name the plugins to add, or 'tsphost remove' it first.");
                return 1;
            }

            var exit = 0;
            foreach (var name in names)
            {
                exit = Math.Max(exit, HostCommandOptions.Report("install", await host.Engine.InstallPluginAsync(name)));
            }

            return exit;
        });
    }

    /// <summary>A plugin name stays a name; a folder is copied into the plugins directory (staged under a dot name, then renamed, so a running host never sees half of it). Returns the plugin's name, or null after printing why not.</summary>
    private static string? CopyIn(string argument, string pluginsDirectory)
    {
        if (!Directory.Exists(argument))
        {
            if (argument.IndexOfAny([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]) >= 0)
            {
                Console.Error.WriteLine($"tsphost install: there is no plugin folder {Path.GetFullPath(argument)}.");
                return null;
            }

            return argument;
        }

        var source = Path.GetFullPath(argument).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var name = Path.GetFileName(source);
        var target = Path.Combine(pluginsDirectory, name);
        if (string.Equals(Path.GetFullPath(target), source, StringComparison.Ordinal))
        {
            return name;
        }

        if (!File.Exists(Path.Combine(source, name + ".dll")))
        {
            Console.Error.WriteLine($"tsphost install: {source} is not a plugin folder: it has no {name}.dll.");
            return null;
        }

        if (Directory.Exists(target))
        {
            Console.Error.WriteLine($"tsphost install: the plugins directory already has a folder {name} ({target}); remove it first.");
            return null;
        }

        var staging = Path.Combine(pluginsDirectory, $".{name}.copying");
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(staging, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to, overwrite: true);
        }

        Directory.Move(staging, target);
        Console.WriteLine($"Copied {source} into {target}.");
        return name;
    }
}
