using System.CommandLine;
using TspHost.Daemon;
using TspHost.Demo;

var root = new RootCommand(
    "tsphost: a generic TAPI telephony service provider host. The host runs the provider lifecycle, " +
    "version negotiation, handles and asynchronous requests once, over hardware backends loaded as plugins.")
{
    DemoCommand.Create(),
    RunCommand.Create(),
    MonitorCommands.Status(),
    MonitorCommands.Watch(),
};

return await root.Parse(args).InvokeAsync();
