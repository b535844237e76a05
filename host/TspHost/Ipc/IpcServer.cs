using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TspHost.Core.Lifecycle;

namespace TspHost.Ipc;

/// <summary>
/// The daemon's socket server. The socket was taken before the host started (<see cref="SocketEndpoint"/>);
/// the <see cref="FrontDoor"/> accepts and reads handshakes, and each client is then served on its
/// own connection. On stop it ends the provider session first, so every pending request is completed
/// and reaches the provider, then closes the connections and removes the socket it bound.
/// </summary>
internal sealed class IpcServer : IHostedService
{
    private readonly ConcurrentDictionary<ClientConnection, Task> _clients = new();
    private readonly ProviderEngine _engine;
    private readonly SocketEndpoint _endpoint;
    private readonly IpcServerOptions _options;
    private readonly ILogger _logger;
    private readonly FrontDoor _frontDoor;

    public IpcServer(ProviderEngine engine, ProviderCallbacks callbacks, SocketEndpoint endpoint, IpcServerOptions options, ILogger<IpcServer> logger)
    {
        _engine = engine;
        _endpoint = endpoint;
        _options = options;
        _logger = logger;
        var context = new IpcContext(engine, callbacks, options, logger, new LogThrottle(logger, TimeSpan.FromSeconds(10)));
        _frontDoor = new FrontDoor(endpoint.Listener, endpoint.Path, context, Register);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _frontDoor.Start();
        _logger.LogInformation("tsphost listens on {Socket} (state in {State})", _endpoint.Path, _options.StateFile);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _frontDoor.Stop();

        // Completing every pending request is part of shutting down (R6): the session ends while the
        // connections are still served, so its completions are pushed to the provider before its
        // connection closes. Only then are the connections closed (a closed provider connection ends
        // the session itself, whose completions would then go nowhere).
        if (_engine.Session is not null)
        {
            _logger.LogInformation("Stopping: ending the provider session");
            await _engine.ProviderShutdownAsync(0, _engine.PermanentProviderId);
        }

        await Task.WhenAll(_clients.Keys.Select(c => c.DrainAndCloseAsync(_options.DrainTimeout)));
        await Task.WhenAll(_clients.Values).WaitAsync(_options.DrainTimeout, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);

        // Last, once no client can reach the engine any more (a departing provider ends its session through it).
        await _engine.DisposeAsync();
        if (_endpoint.Close() is { } left)
        {
            _logger.LogWarning("{Socket}", left);
        }

        _logger.LogInformation("Stopped");
    }

    private Task Register(ClientConnection client)
    {
        var serving = ServeAsync(client);
        _clients[client] = serving;
        return serving;
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
            _logger.LogError(e, "Client {Id} failed", client.Id);
        }
        finally
        {
            _clients.TryRemove(client, out _);
            _frontDoor.Ended(client);
            await client.DisposeAsync();
        }
    }
}
