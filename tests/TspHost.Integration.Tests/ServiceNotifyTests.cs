using System.Net.Sockets;
using System.Text;
using TspHost.Protocol;

namespace TspHost.Integration.Tests;

/// <summary>
/// <c>tsphost run</c> as a systemd <c>Type=notify</c> service: the test plays systemd's side of the
/// notify protocol, a datagram socket named by <c>NOTIFY_SOCKET</c>.
/// </summary>
public sealed class ServiceNotifyTests
{
    /// <summary>
    /// Two views of one order. The service manager's: the moment READY=1 arrives, a connection to the
    /// daemon's socket succeeds. The kernel's, which does not depend on how fast the test reacts:
    /// strace records the daemon's <c>listen</c> on that socket before the <c>sendto</c> carrying READY=1.
    /// </summary>
    [Fact]
    public async Task UnderANotifySocket_ReadyComesOnceTheSocketAcceptsConnections_StoppingOnSigterm()
    {
        using var manager = new NotifySocket();
        var trace = Path.Combine(Path.GetTempPath(), $"tsphost-notify-{Guid.NewGuid():N}.strace");
        await using var host = HostProcess.Create(
            environment: new Dictionary<string, string> { ["NOTIFY_SOCKET"] = manager.Path },
            wrapper: ["strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=bind,listen,sendto", "-e", "signal=none", "-s", "256", "-o", trace]);
        manager.OnReady = () => SocketPath.IsListening(host.SocketPath); // probed the moment READY=1 arrives
        try
        {
            await host.RestartAsync();
            var ready = await manager.WaitForAsync("READY=1");
            Assert.True(ready.SocketAccepted, $"READY=1 came before {host.SocketPath} accepted a connection.\n{host.Output}");
            using (host.Connect(ClientRole.Monitor))
            {
                // served, not only accepted
            }

            var sigterm = manager.Mark();
            await host.StopAsync(TracedDaemon(host.ProcessId));
            var stopping = await manager.WaitForAsync("STOPPING=1");

            Assert.True(stopping.Sequence > sigterm, "STOPPING=1 came before the daemon was sent SIGTERM");
            Assert.Equal(0, host.ExitCode);
            Assert.Equal(["READY=1", "STOPPING=1"], manager.Messages.Select(m => m.Text));
            AssertListenedBeforeReady(File.ReadAllLines(trace), host.SocketPath);
        }
        finally
        {
            File.Delete(trace);
        }
    }

    /// <summary>The daemon strace started: its only child.</summary>
    private static int TracedDaemon(int strace) =>
        int.Parse(File.ReadAllText($"/proc/{strace}/task/{strace}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Single(),
            System.Globalization.CultureInfo.InvariantCulture);

    private static void AssertListenedBeforeReady(string[] lines, string socket)
    {
        // "PID bind(FD, {sa_family=AF_UNIX, sun_path="..."}, N) = 0", then "PID listen(FD, 16) = 0"; a call
        // another thread interrupts is split into "listen(FD, 16 <unfinished ...>" and "<... listen resumed>) = 0".
        var bind = Array.FindIndex(lines, l => l.Contains(" bind(", StringComparison.Ordinal) && l.Contains($"\"{socket}\"", StringComparison.Ordinal));
        Assert.True(bind >= 0, $"strace saw no bind to {socket}:\n{string.Join('\n', lines)}");
        var fd = lines[bind].Split(" bind(", 2)[1].Split(',', 2)[0];
        var listen = Array.FindIndex(lines, bind, l => l.Contains($" listen({fd},", StringComparison.Ordinal));
        Assert.True(listen >= 0, $"strace saw no listen on descriptor {fd}:\n{string.Join('\n', lines)}");
        if (lines[listen].Contains("<unfinished", StringComparison.Ordinal))
        {
            var pid = lines[listen].Split(' ', 2)[0];
            listen = Array.FindIndex(lines, listen, l => l.StartsWith($"{pid} <... listen resumed>", StringComparison.Ordinal));
        }

        var ready = Array.FindIndex(lines, l => l.Contains(" sendto(", StringComparison.Ordinal) && l.Contains("READY=1", StringComparison.Ordinal));
        Assert.True(ready >= 0, $"strace saw no READY=1 sent:\n{string.Join('\n', lines)}");
        Assert.True(listen >= 0 && listen < ready, $"READY=1 was sent (line {ready}) before listen on {socket} returned (line {listen}):\n{string.Join('\n', lines)}");
    }

    /// <summary>The service manager's end: a bound datagram socket read by a thread of its own, so READY=1 is acted on at once.</summary>
    private sealed class NotifySocket : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        private readonly List<Message> _messages = [];
        private readonly Thread _reader;
        private readonly CancellationTokenSource _stop = new();
        private int _sequence;

        public NotifySocket()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tsphost-notify-{Guid.NewGuid():N}.sock");
            _socket.Bind(new UnixDomainSocketEndPoint(Path));
            _socket.ReceiveTimeout = 200;
            _reader = new Thread(Read) { IsBackground = true, Name = "notify socket" };
            _reader.Start();
        }

        public string Path { get; }

        public Func<bool>? OnReady { get; set; }

        public IReadOnlyList<Message> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        /// <summary>A point in the sequence of messages: what arrives later has a higher sequence number.</summary>
        public int Mark() => Interlocked.Increment(ref _sequence);

        public async Task<Message> WaitForAsync(string text)
        {
            Message? found = null;
            await TspHost.Testing.Eventually.WaitAsync(() => (found = Messages.FirstOrDefault(m => m.Text == text)) is not null,
                $"{text} on the notify socket", TimeSpan.FromSeconds(30));
            return found!;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _reader.Join(TimeSpan.FromSeconds(5));
            _socket.Dispose();
            File.Delete(Path);
        }

        private void Read()
        {
            var buffer = new byte[4096];
            while (!_stop.IsCancellationRequested)
            {
                int length;
                try
                {
                    length = _socket.Receive(buffer);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
                {
                    continue;
                }

                // One datagram may carry several assignments, one a line (sd_notify(3)).
                foreach (var text in Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    var accepted = text == "READY=1" && OnReady?.Invoke() == true;
                    lock (_messages)
                    {
                        _messages.Add(new Message(text, Mark(), accepted));
                    }
                }
            }
        }
    }

    private sealed record Message(string Text, int Sequence, bool SocketAccepted);
}
