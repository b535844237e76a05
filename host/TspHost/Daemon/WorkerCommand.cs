using System.CommandLine;
using TspHost.Workers.Worker;

namespace TspHost.Daemon;

/// <summary><c>tsphost worker</c>: the process a plugin runs in. The daemon starts it; it is listed so that <c>--help</c> says what those processes are.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var plugin = new Option<string>("--plugin") { Description = "The plugin folder to load.", Required = true };
        var connect = new Option<string>("--connect") { Description = "The owner-only socket of the host that started this worker.", Required = true };
        var command = new Command("worker",
            "Runs one plugin in a process of its own and serves it to the host that started it (tsphost run starts one per plugin; not for use by hand). " +
            "Example: tsphost worker --plugin plugins/Simulated --connect /run/user/1000/tsphost/workers-4242/Simulated.sock")
        {
            plugin,
            connect,
        };
        command.SetAction(parse => WorkerMain.RunAsync(parse.GetValue(plugin)!, parse.GetValue(connect)!));
        return command;
    }
}
