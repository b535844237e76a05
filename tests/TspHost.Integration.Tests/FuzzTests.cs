using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

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
        var negotiation = provider.Call<LineNegotiateTspiVersionRequest, TspiVersionReply>(new() { DeviceId = 0xFFFFFFFF, LowVersion = 0x00010004, HighVersion = 0x00030001 });
        Assert.Equal(0, negotiation.Result);
        Assert.Equal(0x00030001u, negotiation.Version);
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
            Assert.True(provider.Call<LineDropRequest, ResultReply>(new() { RequestId = (uint)i + 1000, HdCall = stale }).Result < 0);
            Assert.True(provider.Call<LineGetCallStatusRequest, LineGetCallStatusReply>(new() { HdCall = stale }).Result < 0);
            Assert.True(provider.Call<PhoneGetRingRequest, PhoneGetRingReply>(new() { HdPhone = stale }).Result < 0);
            provider.SendRaw(MessageCodec.Encode(new LineNewCallReply { HtCall = stale }, FrameType.LineNewCall, FrameFlags.Reply, (uint)random.Next()));
        }

        Assert.Equal(0, provider.Call<LineCloseRequest, ResultReply>(new() { HdLine = hdLine }).Result);
        Assert.False(host.HasExited);
    }

    private static byte[][] Seeds() =>
    [
        MessageCodec.Encode(new LineMakeCallRequest { RequestId = 5, HdLine = 1, HtCall = 2, DestAddress = "5550100", CountryCode = 0 }, 9),
        MessageCodec.Encode(new LineGetDevCapsRequest { DeviceId = 0, TspiVersion = 0x00020000, ExtVersion = 0 }, 10),
        MessageCodec.Encode(new ProviderConfigRequest { PermanentProviderId = 1, Plugin = "Simulated", Changes = "Lines=9999" }, 11),
        MessageCodec.Encode(new LineNewCallReply { HtCall = 3 }, FrameType.LineNewCall, FrameFlags.Reply, 12),
        MessageCodec.Encode(new AsyncCompletionPush { RequestId = 1, Result = 0 }, 13),
        MessageCodec.Encode(new PhoneSetLampRequest { RequestId = 6, HdPhone = 4, LampId = 1, LampMode = 4 }, 14),
        MessageCodec.Encode(new LineCloseCallRequest { HdCall = 77 }, 15),
        Handshake.Hello(16, 1, ClientRole.Provider),
        MessageCodec.Encode(new MonitorSnapshotRequest(), 17),
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
