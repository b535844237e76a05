using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TspHost.Core.Lifecycle;
using TspHost.Protocol;

namespace TspHost.Ipc;

/// <summary>
/// The daemon's socket: created owner-only in an owner-only directory, it accepts clients of the
/// host's own user (checked with the kernel's peer credentials) and serves each on its own
/// connection. On stop it ends the provider session first, so every pending request is completed
/// and reaches the provider, then closes the connections and removes the socket.
/// </summary>
internal sealed class IpcServer(ProviderEngine engine, ProviderCallbacks callbacks, IpcServerOptions options, ILogger<IpcServer> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<ClientConnection, Task> _clients = new();
    private Socket? _listener;
    private volatile bool _stopping; // the listener is closed on purpose: a failing accept is no news
    private int _nextId;

    // Listening before the host reports it started: a service manager told READY (systemd's notify
    // protocol) can connect at once. ExecuteAsync runs in the background, after the start.
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = Listen(options.Socket);
        logger.LogInformation("tsphost listens on {Socket} (state in {State})", options.Socket, options.StateFile);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = _listener!;
        var hostUid = SocketPath.CurrentUserId();
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stoppingToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || stoppingToken.IsCancellationRequested || _stopping)
            {
                break;
            }
            catch (SocketException e)
            {
                logger.LogWarning("Accept failed: {Reason}", e.Message);
                continue;
            }

            var id = Interlocked.Increment(ref _nextId);
            if (Refusal(socket, hostUid) is { } refusal)
            {
                logger.LogWarning("Refused client {Id}: {Reason}", id, refusal);
                socket.Dispose();
                continue;
            }

            var client = new ClientConnection(socket, id, engine, callbacks, options, logger);
            _clients[client] = ServeAsync(client);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _listener?.Dispose();

        // Completing every pending request is part of shutting down (R6): the session ends while the
        // connections are still served, so its completions are pushed to the provider before its
        // connection closes. Only then does the stopping token end the clients (it ends a client's
        // connection at once, and with it the provider's session, whose completions would then go nowhere).
        if (engine.Session is not null)
        {
            logger.LogInformation("Stopping: ending the provider session");
            await engine.ProviderShutdownAsync(0, engine.PermanentProviderId);
        }

        await Task.WhenAll(_clients.Keys.Select(c => c.DrainAndCloseAsync(options.DrainTimeout)));
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(_clients.Values).WaitAsync(options.DrainTimeout, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);

        // Last, once no client can reach the engine any more (a departing provider ends its session through it).
        await engine.DisposeAsync();
        TryDelete(options.Socket);
        logger.LogInformation("Stopped");
    }

    private static string? Refusal(Socket socket, uint hostUid)
    {
        try
        {
            return PeerCredentials.Refusal(PeerCredentials.Read(socket), hostUid);
        }
        catch (SocketException e)
        {
            return $"its credentials could not be read ({e.Message})";
        }
    }

    private async Task ServeAsync(ClientConnection client)
    {
        await Task.Yield();
        try
        {
            await client.RunAsync();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Client {Id} failed", client.Id);
        }
        finally
        {
            _clients.TryRemove(client, out _);
            await client.DisposeAsync();
        }
    }

    private Socket Listen(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // owner-only: 0700
        }

        if (File.Exists(path))
        {
            if (IsListening(path))
            {
                throw new InvalidOperationException($"Another tsphost already listens on {path}.");
            }

            logger.LogInformation("Removing the stale socket {Socket}", path);
            File.Delete(path);
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // owner-only: 0600
            }

            listener.Listen(16);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private static bool IsListening(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException e)
        {
            logger.LogWarning("Could not remove {Socket}: {Reason}", path, e.Message);
        }
    }
}
