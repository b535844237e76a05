using System.Net;
using System.Net.Sockets;

namespace TspHost.Plugins.SerialModem.Tests.Fakes;

/// <summary>A raw TCP serial server on 127.0.0.1 with the fake modem behind it, one client at a time.</summary>
internal sealed class TcpModemLink : IFakeModemLink
{
    private readonly FakeModem _modem;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly Lock _lock = new();
    private Socket? _client;

    public TcpModemLink(FakeModem modem)
    {
        _modem = modem;
        _listener.Start();
        PortSetting = $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _acceptLoop = AcceptLoopAsync();
    }

    public string PortSetting { get; }

    public bool ReachableAfterClose => true;

    public int Connections { get; private set; }

    public void CloseUnderPlugin()
    {
        lock (_lock)
        {
            _client?.Dispose();
            _client = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CloseUnderPlugin();
        await _acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            client.NoDelay = true; // a serial server forwards each byte at once; Nagle would hold replies back
            lock (_lock)
            {
                _client?.Dispose();
                _client = client;
                Connections++;
            }

            _modem.Connect(data =>
            {
                try
                {
                    client.Send(data);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // the plugin went away; a real serial server drops the bytes too
                }
            });
            _ = ReadLoopAsync(client);
        }
    }

    private async Task ReadLoopAsync(Socket client)
    {
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                var n = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    return;
                }

                _modem.Received(buffer.AsSpan(0, n));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // closed
        }
    }
}
