using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using MessagePack;
using StreamJsonRpc;

/// <summary>The one call measured: the shape of a worker's MakeCall.</summary>
public interface IService
{
    Task<string> MakeCallAsync(int line, string destination, long callId, CancellationToken ct);
}

public sealed class Service : IService
{
    public Task<string> MakeCallAsync(int line, string destination, long callId, CancellationToken ct) => Task.FromResult("call-" + callId);
}

// tspHost-channelbench [calls]: one client process calls a server process it started, over a Unix
// socket, with each channel in turn (twice, interleaved); prints p50/p90/p99 latency and the bytes the
// client allocates per call.
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["server", var serverMode, var path])
        {
            await ServeAsync(serverMode, path);
            return 0;
        }

        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20000;
        Console.WriteLine("| channel | p50 µs | p90 µs | p99 µs | bytes allocated per call (client) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var mode in new[] { "sjrpc-msgpack", "sjrpc-json", "plain-msgpack", "sjrpc-msgpack", "plain-msgpack" })
        {
            await RunAsync(mode, calls);
        }

        return 0;
    }

    static async Task RunAsync(string mode, int n)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rpc-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var p = Process.Start(new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "server", mode, path]))!;
        using var s = await listener.AcceptAsync();
        var stream = new NetworkStream(s, true);
        var lat = new double[n];
        long alloc0, alloc1;
        if (mode.StartsWith("sjrpc"))
        {
            IJsonRpcMessageHandler handler = mode == "sjrpc-json"
                ? new HeaderDelimitedMessageHandler(stream, stream, new JsonMessageFormatter())
                : new LengthHeaderMessageHandler(stream, stream, new MessagePackFormatter());
            var rpc = new JsonRpc(handler);
            var proxy = rpc.Attach<IService>();
            rpc.StartListening();
            await proxy.MakeCallAsync(1, "x", 0, default);
            for (int i = 0; i < 2000; i++) await proxy.MakeCallAsync(1, "5550100", i, default);
            alloc0 = GC.GetTotalAllocatedBytes(true);
            for (int i = 0; i < n; i++) { var t = Stopwatch.GetTimestamp(); await proxy.MakeCallAsync(1, "5550100", i, default); lat[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds; }
            alloc1 = GC.GetTotalAllocatedBytes(true);
            rpc.Dispose();
        }
        else
        {
            var client = new PlainClient(stream);
            await client.CallAsync(1, "x", 0);
            for (int i = 0; i < 2000; i++) await client.CallAsync(1, "5550100", i);
            alloc0 = GC.GetTotalAllocatedBytes(true);
            for (int i = 0; i < n; i++) { var t = Stopwatch.GetTimestamp(); await client.CallAsync(1, "5550100", i); lat[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds; }
            alloc1 = GC.GetTotalAllocatedBytes(true);
            s.Shutdown(SocketShutdown.Both);
        }
        Array.Sort(lat);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mode} | {lat[n / 2]:F1} | {lat[n * 9 / 10]:F1} | {lat[n * 99 / 100]:F1} | {(alloc1 - alloc0) / n} |"));
        p.WaitForExit(5000); if (!p.HasExited) p.Kill();
        File.Delete(path);
    }

    static async Task ServeAsync(string mode, string path)
    {
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Connect(new UnixDomainSocketEndPoint(path));
        var stream = new NetworkStream(s, true);
        if (mode.StartsWith("sjrpc"))
        {
            IJsonRpcMessageHandler handler = mode == "sjrpc-json"
                ? new HeaderDelimitedMessageHandler(stream, stream, new JsonMessageFormatter())
                : new LengthHeaderMessageHandler(stream, stream, new MessagePackFormatter());
            var rpc = new JsonRpc(handler, new Service());
            rpc.StartListening();
            await rpc.Completion.ContinueWith(_ => { });
        }
        else
        {
            await PlainServer.RunAsync(stream);
        }
    }
}

[MessagePackObject]
public sealed record Req([property: Key(0)] uint Id, [property: Key(1)] int Line, [property: Key(2)] string Dest, [property: Key(3)] long CallId);
[MessagePackObject]
public sealed record Rep([property: Key(0)] uint Id, [property: Key(1)] string Result);

sealed class PlainClient(Stream stream)
{
    uint _next;
    readonly Dictionary<uint, TaskCompletionSource<string>> _pending = new();
    Task? _reader;
    readonly SemaphoreSlim _write = new(1, 1);
    public async Task<string> CallAsync(int line, string dest, long callId)
    {
        _reader ??= Task.Run(ReadAsync);
        var id = ++_next;
        var tcs = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending) _pending[id] = tcs;
        var body = MessagePackSerializer.Serialize(new Req(id, line, dest, callId));
        var frame = new byte[body.Length + 4];
        BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        await _write.WaitAsync();
        try { await stream.WriteAsync(frame); } finally { _write.Release(); }
        return await tcs.Task;
    }
    async Task ReadAsync()
    {
        var header = new byte[4];
        while (true)
        {
            await stream.ReadExactlyAsync(header);
            var body = new byte[BinaryPrimitives.ReadInt32LittleEndian(header)];
            await stream.ReadExactlyAsync(body);
            var rep = MessagePackSerializer.Deserialize<Rep>(body);
            TaskCompletionSource<string> tcs;
            lock (_pending) { tcs = _pending[rep.Id]; _pending.Remove(rep.Id); }
            tcs.SetResult(rep.Result);
        }
    }
}

static class PlainServer
{
    public static async Task RunAsync(Stream stream)
    {
        var service = new Service();
        var header = new byte[4];
        var write = new SemaphoreSlim(1, 1);
        try
        {
            while (true)
            {
                await stream.ReadExactlyAsync(header);
                var body = new byte[BinaryPrimitives.ReadInt32LittleEndian(header)];
                await stream.ReadExactlyAsync(body);
                var req = MessagePackSerializer.Deserialize<Req>(body);
                _ = Task.Run(async () =>
                {
                    var r = await service.MakeCallAsync(req.Line, req.Dest, req.CallId, default);
                    var b = MessagePackSerializer.Serialize(new Rep(req.Id, r));
                    var f = new byte[b.Length + 4];
                    BinaryPrimitives.WriteInt32LittleEndian(f, b.Length);
                    b.CopyTo(f, 4);
                    await write.WaitAsync();
                    try { await stream.WriteAsync(f); } finally { write.Release(); }
                });
            }
        }
        catch (EndOfStreamException) { }
        catch (IOException) { }
    }
}
