using System.IO.Ports;
using System.Text;
using TspHost.Conformance;
using TspHost.Plugins.SerialModem.Tests.Fakes;
using TspHost.Plugins.SerialModem.Transport;
using TspHost.Testing;

namespace TspHost.Plugins.SerialModem.Tests.Transport;

/// <summary>
/// The System.IO.Ports transport on real pseudo-terminals, and the runtime's behaviour it works
/// around, asserted here so that a runtime that changes it shows up.
/// </summary>
public sealed class SerialPortTransportTests
{
    private readonly RecordingLog _log = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SerialPortTransport Transport(string path, TimeSpan? writeStall = null) =>
        new(path, 115200, TimeProvider.System, _log, writeStall);

    [Fact]
    public async Task Open_PtyWithoutModemControlLines_OpensExclusivelyAndCarriesBytesBothWays()
    {
        // The runtime: a pty has no DTR or RTS, and asking for them before Open makes Open fail.
        using (var other = new Pty())
        {
            using var port = new SerialPort(other.SlavePath) { DtrEnable = true, RtsEnable = true };
            Assert.Throws<IOException>(port.Open);
        }

        using var pty = new Pty();
        var receiver = new RecordingReceiver();
        await using var transport = Transport(pty.SlavePath);
        await transport.OpenAsync(receiver, Ct);
        Assert.True(Pty.IsExclusive(pty.SlavePath));

        await transport.WriteAsync("ATZ\r"u8.ToArray(), Ct);
        Assert.Equal("ATZ\r", await ReadFromMasterAsync(pty, "ATZ\r".Length));
        pty.Write("\r\nOK\r\n"u8);
        await receiver.WaitForTextAsync("\r\nOK\r\n");
        Assert.Empty(receiver.Faults);
    }

    [Fact]
    public async Task Open_MissingPort_SaysNoSuchPortNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tsphost-no-such-tty-{Guid.NewGuid():N}");
        await using var transport = Transport(path);
        var error = await Assert.ThrowsAsync<ModemUnavailableException>(() => transport.OpenAsync(new RecordingReceiver(), Ct).AsTask());
        Assert.Equal($"{path}: no such port.", error.Message);
        // What System.IO.Ports itself says, with the real cause hidden inside.
        Assert.IsType<UnauthorizedAccessException>(error.InnerException);
    }

    [Fact]
    public async Task Open_FileThatIsNotATerminal_GivesTheRealCauseNotAccessDenied()
    {
        var path = Path.GetTempFileName();
        try
        {
            await using var transport = Transport(path);
            var error = await Assert.ThrowsAsync<ModemUnavailableException>(() => transport.OpenAsync(new RecordingReceiver(), Ct).AsTask());
            Assert.StartsWith($"{path}: cannot open: ", error.Message, StringComparison.Ordinal);
            Assert.Contains("ioctl", error.Message, StringComparison.OrdinalIgnoreCase); // ENOTTY: not a tty
            Assert.DoesNotContain("denied", error.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task PeerVanishes_FaultsOnce_NothingIsWrittenAfter_AndCloseDoesNotHang()
    {
        using var pty = new Pty();
        var receiver = new RecordingReceiver();
        var transport = Transport(pty.SlavePath);
        await transport.OpenAsync(receiver, Ct);

        pty.Close();
        await Eventually.WaitAsync(() => receiver.Faults.Count > 0, "the fault of a port that went away");
        var write = await Assert.ThrowsAsync<ModemUnavailableException>(() => transport.WriteAsync("AT\r"u8.ToArray(), Ct).AsTask().WithTimeout("write to a lost port"));
        Assert.Contains("is lost; nothing more is written to it", write.Message, StringComparison.Ordinal);

        await transport.DisposeAsync().AsTask().WithTimeout("close of a lost port");
        // The reader has ended with the close: no later report can come.
        Assert.Single(receiver.Faults);
        Assert.IsType<ModemUnavailableException>(receiver.Faults[0]);
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public async Task WriteQueuedToAPortThatWentAway_DoesNotHangTheClose()
    {
        using var pty = new Pty();
        var port = new SerialPort(pty.SlavePath) { WriteTimeout = 300 };
        port.Open();
        var stream = port.BaseStream;
        var read = stream.ReadAsync(new byte[16], 0, 16, Ct);
        pty.Close();

        // The runtime: the pending read fails with ObjectDisposedException, yet the port says it is open...
        await Assert.ThrowsAsync<ObjectDisposedException>(() => read.WaitAsync(Eventually.DefaultTimeout, Ct));
        Assert.True(port.IsOpen);
        // ...and a write is queued for ever: only the write timeout ends the wait. SerialPort.Close would
        // now wait for that write for ever (dotnet/runtime#100690).
        Assert.Throws<TimeoutException>(() => stream.Write("AT\r"u8.ToArray(), 0, 3));

        var closed = await PortCloser.CloseAsync(
            pty.SlavePath, () => SerialPortTransport.Close(port, stream, dropDtr: false), SerialPortTransport.CloseBound, TimeProvider.System, _log);
        Assert.True(closed, $"the close hung: {string.Join(" | ", _log.Warnings)}");
        Assert.False(port.IsOpen);
    }

    [Fact]
    public async Task CloseThatHangs_IsLeftBehindWithAWarningSayingWhatLeaks()
    {
        var time = new ManualTimeProvider();
        using var release = new ManualResetEventSlim();
        try
        {
            var closing = PortCloser.CloseAsync("/dev/ttyUSB7", () => release.Wait(), TimeSpan.FromSeconds(2), time, _log);
            await Eventually.WaitAsync(() => time.ArmedTimers > 0, "the close's bound armed");
            time.Advance(TimeSpan.FromSeconds(2));

            Assert.False(await closing.WithTimeout("the bounded close"));
            var warning = Assert.Single(_log.Warnings);
            Assert.Contains("/dev/ttyUSB7: closing the port did not finish within 2000 ms", warning, StringComparison.Ordinal);
            Assert.Contains("one thread and the port's handle stay with this process", warning, StringComparison.Ordinal);
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public async Task Close_WithAReadPending_ReportsNoFault_AndFreesThePortAtOnce()
    {
        using var pty = new Pty();
        var receiver = new RecordingReceiver();
        var transport = Transport(pty.SlavePath);
        await transport.OpenAsync(receiver, Ct);
        await transport.DisposeAsync().AsTask().WithTimeout("close");
        Assert.Empty(receiver.Faults);
        await Assert.ThrowsAsync<ModemUnavailableException>(() => transport.WriteAsync("AT\r"u8.ToArray(), Ct).AsTask());

        // Exclusive mode went with the close: the port opens again (what a reconnect does).
        await using var again = Transport(pty.SlavePath);
        await again.OpenAsync(new RecordingReceiver(), Ct);
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public async Task WriteThePortDoesNotTake_FailsWithinTheStall_AndTheLinkIsLost()
    {
        using var pty = new Pty(); // nobody reads the master: the pty's buffer fills and the port takes no more
        var receiver = new RecordingReceiver();
        await using var transport = Transport(pty.SlavePath, writeStall: TimeSpan.FromMilliseconds(300));
        await transport.OpenAsync(receiver, Ct);

        var error = await Assert.ThrowsAsync<ModemUnavailableException>(() => transport.WriteAsync(new byte[1 << 20], Ct).AsTask().WithTimeout("a stalled write"));
        Assert.Equal($"{pty.SlavePath}: the port accepted no data for 300 ms.", error.Message);
        Assert.Same(error, Assert.Single(receiver.Faults));
    }

    /// <summary>Reads what the transport wrote from the pty's master until <paramref name="length"/> bytes came.</summary>
    private static async Task<string> ReadFromMasterAsync(Pty pty, int length)
    {
        var text = new StringBuilder();
        var buffer = new byte[256];
        await Eventually.WaitAsync(
            () =>
            {
                var n = pty.Read(buffer, 10);
                if (n > 0)
                {
                    text.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                return text.Length >= length;
            },
            () => $"{length} bytes from the port; got '{text}'");
        return text.ToString();
    }

    /// <summary>What a transport delivered: the bytes as text, and its faults.</summary>
    private sealed class RecordingReceiver : IModemTransportReceiver
    {
        private readonly StringBuilder _text = new();
        private readonly RecordedList<Exception> _faults = new();

        public IReadOnlyList<Exception> Faults => _faults.Items;

        public void OnReceived(ReadOnlySpan<byte> data)
        {
            lock (_text)
            {
                _text.Append(Encoding.ASCII.GetString(data));
            }
        }

        public void OnFaulted(Exception error) => _faults.Add(error);

        public Task WaitForTextAsync(string text) => Eventually.WaitAsync(
            () =>
            {
                lock (_text)
                {
                    return _text.ToString().Contains(text, StringComparison.Ordinal);
                }
            },
            $"'{text.ReplaceLineEndings("\\n")}' from the port");
    }
}
