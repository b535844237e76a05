using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TspHost.Core.Configuration;
using TspHost.Commands;
using TspHost.Core.Hosting;
using TspHost.Ipc;
using TspHost.Workers.Supervision;
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
        var stateDirectory = new Option<string?>("--state-dir")
        {
            Description = $"A directory for the provider state file ({HostPaths.StateFileName}); the same as --state-file DIR/{HostPaths.StateFileName}.",
        };
        var command = new Command("run",
            "Runs the host daemon: loads the plugins, serves the provider engine on a Unix domain socket to the TSPI shim the TAPI service loads, " +
            "and to monitors (tsphost status, tsphost watch); installs and removes plugin folders dropped into or taken out of the plugins " +
            "directory while it runs. Stops cleanly on SIGTERM or Ctrl-C, completing every pending request. Configuration: tsphost.json " +
            "(or --config), TSPHOST_ environment variables (__ between sections), then --set; the provider state file is the one " +
            "tsphost install, config and remove use.")
        {
            Socket,
            stateDirectory,
        };
        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            var stateSwitch = parse.GetValue(stateDirectory) is { } directory
                ? new[] { $"--StateFile={Path.Combine(Path.GetFullPath(directory), HostPaths.StateFileName)}" }
                : [];
            if (HostCommandOptions.LoadConfiguration(parse, "run", stateSwitch) is not { } hostConfiguration)
            {
                return 1;
            }

            var configuration = hostConfiguration.Root;

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
            builder.Configuration.AddConfiguration(configuration);
            builder.Logging.AddSimpleConsole(c => c.SingleLine = true);
            var loggers = LoggerFactory.Create(l => l.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(c => c.SingleLine = true));
            ProviderHost provider;
            try
            {
                // R15: every plugin runs in a supervised worker process of its own unless its section says Isolation = InProcess.
                provider = ProviderHost.Create(hostConfiguration, loggers, isolation: WorkerIsolation.For(hostConfiguration, loggers));
            }
            catch (Exception e) when (e is HostConfigurationException or ProviderStateCorruptException or ProviderStateInUseException)
            {
                Console.Error.WriteLine($"tsphost run: {e.Message}");
                loggers.Dispose();
                return 1;
            }

            await using (provider)
            {
                var socketPath = Path.GetFullPath(SocketPath.Resolve(parse.GetValue(Socket) ?? configuration["TspHost:Socket"]));
                var options = IpcServerOptions.From(provider.Options, socketPath, provider.Store.Path);
                SocketEndpoint endpoint;
                try
                {
                    // Taken before anything runs: a refusal is one line and a non-zero exit, and a socket
                    // this process did not bind is never touched.
                    endpoint = SocketEndpoint.Bind(socketPath, backlog: 64);
                }
                catch (SocketEndpointException e)
                {
                    Console.Error.WriteLine($"tsphost run: {e.Message}");
                    loggers.Dispose();
                    return 1;
                }

                using (endpoint)
                {
                    provider.StartHotPlug();
                    builder.Services.AddSingleton(provider.Engine);
                    builder.Services.AddSingleton(options);
                    builder.Services.AddSingleton(endpoint);
                    builder.Services.AddSingleton(sp => new ProviderCallbacks(options, sp.GetRequiredService<ILogger<ProviderCallbacks>>()));
                    builder.Services.AddHostedService<IpcServer>();
                    builder.Services.AddServiceLifetime();
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
                    finally
                    {
                        loggers.Dispose();
                    }
                }
            }
        });
        return command;
    }
}
