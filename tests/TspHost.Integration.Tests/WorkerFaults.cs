using TspHost.Core.Tapi;
using TspHost.Plugins.Tests;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Integration.Tests;

/// <summary>
/// A real <c>tsphost run</c> with the Simulated exchange and the Hostile fixture plugin, each in its
/// worker process, misbehaving as <c>Fault</c> says (R15). The host's timeouts are short so that
/// faults show quickly; nothing waits longer than a timeout.
/// </summary>
internal sealed class WorkerFaults : IAsyncDisposable
{
    public const nint HtHostileLine = 0x100;
    public const nint HtSimulatedLine = 0x200;
    public const nint HtHostilePhone = 0x300;
    public const int OperationFailed = unchecked((int)0x80000048);
    public const int PhoneOperationFailed = unchecked((int)0x9000001C);
    private readonly PluginFolders _folders;
    private int _nextRequest = 1000;
    private long _nextHtCall = 0x9000;

    private WorkerFaults(PluginFolders folders, HostProcess host, ProviderClient provider, string marker)
    {
        _folders = folders;
        Host = host;
        Provider = provider;
        Marker = marker;
    }

    public HostProcess Host { get; }

    public ProviderClient Provider { get; }

    /// <summary>The file the plugin creates as it misbehaves; while it exists the plugin behaves (the fault stops after a restart).</summary>
    public string Marker { get; }

    public uint Lines { get; private set; }

    public uint Phones { get; private set; }

    /// <summary>Starts the host with Simulated and Hostile (<paramref name="fault"/>, once when <paramref name="once"/>) and a session.</summary>
    public static async Task<WorkerFaults> StartAsync(string fault, bool once = true, IReadOnlyDictionary<string, string>? more = null)
    {
        var (folders, host, marker) = await StartHostAsync(fault, once, more);
        var provider = new ProviderClient(host.Connect(ClientRole.Provider));
        var faults = new WorkerFaults(folders, host, provider, marker);
        (faults.Lines, faults.Phones) = DaemonTests.StartSession(provider);
        return faults;
    }

    /// <summary>
    /// A <c>tsphost run</c> whose plugins directory holds Simulated and the Hostile fixture misbehaving as
    /// <paramref name="fault"/> says (once, with a marker file, when <paramref name="once"/>), with short
    /// timeouts; <paramref name="more"/> adds environment variables. The caller disposes the host, then the folders.
    /// </summary>
    public static async Task<(PluginFolders Folders, HostProcess Host, string Marker)> StartHostAsync(string fault, bool once = true,
        IReadOnlyDictionary<string, string>? more = null)
    {
        var folders = new PluginFolders();
        folders.Add("Simulated", from: PluginFolders.BuiltPluginsDirectory);
        folders.Add("Hostile");
        var marker = Path.Combine(folders.Directory, $".marker-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string>
        {
            ["TSPHOST_Plugins__Hostile__Fault"] = fault,
            ["TSPHOST_Workers__RestartDelayMilliseconds"] = "50",
            ["TSPHOST_Workers__HeartbeatIntervalMilliseconds"] = "200",
            ["TSPHOST_Workers__HeartbeatTimeoutMilliseconds"] = "2000",
            ["TSPHOST_Engine__OperationTimeoutMilliseconds"] = "4000",
            ["TSPHOST_Engine__HookTimeoutMilliseconds"] = "3000",
        };
        if (once)
        {
            environment["TSPHOST_Plugins__Hostile__MarkerFile"] = marker;
        }

        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        try
        {
            return (folders, await HostProcess.StartAsync(new Dictionary<string, string> { ["RingInterval"] = "100" }, folders.Directory, environment), marker);
        }
        catch
        {
            folders.Dispose();
            throw;
        }
    }

    /// <summary>The device ID of the first line whose name starts with <paramref name="name"/>, and its permanent ID; null when none.</summary>
    public (uint DeviceId, uint PermanentId)? FindLine(string name)
    {
        for (var id = 0u; id < Lines; id++)
        {
            var caps = Provider.Call<LineGetDevCapsRequest, LineGetDevCapsReply>(new() { DeviceId = id, TspiVersion = DaemonTests.V3_1, ExtVersion = 0 });
            if (caps.Result == 0 && caps.LineName?.StartsWith(name, StringComparison.Ordinal) == true)
            {
                return (id, caps.PermanentLineId);
            }
        }

        return null;
    }

    public (uint DeviceId, uint PermanentId) Line(string name) =>
        FindLine(name) ?? throw new InvalidOperationException($"no line named '{name}...' in the session:\n{Host.Output}");

    public nint OpenLine(uint deviceId, nint htLine)
    {
        var reply = Provider.Call<LineOpenRequest, LineOpenReply>(new() { DeviceId = deviceId, HtLine = htLine, TspiVersion = DaemonTests.V3_1 });
        return reply.Result == 0 ? reply.HdLine : throw new InvalidOperationException($"lineOpen({deviceId}) returned 0x{reply.Result:X8}:\n{Host.Output}");
    }

    public int TryOpenLine(uint deviceId, nint htLine) =>
        Provider.Call<LineOpenRequest, LineOpenReply>(new() { DeviceId = deviceId, HtLine = htLine, TspiVersion = DaemonTests.V3_1 }).Result;

    public nint OpenPhone(uint deviceId, nint htPhone)
    {
        var reply = Provider.Call<PhoneOpenRequest, PhoneOpenReply>(new() { DeviceId = deviceId, HtPhone = htPhone, TspiVersion = DaemonTests.V3_1 });
        return reply.Result == 0 ? reply.HdPhone : throw new InvalidOperationException($"phoneOpen({deviceId}) returned 0x{reply.Result:X8}:\n{Host.Output}");
    }

    /// <summary>lineMakeCall; returns the request ID (it must be accepted) and hdCall.</summary>
    public (int Request, nint HdCall) MakeCall(nint hdLine, string number = "5550100")
    {
        var request = Interlocked.Increment(ref _nextRequest);
        var reply = DaemonTests.MakeCall(Provider, (uint)request, hdLine, (nint)Interlocked.Increment(ref _nextHtCall), number);
        return reply.Result == request ? (request, reply.HdCall) : throw new InvalidOperationException($"lineMakeCall returned 0x{reply.Result:X8}");
    }

    public int PhoneSetRing(nint hdPhone)
    {
        var request = Interlocked.Increment(ref _nextRequest);
        var result = Provider.Call<PhoneSetRingRequest, ResultReply>(new() { RequestId = (uint)request, HdPhone = hdPhone, RingMode = 1, Volume = 100 }).Result;
        return result == request ? request : throw new InvalidOperationException($"phoneSetRing returned 0x{result:X8}");
    }

    /// <summary>lineCloseCall; its result.</summary>
    public int CloseCall(nint hdCall) => Provider.Call<LineCloseCallRequest, ResultReply>(new() { HdCall = hdCall }).Result;

    /// <summary>A call placed, completed, and dropped on a Simulated line: what must keep working while the other plugin misbehaves.</summary>
    public async Task CallAndDropOnSimulatedAsync(nint hdLine)
    {
        var (make, hdCall) = MakeCall(hdLine);
        Assert.Equal(0, await Provider.CompletionAsync(make));
        var drop = Interlocked.Increment(ref _nextRequest);
        var dropped = Provider.Call<LineDropRequest, ResultReply>(new() { RequestId = (uint)drop, HdCall = hdCall }).Result;
        Assert.True(dropped == drop, $"lineDrop on the Simulated line returned 0x{dropped:X8}:\n{Host.Output}");
        Assert.Equal(0, await Provider.CompletionAsync(drop));
        Assert.Equal(0, CloseCall(hdCall));
    }

    /// <summary>Waits for LINE_LINEDEVSTATE(<paramref name="state"/>) on the line TAPI knows as <paramref name="htLine"/>.</summary>
    public Task<Frame> LineDevStateAsync(nint htLine, uint state) => Provider.WaitForPushAsync(f =>
        f.Type == FrameType.LineEvent && f.Read<LineEventPush>() is var e && e.HtLine == htLine && e.HtCall == 0 && e.Message == (uint)LineMessage.LineDevState && e.Param1 == state,
        $"LINE_LINEDEVSTATE 0x{state:X} on line 0x{htLine:X}");

    /// <summary>Waits for PHONE_STATE(<paramref name="state"/>) on the phone TAPI knows as <paramref name="htPhone"/>.</summary>
    public Task<Frame> PhoneStateAsync(nint htPhone, uint state) => Provider.WaitForPushAsync(f =>
        f.Type == FrameType.PhoneEvent && f.Read<PhoneEventPush>() is var e && e.HtPhone == htPhone && e.Message == (uint)PhoneMessage.State && e.Param1 == state,
        $"PHONE_STATE 0x{state:X} on phone 0x{htPhone:X}");

    /// <summary>The call states pushed for TAPI's call handle <paramref name="htCall"/>, in order.</summary>
    public IReadOnlyList<uint> CallStates(nint htCall) => [.. Provider.Pushes.Where(f => f.Type == FrameType.LineEvent).Select(f => f.Read<LineEventPush>())
        .Where(e => e.HtCall == htCall && e.Message == (uint)LineMessage.CallState).Select(e => (uint)e.Param1)];

    public Task<string> StatusAsync() => Tsphost.RunAsync("status", "--socket", Host.SocketPath);

    /// <summary>The status line of the Hostile plugin's worker.</summary>
    public async Task<string> HostileWorkerAsync() =>
        (await StatusAsync()).Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Hostile:", StringComparison.Ordinal)) ?? "(no Hostile worker in status)";

    public async ValueTask DisposeAsync()
    {
        Provider.Dispose();
        await Host.DisposeAsync();
        _folders.Dispose();
    }
}
