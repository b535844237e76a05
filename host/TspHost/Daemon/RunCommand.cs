using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TspHost.Core.Configuration;
using TspHost.Core.Lifecycle;
using TspHost.Ipc;
using TspHost.Protocol;

namespace TspHost.Daemon;

/// <summary>
/// <c>tsphost run</c>: the daemon. Configuration comes from <c>appsettings.json</c> in the working
/// directory, <c>--config FILE</c>, environment variables <c>TSPHOST_...</c> (<c>__</c> separates
/// sections: <c>TSPHOST_Plugins__Simulated__Lines=3</c>) and the options below, later ones winning.
/// </summary>
internal static class RunCommand
{
    public static readonly Option<string?> Socket = new("--socket")
    {
        Description = $"The Unix domain socket (default: ${SocketPath.EnvironmentVariable}, else $XDG_RUNTIME_DIR/tsphost/tsphost.sock, else /tmp/tsphost-$UID/tsphost.sock).",
    };

    public static Command Create()
    {
        var stateDirectory = new Option<string?>("--state-dir") { Description = "Where the provider's static state is kept (default: $XDG_STATE_HOME/tsphost, else ~/.local/state/tsphost)." };
        var configFile = new Option<string?>("--config") { Description = "A JSON configuration file (sections TspHost and Plugins)." };
        var command = new Command("run",
            "Runs the host daemon: serves the provider engine on a Unix domain socket to the TSPI shim the TAPI service loads, " +
            "and to monitors (tsphost status, tsphost watch). Stops cleanly on SIGTERM or Ctrl-C, completing every pending request.")
        {
            Socket,
            stateDirectory,
            configFile,
        };
        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
            if (parse.GetValue(configFile) is { } file)
            {
                builder.Configuration.AddJsonFile(Path.GetFullPath(file), optional: false);
            }

            builder.Configuration.AddEnvironmentVariables("TSPHOST_");
            var configuration = builder.Configuration;
            var options = new IpcServerOptions
            {
                Socket = Path.GetFullPath(SocketPath.Resolve(parse.GetValue(Socket) ?? configuration["TspHost:Socket"])),
                StateDirectory = Path.GetFullPath(parse.GetValue(stateDirectory) ?? configuration["TspHost:StateDirectory"] ?? IpcServerOptions.DefaultStateDirectory()),
            };

            ProviderEngine engine;
            using (var loggers = LoggerFactory.Create(l => l.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(c => c.SingleLine = true)))
            {
                try
                {
                    engine = new ProviderEngine(DaemonBackends.Create(configuration), new FileProviderStateStore(Path.Combine(options.StateDirectory, "provider-state.json")),
                        logger: loggers.CreateLogger("TspHost.Engine"));
                }
                catch (ProviderStateCorruptException e)
                {
                    Console.Error.WriteLine($"tsphost run: {e.Message}");
                    return 1;
                }
            }

            builder.Logging.AddSimpleConsole(c => c.SingleLine = true);
            builder.Services.AddSingleton(engine);
            builder.Services.AddSingleton(options);
            builder.Services.AddSingleton(sp => new ProviderCallbacks(options, sp.GetRequiredService<ILogger<ProviderCallbacks>>()));
            builder.Services.AddHostedService<IpcServer>();
            using var host = builder.Build();
            try
            {
                await host.RunAsync(cancellationToken);
                return 0;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"tsphost run: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
