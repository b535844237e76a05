namespace TspHost.Plugins.SerialModem.Transport;

/// <summary>
/// A serial port (a tty such as <c>/dev/ttyUSB0</c>) at a fixed speed, 8N1, raw, opened exclusively.
/// A dedicated reader thread waits on the port and on a wake-up descriptor, so closing never waits
/// for the modem and no pool thread is held by a blocking read. The platform part lives in
/// <c>SerialPortTransport.Unix.cs</c>.
/// </summary>
internal sealed partial class SerialPortTransport : IModemTransport
{
    private readonly string _path;
    private readonly int _baud;
    private readonly Lock _lock = new();
    private IModemTransportReceiver? _receiver;
    private Thread? _reader;
    private bool _closed;

    public SerialPortTransport(string path, int baud)
    {
        _path = path;
        _baud = baud;
    }

    public string Description => _path;

    public ValueTask OpenAsync(IModemTransportReceiver receiver, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!OperatingSystem.IsLinux())
        {
            throw new ModemUnavailableException($"{_path}: serial ports are supported on Linux only; use a TCP serial server (tcp://host:port) elsewhere.");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_receiver is not null)
            {
                throw new InvalidOperationException($"{_path} is already open.");
            }

            OpenPort();
            _receiver = receiver;
            _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"SerialModem reader {_path}" };
            _reader.Start();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        WritePort(data.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Thread? reader;
        lock (_lock)
        {
            if (_closed)
            {
                return ValueTask.CompletedTask;
            }

            _closed = true;
            reader = _reader;
        }

        WakeReader();
        if (reader is not null && reader != Thread.CurrentThread)
        {
            // The reader exits as soon as the wake-up descriptor fires; the bound only guards against a stuck poll.
            reader.Join(TimeSpan.FromSeconds(2));
        }

        ClosePort();
        return ValueTask.CompletedTask;
    }

    private void Faulted(Exception error)
    {
        IModemTransportReceiver? receiver;
        lock (_lock)
        {
            receiver = _closed ? null : _receiver;
        }

        receiver?.OnFaulted(error);
    }

    private void Received(ReadOnlySpan<byte> data) => _receiver?.OnReceived(data);
}
