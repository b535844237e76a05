using System.CommandLine;
using TspHost.Daemon;
using TspHost.Commands;
using TspHost.Demo;
using TspHost.Workers.Worker;

// A plugin's worker process starts straight away, without the command line's machinery: it is started
// by the host, often, and its start is part of a plugin's restart time (R15).
if (args is ["worker", "--plugin", var pluginFolder, "--connect", var socket])
{
    return await WorkerMain.RunAsync(pluginFolder, socket);
}

var root = new RootCommand(
    "tsphost: a generic TAPI telephony service provider host. The host runs the provider lifecycle, " +
    "version negotiation, handles and asynchronous requests once, over hardware backends loaded as plugins.")
{
    DemoCommand.Create(),
    RunCommand.Create(),
    MonitorCommands.Status(),
    MonitorCommands.Watch(),
    InstallCommand.Create(),
    ConfigCommand.Create(),
    RemoveCommand.Create(),
    WorkerCommand.Create(),
};
foreach (var option in HostCommandOptions.Global)
{
    root.Options.Add(option);
}

return await root.Parse(args).InvokeAsync();
