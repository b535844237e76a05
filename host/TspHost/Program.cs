using System.CommandLine;
using TspHost.Daemon;
using TspHost.Commands;
using TspHost.Demo;

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
};
foreach (var option in HostCommandOptions.Global)
{
    root.Options.Add(option);
}

return await root.Parse(args).InvokeAsync();
