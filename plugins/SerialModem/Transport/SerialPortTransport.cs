using System.IO.Ports;
using TspHost.Abstractions;

namespace TspHost.Plugins.SerialModem.Transport;

/// <summary>
/// A serial port through System.IO.Ports: a COM port on Windows, a tty such as <c>/dev/ttyUSB0</c>
/// on Linux and macOS; raw 8N1 at a fixed speed, no flow control, DTR and RTS raised where the port
/// has them. On Unix the port is opened non-blocking, without becoming the controlling terminal, and
/// in exclusive mode (System.IO.Ports does all three). One read is kept pending; it completes from
/// the port's own I/O thread, so no pool thread waits on the modem.
/// <para>
/// What System.IO.Ports does when a port goes away, and how this class copes (each proven by the
/// pseudo-terminal tests): a pending read fails with <see cref="ObjectDisposedException"/> while
/// <see cref="SerialPort.IsOpen"/> stays true, and no later read or write ever completes, so the
/// first failed read marks the link lost and nothing is written after that; a write that the port
/// does not take is bounded (<see cref="SerialPort.WriteTimeout"/> and a cancellation with the same
/// bound); closing never goes through <see cref="SerialPort.Close"/>, which waits for queued writes
/// that a lost port never completes (dotnet/runtime#100690), and runs off the caller's path with a
/// bound, leaving a close that still hangs behind with a warning.
/// </para>
/// </summary>
internal sealed class SerialPortTransport : IModemTransport
{
    /// <summary>How long a write may wait for the port to take the bytes.</summary>
    public static readonly TimeSpan DefaultWriteStall = TimeSpan.FromSeconds(2);

    /// <summary>How long closing may take before it is left to finish on its own.</summary>
    public static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(2);

    private readonly string _path;
    private readonly int _baud;
    private readonly TimeProvider _time;
    private readonly IBackendLog _log;
    private readonly TimeSpan _writeStall;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _closing = new();
    private SerialPort? _port;
    private Stream? _stream;
    private IModemTransportReceiver? _receiver;
    private Task? _reader;
    private ModemUnavailableException? _lost;
    private int _faultReported;
    private bool _closed;

    public SerialPortTransport(string path, int baud, TimeProvider time, IBackendLog log, TimeSpan? writeStall = null)
    {
        _path = path;
        _baud = baud;
        _time = time;
        _log = log;
        _writeStall = writeStall ?? DefaultWriteStall;
    }

    public string Description => _path;

    public ValueTask OpenAsync(IModemTransportReceiver receiver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_port is not null)
            {
                throw new InvalidOperationException($"{_path} is already open.");
            }

            _port = OpenPort();
            _stream = _port.BaseStream;
            _receiver = receiver;
            // Delivers nothing under the lock: a read always completes later, from the port's I/O thread.
            _reader = ReadLoopAsync(_stream, receiver);
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        Stream stream;
        lock (_lock)
        {
            if (_closed)
            {
                throw new ModemUnavailableException($"{_path} was closed.");
            }

            // Never write after the link is lost: the write would stay queued for ever, and a queued
            // write is what makes closing a lost port hang (dotnet/runtime#100690).
            if (_lost is not null)
            {
                throw new ModemUnavailableException($"{_path} is lost; nothing more is written to it: {_lost.Message}", _lost);
            }

            stream = _stream ?? throw new ModemUnavailableException($"{_path} is not open.");
        }

        using var stall = new CancellationTokenSource(_writeStall, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
        try
        {
            await stream.WriteAsync(data, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException error) when (stall.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Flow control stuck, or the port went away before the reader noticed: a port that takes
            // nothing for this long is not coming back.
            throw Lose(new ModemUnavailableException($"{_path}: the port accepted no data for {_writeStall.TotalMilliseconds:0} ms.", error));
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or InvalidOperationException)
        {
            throw Lose(new ModemUnavailableException($"{_path}: write failed: {error.Message}", error));
        }
    }

    public async ValueTask DisposeAsync()
    {
        SerialPort? port;
        Stream? stream;
        Task? reader;
        bool lost;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            port = _port;
            stream = _stream;
            reader = _reader;
            lost = _lost is not null;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        if (port is not null && stream is not null)
        {
            await PortCloser.CloseAsync(_path, () => Close(port, stream, dropDtr: !lost), CloseBound, _time, _log).ConfigureAwait(false);
        }

        if (reader is not null)
        {
            // The cancelled read completes at once; the bound only guards against a stuck library.
            await reader.WaitAsync(CloseBound, _time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (reader is null || reader.IsCompleted)
        {
            _closing.Dispose();
        }
    }

    /// <summary>
    /// Closes a port opened by this class: DTR down first when the port is still there (the modem
    /// hangs up, as HUPCL makes a tty do), then the stream's own dispose, which fails whatever is
    /// still queued and closes the handle. Not <see cref="SerialPort.Close"/>: it first waits for the
    /// write queue to drain, which never happens once a write was queued to a port that went away.
    /// </summary>
    internal static void Close(SerialPort port, Stream stream, bool dropDtr)
    {
        if (dropDtr)
        {
            SetControlLines(port, false);
        }

        stream.Dispose();
        port.Dispose(); // the stream is closed: nothing is left to flush
    }

    private SerialPort OpenPort()
    {
        SerialPort? port = null;
        try
        {
            port = new SerialPort(_path, _baud, Parity.None, 8, StopBits.One)
            {
                Handshake = Handshake.None,
                // DtrEnable and RtsEnable stay unset here: set before Open, they make Open fail on a port
                // without modem control lines (a pseudo-terminal). They are raised once the port is open.
                ReadTimeout = SerialPort.InfiniteTimeout,
                // A write the port does not take must not block for ever (the asynchronous writes below
                // carry the same bound as a cancellation).
                WriteTimeout = (int)_writeStall.TotalMilliseconds,
            };
            port.Open();
        }
        catch (Exception error) when (error is UnauthorizedAccessException or IOException or ArgumentException or InvalidOperationException)
        {
            port?.Dispose();
            throw OpenFailure(error);
        }

        // DTR up tells the modem the computer is there: with &D2 (the usual default) a modem hangs up
        // and may ignore commands while it is down.
        if (!SetControlLines(port, true))
        {
            _log.Log(BackendLogLevel.Debug, $"{_path} has no modem control lines (DTR, RTS); a pseudo-terminal has none.");
        }

        return port;
    }

    /// <summary>
    /// "Access to the port is denied" is what System.IO.Ports says for every failed open on Unix,
    /// including a port that does not exist; the real cause is in the inner exception.
    /// </summary>
    private ModemUnavailableException OpenFailure(Exception error)
    {
        if (!PortExists())
        {
            return new ModemUnavailableException($"{_path}: no such port.", error);
        }

        var cause = error is UnauthorizedAccessException { InnerException: { } inner } ? inner.Message : error.Message;
        return new ModemUnavailableException($"{_path}: cannot open: {cause}", error);
    }

    private bool PortExists()
    {
        if (!OperatingSystem.IsWindows())
        {
            return File.Exists(_path) || Directory.Exists(_path);
        }

        try
        {
            return SerialPort.GetPortNames().Contains(_path, StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return true; // cannot tell: report the open's own error
        }
    }

    /// <summary>Sets DTR and RTS; false when the port has no modem control lines (setting them throws there).</summary>
    private static bool SetControlLines(SerialPort port, bool on)
    {
        try
        {
            port.DtrEnable = on;
            port.RtsEnable = on;
            return true;
        }
        catch (Exception error) when (error is IOException or InvalidOperationException)
        {
            return false;
        }
    }

    private async Task ReadLoopAsync(Stream stream, IModemTransportReceiver receiver)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var count = await stream.ReadAsync(buffer, _closing.Token).ConfigureAwait(false);
                if (count == 0)
                {
                    throw new ModemUnavailableException($"{_path}: the port hung up (end of file).");
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
            // A USB adapter unplugged, the other end of a pty closed: the read fails (ObjectDisposedException
            // while IsOpen still says true) and the port never works again.
            Lose(error as ModemUnavailableException ?? new ModemUnavailableException($"{_path}: the port went away: {error.Message}", error));
        }
    }

    /// <summary>Marks the link lost (nothing is written after this) and reports it once, unless we closed it.</summary>
    private ModemUnavailableException Lose(ModemUnavailableException error)
    {
        IModemTransportReceiver? receiver;
        lock (_lock)
        {
            _lost ??= error;
            receiver = _closed ? null : _receiver;
        }

        if (receiver is not null && Interlocked.Exchange(ref _faultReported, 1) == 0)
        {
            receiver.OnFaulted(error);
        }

        return error;
    }
}
