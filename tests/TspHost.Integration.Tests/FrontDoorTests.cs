using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using TspHost.Protocol;
using TspHost.Protocol.Messages;
using TspHost.Testing;

namespace TspHost.Integration.Tests;

/// <summary>
/// Clients that flood the daemon's socket, never finish their handshake, or subscribe and never read:
/// the daemon refuses the excess, stays up, keeps serving the provider and a monitor, logs a bounded
/// amount and gives its threads and memory back. Loopback (a Unix socket) only, bounded in count and time.
/// </summary>
public sealed class FrontDoorTests
{
    private const uint V2_0 = 0x00020000;
    private const uint V3_1 = 0x00030001;

    [Fact]
    public async Task FloodBeyondTheClientCap_IsRefusedWithAReason_SlowHandshakesAreCut_AndTheProviderAndAMonitorAreServedThroughout()
    {
        const int Cap = 64;
        await using var host = await HostProcess.StartAsync(environment: HostSettings(new Dictionary<string, string>
        {
            ["Ipc:MaxClients"] = $"{Cap}",
            ["Ipc:HandshakeTimeoutMilliseconds"] = "4000",
        }));
        using var provider = new ProviderClient(host.Connect(ClientRole.Provider));
        using var monitor = host.Connect(ClientRole.Monitor);
        var threadsBefore = await SettledThreadsAsync(host);

        // Cap - 1 more connections fit beside the monitor; the rest are refused at once, with a reason.
        var flood = Enumerable.Range(0, 3 * Cap).Select(_ => Open(host.SocketPath)).ToList();
        try
        {
            // A slowloris among them: one byte of a Hello, then nothing.
            flood[0].Send(Handshake.Hello(1, 1, ClientRole.Monitor).AsSpan(0, 1));
            var refused = flood.Skip(Cap).Select(s => FirstError(s)).ToList();

            Assert.All(refused, e => Assert.Equal(ProtocolErrorCode.TooManyConnections, e?.Code));
            Assert.Contains("Ipc:MaxClients", refused[0]!.Message, StringComparison.Ordinal);

            // Throughout: the provider's requests and the monitor's are served.
            Assert.Equal(0, Negotiate(provider, 0xFFFFFFFF));
            Assert.Equal((uint)Core.Lifecycle.ProviderStatus.NotInstalled, monitor.Request<MonitorSnapshotRequest, MonitorSnapshotReply>(new MonitorSnapshotRequest(), 7).Status);

            // Those let in but silent are cut at the handshake deadline, with the reason.
            var cut = FirstError(flood[0], TimeSpan.FromSeconds(20));
            Assert.Equal(ProtocolErrorCode.BadHandshake, cut?.Code);
            Assert.Contains("No Hello came within 4000 ms", cut!.Message, StringComparison.Ordinal);
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }

        // Room again, for a new monitor; the host's threads are back to what they were.
        using (host.Connect(ClientRole.Monitor))
        {
        }

        await Eventually.WaitAsync(() => Threads(host) <= threadsBefore + 2, () => $"the host's threads ({Threads(host)}) to return to {threadsBefore}", TimeSpan.FromSeconds(60)); // the pool retires idle threads after 20 s
        Assert.False(host.HasExited);
        var refusals = Lines(host.Output, "TooManyConnections");
        Assert.True(refusals <= 5, $"{refusals} lines of log for {2 * Cap} refused connections: the warnings are not rate-limited\n{host.Output}");
        Assert.Contains("more warning(s) like the last 'too many connections' one", await WaitForOutputAsync(host, "more warning(s) like the last 'too many connections'"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FloodBeyondTheDescriptorLimit_PausesAcceptingOnce_NoSpin_AndAcceptsAgainWhenDescriptorsFree()
    {
        await using var host = await HostProcess.StartAsync(environment: HostSettings(new Dictionary<string, string>
        {
            ["Ipc:MaxClients"] = "100000",
            ["Ipc:HandshakeTimeoutMilliseconds"] = "120000", // the flood's connections hold their descriptors for the whole test
        }));
        using var provider = new ProviderClient(host.Connect(ClientRole.Provider));
        var limit = OpenDescriptors(host) + 40; // room for 40 more descriptors, then EMFILE
        await RunAsync("prlimit", "--pid", $"{host.ProcessId}", $"--nofile={limit}:{limit}");

        var flood = new List<Socket>();
        try
        {
            // Three times as many connections as there are descriptors left: the kernel queues some in the
            // backlog, the rest are refused by it; the host cannot take them all and must not spin on EMFILE.
            for (var i = 0; i < 120; i++)
            {
                try
                {
                    flood.Add(Open(host.SocketPath, connectTimeout: true));
                }
                catch (SocketException)
                {
                    // the backlog is full: the kernel refuses, as it should
                }
            }

            await WaitForOutputAsync(host, "Cannot accept connections");
            var cpuBefore = CpuTicks(host);
            await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken); // a stretch at the limit: a spinning accept loop would burn it all
            var cpuUsed = CpuTicks(host) - cpuBefore;

            TestContext.Current.TestOutputHelper?.WriteLine($"{cpuUsed} ticks of CPU in 2 s at the descriptor limit (limit {limit} descriptors)");
            Assert.True(cpuUsed < 100, $"the host used {cpuUsed} ticks of CPU in 2 s at the descriptor limit: its accept loop spins");
            Assert.Equal(1, Lines(host.Output, "Cannot accept connections"));
            Assert.Equal(0, Negotiate(provider, 0xFFFFFFFF));
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }

        // Descriptors free again: a monitor gets in, and the episode's end is said once.
        await Eventually.WaitAsync(() =>
        {
            try
            {
                using var monitor = host.Connect(ClientRole.Monitor);
                return true;
            }
            catch (Exception e) when (e is SocketException or ProtocolException)
            {
                return false;
            }
        }, "a monitor to get in after the flood", TimeSpan.FromSeconds(30));
        await WaitForOutputAsync(host, "Accepting connections again");
        Assert.False(host.HasExited);
        Assert.True(host.Output.Length < 64 * 1024, $"{host.Output.Length} bytes of log for one flood");
    }

    [Fact]
    public async Task RepeatedFloodsOfMonitors_LeaveTheHostsMemoryAndThreadsWhereTheyWere()
    {
        await using var host = await HostProcess.StartAsync(environment: HostSettings(new Dictionary<string, string>
        {
            ["Ipc:MaxClients"] = "2000",
            ["Ipc:MaxMonitors"] = "2000",
        }));
        await FloodOfMonitorsAsync(host, 1000); // the first one sizes the pools and the heap
        var threads = await SettledThreadsAsync(host);
        var baseline = RssKilobytes(host);

        for (var round = 0; round < 3; round++)
        {
            await FloodOfMonitorsAsync(host, 1000);
        }

        await Eventually.WaitAsync(() => Threads(host) <= threads + 2, () => $"the host's threads ({Threads(host)}) to return to {threads}", TimeSpan.FromSeconds(60)); // the pool retires idle threads after 20 s
        var grown = RssKilobytes(host) - baseline;
        TestContext.Current.TestOutputHelper?.WriteLine($"RSS {baseline} KiB after the first flood, {baseline + grown} KiB after three more; threads {threads}, then {Threads(host)}");

        // The margin: 16 MB for three floods of 1000 monitors (a connection used to cost a thread and 128 KiB of buffer).
        Assert.True(grown < 16 * 1024, $"the host's memory grew by {grown} KiB over three floods of 1000 monitors (from {baseline} KiB)");
        using var provider = new ProviderClient(host.Connect(ClientRole.Provider));
        Assert.Equal(0, Negotiate(provider, 0xFFFFFFFF));
    }

    [Fact]
    public async Task TwoHundredSubscribedMonitorsThatNeverRead_DoNotSlowTheProvider_AndEachIsDisconnectedWithOneLine()
    {
        await using var host = await HostProcess.StartAsync(environment: HostSettings(new Dictionary<string, string> { ["Ipc:OutputLimitKilobytes"] = "16" }));
        using var provider = new ProviderClient(host.Connect(ClientRole.Provider));
        var hdLine = DaemonTests.StartSessionAndOpenLine(provider);
        var alone = await TimeWorkloadAsync(provider, hdLine, 1);

        var monitors = new List<FrameSocket>();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                var monitor = host.Connect(ClientRole.Monitor);
                monitor.Request<MonitorSubscribeRequest, ResultReply>(new MonitorSubscribeRequest(), 2);
                monitors.Add(monitor); // and never read from again
            }

            var watched = await TimeWorkloadAsync(provider, hdLine, 1000);

            // The same work in the same run, with and without the monitors: a ratio, not a time.
            TestContext.Current.TestOutputHelper?.WriteLine($"the provider's work: {alone.TotalMilliseconds:0} ms alone, {watched.TotalMilliseconds:0} ms with 200 monitors that never read");
            Assert.True(watched < 5 * alone + TimeSpan.FromSeconds(3),
                $"with 200 monitors that never read, the provider's work took {watched.TotalMilliseconds:0} ms against {alone.TotalMilliseconds:0} ms without");
            // More traffic until every monitor's queue overflows (how much that takes depends on how the kernel buffers it): each is disconnected, once.
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (Lines(host.Output, "fell more than 16 KiB behind") < 200 && DateTime.UtcNow < until)
            {
                for (var j = 0; j < 200; j++)
                {
                    Assert.Equal(0, Negotiate(provider, 0));
                }
            }

            Assert.Equal(200, Lines(host.Output, "fell more than 16 KiB behind"));
        }
        finally
        {
            monitors.ForEach(m => m.Dispose());
        }

        Assert.Equal(0, provider.Call<LineCloseRequest, ResultReply>(new() { HdLine = hdLine }).Result);
    }

    /// <summary>
    /// The provider's normal work, timed: calls made, completed, dropped and closed, and a burst of
    /// synchronous requests (each of which monitors see traced). <paramref name="firstRequest"/> keeps request IDs apart.
    /// </summary>
    private static async Task<TimeSpan> TimeWorkloadAsync(ProviderClient provider, nint hdLine, uint firstRequest)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0u; i < 10; i++)
        {
            var id = firstRequest + (2 * i);
            var make = DaemonTests.MakeCall(provider, id, hdLine, (nint)(0x900 + id), "5550100");
            Assert.Equal((int)id, make.Result);
            var hdCall = make.HdCall;
            Assert.Equal(0, await provider.CompletionAsync((int)id));
            Assert.Equal((int)id + 1, provider.Call<LineDropRequest, ResultReply>(new() { RequestId = id + 1, HdCall = hdCall }).Result);
            Assert.Equal(0, await provider.CompletionAsync((int)id + 1));
            Assert.Equal(0, provider.Call<LineCloseCallRequest, ResultReply>(new() { HdCall = hdCall }).Result);
            for (var j = 0; j < 100; j++)
            {
                Assert.Equal(0, Negotiate(provider, 0));
            }
        }

        return clock.Elapsed;
    }

    private static int Negotiate(ProviderClient provider, uint deviceId) =>
        provider.Call<LineNegotiateTspiVersionRequest, TspiVersionReply>(new() { DeviceId = deviceId, LowVersion = V2_0, HighVersion = V3_1 }).Result;

    private static async Task FloodOfMonitorsAsync(HostProcess host, int count)
    {
        var monitors = new List<FrameSocket>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var monitor = host.Connect(ClientRole.Monitor);
                monitor.Request<MonitorSubscribeRequest, ResultReply>(new MonitorSubscribeRequest(), 2);
                monitors.Add(monitor);
            }
        }
        finally
        {
            monitors.ForEach(m => m.Dispose());
        }

        await Eventually.WaitAsync(() => Lines(host.Output, "disconnected") >= Lines(host.Output, "connected as Monitor"), "every monitor of the flood to be gone", TimeSpan.FromSeconds(30));
    }

    private static Socket Open(string path, bool connectTimeout = false)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 10_000 };
        try
        {
            // With a full backlog a blocking connect waits; a non-blocking one fails at once (EAGAIN).
            socket.Blocking = !connectTimeout;
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The error the host sent on a connection before closing it; null when it sent none.</summary>
    private static ProtocolError? FirstError(Socket socket, TimeSpan? timeout = null)
    {
        socket.ReceiveTimeout = (int)(timeout ?? TimeSpan.FromSeconds(10)).TotalMilliseconds;
        var frames = new FrameSocket(socket);
        try
        {
            return frames.Receive() is { IsError: true } frame ? ProtocolError.Read(frame) : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>Host configuration keys (<c>Ipc:MaxClients</c>) as the <c>TSPHOST_</c> variables that set them.</summary>
    private static Dictionary<string, string> HostSettings(Dictionary<string, string> settings) =>
        settings.ToDictionary(s => $"TSPHOST_{s.Key.Replace(":", "__", StringComparison.Ordinal)}", s => s.Value);

    private static async Task<string> WaitForOutputAsync(HostProcess host, string text)
    {
        await Eventually.WaitAsync(() => host.Output.Contains(text, StringComparison.Ordinal), () => $"the host to log '{text}':\n{host.Output}", TimeSpan.FromSeconds(30));
        return host.Output;
    }

    private static int Lines(string output, string text) => output.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>The host's thread count once it has stopped changing (the runtime starts a few of its own threads early on).</summary>
    private static async Task<int> SettledThreadsAsync(HostProcess host)
    {
        var last = Threads(host);
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            var now = Threads(host);
            if (now == last)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    private static int Threads(HostProcess host) => (int)Status(host, "Threads:");

    private static long RssKilobytes(HostProcess host) => Status(host, "VmRSS:");

    private static long Status(HostProcess host, string field)
    {
        var line = File.ReadLines($"/proc/{host.ProcessId}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static int OpenDescriptors(HostProcess host) => Directory.GetFiles($"/proc/{host.ProcessId}/fd").Length;

    /// <summary>User plus system CPU time of the host, in clock ticks (<c>/proc/PID/stat</c> fields 14 and 15).</summary>
    private static long CpuTicks(HostProcess host)
    {
        var stat = File.ReadAllText($"/proc/{host.ProcessId}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {await process.StandardError.ReadToEndAsync()}");
    }
}
