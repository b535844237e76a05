using System.Net.Sockets;
using TspHost.Core.Plugins;
using TspHost.Workers.Channel;

namespace TspHost.Workers.Worker;

/// <summary>
/// <c>tsphost worker --plugin DIR --connect SOCKET</c>: the process one plugin runs in (R15). It loads
/// the plugin folder with the host's loader (<see cref="BackendPluginLoader"/>), connects to the socket of the host that started it, and
/// serves the plugin's backend until the host closes the channel. Started by the host, never by hand.
/// </summary>
public static class WorkerMain
{
    /// <summary>The exit code of a worker that passed its memory limit (the GC heap hard limit).</summary>
    public const int MemoryLimitExitCode = 87;

    /// <summary>The exit code of a worker whose host went away before the worker could connect.</summary>
    public const int NoHostExitCode = 2;

    public static async Task<int> RunAsync(string pluginFolder, string socketPath)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(pluginFolder)));
        WatchForFatalFaults(name);

        // The host's loader, as in-process: metadata and contract first, then a private copy in a load context of its own.
        LoadedBackend? loaded = null;
        string? problem = null;
        try
        {
            loaded = BackendPluginLoader.Load(pluginFolder);
        }
        catch (PluginLoadException e)
        {
            problem = e.Message;
        }

        using (loaded)
        {
            Socket socket;
            try
            {
                socket = WorkerChannel.Connect(socketPath);
            }
            catch (SocketException e)
            {
                await Console.Error.WriteLineAsync($"worker {name}: cannot connect to the host at {socketPath}: {e.Message}").ConfigureAwait(false);
                return NoHostExitCode;
            }

            var outbox = new WorkerOutbox();
            using var stream = new NetworkStream(socket, ownsSocket: true);
            using var rpc = WorkerChannel.Create(stream, new WorkerService(loaded?.Backend, problem, outbox));
            outbox.Start(rpc);
            rpc.StartListening();
            try
            {
                await rpc.Completion.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await Console.Error.WriteLineAsync($"worker {name}: the channel to the host ended: {e.Message}").ConfigureAwait(false);
            }
        }

        // The host closed the channel: leave, even if the plugin left threads of its own running.
        Environment.Exit(0);
        return 0;
    }

    /// <summary>
    /// What kills a worker is written to its standard error (the host logs it under the plugin's name):
    /// an exception nobody caught on a thread of the plugin's, or the GC heap passing its hard limit,
    /// which ends the worker with <see cref="MemoryLimitExitCode"/> rather than leave it limping.
    /// </summary>
    private static void WatchForFatalFaults(string name)
    {
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            Console.Error.WriteLine($"worker {name}: unhandled exception on a thread of the plugin: {e.ExceptionObject}");
        AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
        {
            if (e.Exception is OutOfMemoryException)
            {
                Console.Error.WriteLine($"worker {name}: out of memory (its GC heap limit); ending the worker");
                Environment.Exit(MemoryLimitExitCode);
            }
        };
    }
}
