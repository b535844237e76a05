using System.CommandLine;

namespace TspHost.Commands;

/// <summary><c>tsphost remove [plugin]</c>: removes a plugin from the provider, or the provider itself (providerRemove).</summary>
internal static class RemoveCommand
{
    public static Command Create()
    {
        var plugin = new Argument<string?>("plugin")
        {
            Description = "An installed plugin, by name. None: removes the provider with all its plugins.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("remove",
            "Removes a plugin from the provider (its remove hook runs), or the whole provider when no plugin is named. Its folder stays in " +
            "the plugins directory and permanent device IDs are kept. During a running session the removal is deferred to its end (R13).")
        {
            plugin,
        };
        command.SetAction((parse, _) => HostCommandOptions.WithHostAsync(parse, "remove", async host =>
            HostCommandOptions.Report("remove", parse.GetValue(plugin) is { } name
                ? await host.Engine.RemovePluginAsync(name)
                : await host.Engine.ProviderRemoveAsync())));
        return command;
    }
}
