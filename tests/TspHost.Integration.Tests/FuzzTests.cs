using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using TspHost.Protocol;

namespace TspHost.Integration.Tests;

/// <summary>
/// Thousands of random and mutated frames against a running host over its loopback Unix socket,
/// bounded in count and time: the host stays up and serves the next well-formed client correctly.
/// </summary>
public sealed class FuzzTests
{
    private const int Frames = 6000;
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task Host_SurvivesThousandsOfMalformedFrames_AndServesTheNextGoodClient()
    {
        await using var host = await HostProcess.StartAsync();
        var random = new Random(20261121);
        var seeds = Seeds();
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var errors = 0;
        while (sent < Frames && clock.Elapsed < s_budget)
        {
            // One connection takes a burst; a provider handshake first on most, so deeper code is reached too.
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 2000 };
            socket.Connect(new UnixDomainSocketEndPoint(host.SocketPath));
            var burst = new MemoryStream();
            if (random.Next(4) != 0)
            {
                burst.Write(Handshake.Hello(1, 1, random.Next(3) == 0 ? ClientRole.Monitor : ClientRole.Provider));
            }

            for (var i = random.Next(20, 200); i > 0 && sent < Frames; i--, sent++)
            {
                burst.Write(Mutate(seeds[random.Next(seeds.Length)], random));
            }

            try
            {
                socket.Send(burst.ToArray());
                socket.Shutdown(SocketShutdown.Send);
                errors += CountErrorReplies(socket);
            }
            catch (SocketException)
            {
                // the host may close a connection after a fatal frame while we still write: that is its right
            }
        }

        Assert.True(sent >= 1000, $"only {sent} frames were sent within {s_budget}");
        Assert.True(errors > 0, "no malformed frame was answered with an error");
        Assert.False(host.HasExited, $"the host died:\n{host.Output}");

        // The next well-formed client is served correctly.
        using var provider = new ProviderClient(host.Connect(ClientRole.Provider));
        var negotiation = provider.Call(FrameType.LineNegotiateTspiVersion, w => w.U32(0xFFFFFFFF).U32(0x00010004).U32(0x00030001)).Reader();
        Assert.Equal(0, negotiation.I32());
        Assert.Equal(0x00030001u, negotiation.U32());
    }

    [Fact]
    public async Task StaleHandles_AndOutOfOrderReplies_AreRefusedCleanly()
    {
        await using var host = await HostProcess.StartAsync();
        using var provider = new ProviderClient(host.Connect(ClientRole.Provider));
        var hdLine = DaemonTests.StartSessionAndOpenLine(provider);
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var stale = (nint)random.NextInt64(1, long.MaxValue);
            Assert.True(provider.Call(FrameType.LineDrop, w => w.U32((uint)i + 1000).Handle(stale)).Reader().I32() < 0);
            Assert.True(provider.Call(FrameType.LineGetCallStatus, w => w.Handle(stale)).Reader().I32() < 0);
            Assert.True(provider.Call(FrameType.PhoneGetRing, w => w.Handle(stale)).Reader().I32() < 0);
            provider.SendRaw(new FrameWriter(FrameType.LineNewCall, FrameFlags.Reply, (uint)random.Next()).Handle(stale).ToArray());
        }

        Assert.Equal(0, provider.Call(FrameType.LineClose, w => w.Handle(hdLine)).Reader().I32());
        Assert.False(host.HasExited);
    }

    private static byte[][] Seeds() =>
    [
        new FrameWriter(FrameType.LineMakeCall, FrameFlags.None, 9).U32(5).Handle(1).Handle(2).String("5550100").U32(0).ToArray(),
        new FrameWriter(FrameType.LineGetDevCaps, FrameFlags.None, 10).U32(0).U32(0x00020000).U32(0).ToArray(),
        new FrameWriter(FrameType.ProviderConfig, FrameFlags.None, 11).U32(1).String("Simulated").String("Lines=9999").ToArray(),
        new FrameWriter(FrameType.LineNewCall, FrameFlags.Reply, 12).Handle(3).ToArray(),
        new FrameWriter(FrameType.AsyncCompletion, FrameFlags.Push, 13).U32(1).I32(0).ToArray(),
        new FrameWriter(FrameType.PhoneSetLamp, FrameFlags.None, 14).U32(6).Handle(4).U32(1).U32(4).ToArray(),
        new FrameWriter(FrameType.LineCloseCall, FrameFlags.None, 15).Handle(77).ToArray(),
        Handshake.Hello(16, 1, ClientRole.Provider),
        new FrameWriter(FrameType.MonitorSnapshot, FrameFlags.None, 17).ToArray(),
    ];

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = (byte[])seed.Clone();
        switch (random.Next(8))
        {
            case 0: // flip bytes anywhere but the length, so framing survives
                for (var n = random.Next(1, 5); n > 0; n--)
                {
                    bytes[random.Next(4, bytes.Length)] = (byte)random.Next(256);
                }

                return bytes;
            case 1: // a wrong type
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), (ushort)random.Next(ushort.MaxValue));
                return bytes;
            case 2: // a short payload the header owns up to
                var cut = bytes.AsSpan(0, random.Next(FrameHeader.Size, bytes.Length)).ToArray();
                BinaryPrimitives.WriteUInt32LittleEndian(cut, (uint)cut.Length);
                return cut;
            case 3: // a string count that runs past the end
                if (bytes.Length > FrameHeader.Size + 8)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 8), (uint)random.Next());
                }

                return bytes;
            case 4: // an oversized or undersized length: fatal for that connection
                BinaryPrimitives.WriteUInt32LittleEndian(bytes, random.Next(2) == 0 ? (uint)random.Next(FrameHeader.MaxFrameSize + 1, int.MaxValue) : (uint)random.Next(FrameHeader.Size));
                return bytes;
            case 5: // random flags
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)random.Next(16));
                return bytes;
            case 6: // pure noise with a plausible length
                var noise = new byte[random.Next(FrameHeader.Size, 300)];
                random.NextBytes(noise);
                BinaryPrimitives.WriteUInt32LittleEndian(noise, (uint)noise.Length);
                return noise;
            default: // well-formed, valid or not for this state (stale handles, replies nobody asked for)
                return bytes;
        }
    }

    private static int CountErrorReplies(Socket socket)
    {
        using var frames = new FrameSocket(socket);
        var errors = 0;
        try
        {
            while (frames.Receive() is { } frame)
            {
                errors += frame.IsError ? 1 : 0;
            }
        }
        catch (Exception e) when (e is SocketException or ProtocolException)
        {
            // closed by the host or timed out: enough read
        }

        return errors;
    }
}
