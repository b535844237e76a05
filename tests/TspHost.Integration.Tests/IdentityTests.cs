using System.Diagnostics;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Integration.Tests;

/// <summary>
/// Identity both ways, with real processes of another uid (<c>nobody</c>, through setpriv; these need
/// root, which ./test.sh has in CI): the daemon refuses a socket directory someone else made, and every
/// client refuses a server of another uid before it sends a byte. A second daemon never touches the
/// first one's socket.
/// </summary>
public sealed class IdentityTests
{
    private const uint Nobody = 65534;

    [Fact]
    public async Task SocketDirectorySquattedByAnotherUser_TheDaemonRefusesToStart_NamingPathOwnerAndMode()
    {
        RequireRoot();
        var directory = SquatterDirectory();
        try
        {
            await AsNobodyAsync("mkdir", "-m", "0700", directory);

            var (exitCode, stdout, stderr) = await RunTsphostAsync("run", "--socket", Path.Combine(directory, "tsphost.sock"), "--state-dir", StateDirectory());

            Assert.Equal(1, exitCode);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(directory, line, StringComparison.Ordinal);
            Assert.Contains("belongs to uid 65534", line, StringComparison.Ordinal);
            Assert.Contains("mode 0700", line, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", stdout + stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task SocketDirectoryOthersMayWrite_TheDaemonRefusesToStart()
    {
        var directory = SquatterDirectory();
        Directory.CreateDirectory(directory);
        try
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0x1FF); // 0777

            var (exitCode, _, stderr) = await RunTsphostAsync("run", "--socket", Path.Combine(directory, "tsphost.sock"), "--state-dir", StateDirectory());

            Assert.Equal(1, exitCode);
            Assert.Contains($"others may write to the socket directory {directory}", stderr, StringComparison.Ordinal);
            Assert.Contains("mode 0777", stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(directory, "tsphost.sock")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task ServerOfAnotherUid_StatusWatchAndTheShim_RefuseItBeforeSendingAByte()
    {
        RequireRoot();
        var directory = SquatterDirectory();
        try
        {
            await AsNobodyAsync("mkdir", "-m", "0777", directory);
            var socket = Path.Combine(directory, "tsphost.sock");
            await using var squatter = await Squatter.StartAsync(socket);

            var status = await RunTsphostAsync("status", "--socket", socket);
            var watch = await RunTsphostAsync("watch", "--socket", socket, "--count", "1");
            var shim = await TapiSim.RunAsync("nohost", socket);

            Assert.Equal(1, status.ExitCode);
            Assert.Contains($"Refusing the server on {socket}", status.Stderr, StringComparison.Ordinal);
            Assert.Contains("runs as uid 65534, not as uid 0", status.Stderr, StringComparison.Ordinal);
            Assert.Equal(1, watch.ExitCode);
            Assert.Contains("runs as uid 65534", watch.Stderr, StringComparison.Ordinal);
            Assert.Contains("lineNegotiateTSPIVersion without a host -> 0x80000043", shim, StringComparison.Ordinal);

            // The squatter was connected to, and received nothing: not a Hello, not a destination number.
            var received = await squatter.ConnectionsAsync(atLeast: 3); // status, watch and the shim each connected at least once

            Assert.All(received, bytes => Assert.Equal(0, bytes));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task SecondDaemonOnALiveSocket_ExitsNonZeroWithOneLine_AndTheFirstKeepsServing()
    {
        await using var host = await HostProcess.StartAsync();
        var identity = File.GetLastWriteTimeUtc(host.SocketPath);

        var (exitCode, stdout, stderr) = await RunTsphostAsync("run", "--socket", host.SocketPath, "--state-dir", StateDirectory());

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"another tsphost already serves {host.SocketPath}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stdout + stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(host.SocketPath));
        Assert.Equal(identity, File.GetLastWriteTimeUtc(host.SocketPath));
        using var monitor = host.Connect(ClientRole.Monitor);
        Assert.Equal((uint)Core.Lifecycle.ProviderStatus.NotInstalled, monitor.Request<MonitorSnapshotRequest, MonitorSnapshotReply>(new MonitorSnapshotRequest(), 2).Status);
        Assert.False(host.HasExited);
    }

    [Theory]
    [InlineData(FrameFlags.Reply, "make it a reply")]
    [InlineData(FrameFlags.Reply | FrameFlags.Error, "make it a reply")]
    [InlineData(FrameFlags.Push, "make it a push")]
    public async Task HelloWithAReplyErrorOrPushFlag_IsAnsweredWithBadHandshake_AndTheHostLogsNoFailure(FrameFlags flags, string expected)
    {
        await using var host = await HostProcess.StartAsync();
        using var socket = FrameSocket.Connect(host.SocketPath, TimeSpan.FromSeconds(10));
        var hello = Handshake.Hello(3, 1, ClientRole.Provider);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(hello.AsSpan(6), (ushort)flags);

        socket.Send(hello);
        var reply = socket.Receive();

        Assert.NotNull(reply);
        Assert.True(reply.IsError);
        var error = ProtocolError.Read(reply);
        Assert.Equal(ProtocolErrorCode.BadHandshake, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Null(socket.Receive());
        using (host.Connect(ClientRole.Monitor))
        {
        }

        Assert.DoesNotContain("failed", host.Output, StringComparison.OrdinalIgnoreCase);
    }

    private static void RequireRoot()
    {
        if (SocketPath.CurrentUserId() != 0 || !File.Exists("/usr/bin/setpriv"))
        {
            Assert.Skip("Acting as another uid (nobody) needs root and setpriv (util-linux); ./test.sh runs as root in CI.");
        }
    }

    private static string SquatterDirectory() => Path.Combine("/tmp", $"tsphost-squat-{Guid.NewGuid():N}"[..26]);

    private static string StateDirectory() => Path.Combine(Path.GetTempPath(), $"tsphost-state-{Guid.NewGuid():N}"[..26]);

    private static async Task AsNobodyAsync(params string[] command)
    {
        using var process = Process.Start(Setpriv(command, redirectInput: false))!;
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(process.ExitCode == 0, $"as nobody: {string.Join(' ', command)}: {await process.StandardError.ReadToEndAsync()}");
    }

    private static ProcessStartInfo Setpriv(string[] command, bool redirectInput)
    {
        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput, UseShellExecute = false };
        foreach (var argument in new[] { $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups" }.Concat(command))
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunTsphostAsync(params string[] arguments)
    {
        using var process = Tsphost.Start(arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A listener run as nobody (perl, in every Debian): it records how many bytes each connection sent it.</summary>
    private sealed class Squatter : IAsyncDisposable
    {
        private const string Script = """
            use IO::Socket::UNIX; $| = 1;
            my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $ARGV[0], Listen => 16) or die "listen: $!";
            chmod 0777, $ARGV[0]; print "LISTENING\n";
            while (my $c = $s->accept) { my $n = 0; while (my $r = sysread($c, my $b, 65536)) { $n += $r; } print "RECEIVED $n\n"; close $c; }
            """;

        private readonly Process _process;
        private readonly List<string> _lines = [];
        private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Squatter(Process process) => _process = process;

        public static async Task<Squatter> StartAsync(string socket)
        {
            var squatter = new Squatter(Process.Start(Setpriv(["perl", "-e", Script, socket], redirectInput: false))!);
            squatter._process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (squatter._lines)
                {
                    squatter._lines.Add(e.Data);
                }

                if (e.Data == "LISTENING")
                {
                    squatter._listening.TrySetResult();
                }
            };
            squatter._process.BeginOutputReadLine();
            await squatter._listening.Task.WaitAsync(TimeSpan.FromSeconds(10));
            return squatter;
        }

        /// <summary>The bytes each connection sent, once <paramref name="atLeast"/> clients have hung up (each one's count is printed when it does).</summary>
        public async Task<IReadOnlyList<int>> ConnectionsAsync(int atLeast)
        {
            await TspHost.Testing.Eventually.WaitAsync(() => Received().Count >= atLeast, () => $"{atLeast} connections to the squatter to end; {Received().Count} did", TimeSpan.FromSeconds(30));
            return Received();
        }

        private List<int> Received()
        {
            lock (_lines)
            {
                return [.. _lines.Where(l => l.StartsWith("RECEIVED ", StringComparison.Ordinal)).Select(l => int.Parse(l["RECEIVED ".Length..], System.Globalization.CultureInfo.InvariantCulture))];
            }
        }

        public async ValueTask DisposeAsync()
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            _process.Dispose();
        }
    }
}
