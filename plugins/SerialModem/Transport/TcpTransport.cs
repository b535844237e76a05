using System.Net.Sockets;

namespace TspHost.Plugins.SerialModem.Transport;

/// <summary>
/// Raw TCP to a serial server (ser2net in raw mode, a terminal server): the bytes of the modem's
/// serial line, nothing else. Its reader loop is one asynchronous receive loop.
/// </summary>
internal sealed class TcpTransport : IModemTransport
{
    private readonly string _host;
    private readonly int _port;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _closing = new();
    private Socket? _socket;
    private Task? _reader;

    public TcpTransport(string host, int port, TimeSpan connectTimeout, TimeProvider time)
    {
        _host = host;
        _port = port;
        _connectTimeout = connectTimeout;
        _time = time;
    }

    public string Description => $"tcp://{_host}:{_port}";

    public async ValueTask OpenAsync(IModemTransportReceiver receiver, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        // An unreachable host can leave a connect pending for minutes: bound it.
        using var timeout = new CancellationTokenSource(_connectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await socket.ConnectAsync(_host, _port, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException error) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ModemUnavailableException($"{Description}: no connection within {_connectTimeout.TotalMilliseconds:0} ms.", error);
        }
        catch (SocketException error)
        {
            socket.Dispose();
            throw new ModemUnavailableException($"{Description}: cannot connect: {error.Message}", error);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        _reader = ReadLoopAsync(socket, receiver);
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new ModemUnavailableException($"{Description} is not connected.");
        try
        {
            while (!data.IsEmpty)
            {
                var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                data = data[sent..];
            }
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
            throw new ModemUnavailableException($"{Description}: send failed: {error.Message}", error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_closing.IsCancellationRequested)
        {
            return;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        _socket?.Dispose();
        if (_reader is not null)
        {
            await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _closing.Dispose();
    }

    private async Task ReadLoopAsync(Socket socket, IModemTransportReceiver receiver)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var count = await socket.ReceiveAsync(buffer, SocketFlags.None, _closing.Token).ConfigureAwait(false);
                if (count == 0)
                {
                    throw new ModemUnavailableException($"{Description}: the serial server closed the connection.");
                }

                receiver.OnReceived(buffer.AsSpan(0, count));
            }
        }
        catch (Exception) when (_closing.IsCancellationRequested)
        {
            // closed by us
        }
        catch (Exception error)
        {
            receiver.OnFaulted(error is ModemUnavailableException ? error : new ModemUnavailableException($"{Description}: {error.Message}", error));
        }
    }
}
