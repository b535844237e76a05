using System.Buffers.Binary;
using System.Net.Sockets;
using TspHost.Ipc;
using TspHost.Protocol;

namespace TspHost.Integration.Tests;

public sealed class DaemonTests
{
    private const uint V2_0 = 0x00020000;
    internal const uint V3_1 = 0x00030001;
    private const int LineErrOperationFailed = unchecked((int)0x80000048);

    [Fact]
    public async Task Socket_IsOwnerOnly_InAnOwnerOnlyDirectory()
    {
        await using var host = await HostProcess.StartAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(host.SocketPath));
    }

    [Fact]
    public void PeerCredentials_FromAnotherUid_AreRefused_FromTheSameUid_Accepted()
    {
        // A test cannot switch uid without privileges it may not have, so the check is fed struct ucred bytes as SO_PEERCRED returns them.
        var ucred = new byte[PeerCredentials.Size];
        BinaryPrimitives.WriteInt32LittleEndian(ucred, 4242);
        BinaryPrimitives.WriteUInt32LittleEndian(ucred.AsSpan(4), 1001);
        BinaryPrimitives.WriteUInt32LittleEndian(ucred.AsSpan(8), 1001);
        var peer = PeerCredentials.Parse(ucred);

        Assert.Equal(new PeerCredentials(4242, 1001, 1001), peer);
        Assert.Contains("uid 1001", PeerCredentials.Refusal(peer, 1000), StringComparison.Ordinal);
        Assert.Null(PeerCredentials.Refusal(peer, 1001));
        Assert.NotNull(PeerCredentials.Refusal(null, 1001));
        Assert.Throws<ArgumentException>(() => PeerCredentials.Parse(ucred.AsSpan(0, 8)));
    }

    [Fact]
    public void PeerCredentials_OfARealConnection_AreThisProcessAndUser()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tsphost-cred-{Guid.NewGuid():N}"[..22] + ".sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        try
        {
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            client.Connect(new UnixDomainSocketEndPoint(path));
            using var accepted = listener.Accept();

            var peer = PeerCredentials.Read(accepted);

            Assert.Equal(Environment.ProcessId, peer!.Value.ProcessId);
            Assert.Equal(SocketPath.CurrentUserId(), peer.Value.UserId);
            Assert.Null(PeerCredentials.Refusal(peer, SocketPath.CurrentUserId()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task FirstFrame_NotAHello_IsRefusedAsBadHandshake_AndTheConnectionCloses()
    {
        await using var host = await HostProcess.StartAsync();
        using var socket = FrameSocket.Connect(host.SocketPath, TimeSpan.FromSeconds(10));

        var e = Assert.Throws<ProtocolException>(() => socket.Call(new FrameWriter(FrameType.LineClose, FrameFlags.None, 5).Handle(1).ToArray()));

        Assert.Equal(ProtocolErrorCode.BadHandshake, e.Error.Code);
        Assert.Null(socket.Receive());
    }

    [Fact]
    public async Task SecondProvider_IsRefusedAsBusy_WhileTheFirstIsConnected_AndAcceptedAfter()
    {
        await using var host = await HostProcess.StartAsync();
        using (host.Connect(ClientRole.Provider))
        {
            using var second = FrameSocket.Connect(host.SocketPath, TimeSpan.FromSeconds(10));
            var e = Assert.Throws<ProtocolException>(() => second.Call(Handshake.Hello(1, 1, ClientRole.Provider)));
            Assert.Equal(ProtocolErrorCode.ProviderBusy, e.Error.Code);
        }

        await TspHost.Testing.Eventually.WaitAsync(() =>
        {
            try
            {
                using var third = host.Connect(ClientRole.Provider);
                return true;
            }
            catch (ProtocolException)
            {
                return false;
            }
        }, "the provider slot to be free again");
    }

    [Fact]
    public async Task Monitor_MayNotSendTspiRequests_AndSeesTheProviderState()
    {
        await using var host = await HostProcess.StartAsync();
        using var monitor = host.Connect(ClientRole.Monitor);

        var e = Assert.Throws<ProtocolException>(() => monitor.Call(new FrameWriter(FrameType.ProviderInstall, FrameFlags.None, 2).U32(1).ToArray()));
        Assert.Equal(ProtocolErrorCode.NotAllowed, e.Error.Code);

        using (var provider = new ProviderClient(host.Connect(ClientRole.Provider)))
        {
            Assert.Equal(0, provider.Call(FrameType.ProviderInstall, w => w.U32(1)).Reader().I32());
        }

        var snapshot = monitor.Call(new FrameWriter(FrameType.MonitorSnapshot, FrameFlags.None, 3).ToArray()).Reader();
        Assert.Equal((uint)Core.Lifecycle.ProviderStatus.Installed, snapshot.U32());
    }

    [Fact]
    [Trait("Rule", "R6")]
    public async Task R6_Sigterm_WithRequestsInFlight_CompletesThemWithAFailureBeforeClosing_ThenExitsCleanly()
    {
        // The Simulated exchange holds every request for 10 s (ResponseDelay): both are still pending when SIGTERM comes.
        await using var host = await HostProcess.StartAsync(new Dictionary<string, string> { ["ResponseDelay"] = "10000" });
        using var provider = new ProviderClient(host.Connect(ClientRole.Provider));
        var hdLine = StartSessionAndOpenLine(provider);
        Assert.Equal(77, provider.Call(FrameType.LineMakeCall, w => w.U32(77).Handle(hdLine).Handle(0x501).String("5550100").U32(0)).Reader().I32());
        Assert.Equal(78, provider.Call(FrameType.LineMakeCall, w => w.U32(78).Handle(hdLine).Handle(0x502).String("5550101").U32(0)).Reader().I32());

        await host.StopAsync();

        Assert.Equal(LineErrOperationFailed, await provider.CompletionAsync(77));
        Assert.Equal(LineErrOperationFailed, await provider.CompletionAsync(78));
        Assert.Equal(0, host.ExitCode);
        Assert.False(File.Exists(host.SocketPath));
        Assert.DoesNotContain("Exception", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("disconnected during a session", host.Output, StringComparison.Ordinal); // the session ended first, then the connection
    }

    [Fact]
    public async Task StatusAndWatch_AsMonitors_SeeDevicesCallsAndEvents_WithoutDisturbingTheProvider()
    {
        await using var host = await HostProcess.StartAsync(new Dictionary<string, string> { ["RingInterval"] = "100" });
        using var provider = new ProviderClient(host.Connect(ClientRole.Provider));
        var hdLine = StartSessionAndOpenLine(provider);
        var watch = Tsphost.Start("watch", "--socket", host.SocketPath, "--count", "3");
        Assert.StartsWith("watching", await watch.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var make = provider.Call(FrameType.LineMakeCall, w => w.U32(91).Handle(hdLine).Handle(0x601).String("5550100").U32(0)).Reader();
        Assert.Equal(91, make.I32());
        var hdCall = make.Handle();
        Assert.Equal(0, await provider.CompletionAsync(91));
        var status = await Tsphost.RunAsync("status", "--socket", host.SocketPath);
        var watched = await Tsphost.FinishAsync(watch);

        Assert.Contains("provider: InSession", status, StringComparison.Ordinal);
        Assert.Contains("line 0 'Simulated line 1 (201)'", status, StringComparison.Ordinal);
        Assert.Contains($"call 0x{hdCall:X} (TAPI 0x601) on line 0", status, StringComparison.Ordinal);
        Assert.Contains("ASYNC_COMPLETION request 91 result 0x00000000", watched, StringComparison.Ordinal);
        // The provider's session went on undisturbed: the call is still there and answers.
        Assert.Equal(0, provider.Call(FrameType.LineGetCallStatus, w => w.Handle(hdCall)).Reader().I32());
    }

    /// <summary>providerInstall, providerEnumDevices (with <paramref name="hProvider"/>) and providerInit with device ID bases 0; returns the device counts.</summary>
    internal static (uint Lines, uint Phones) StartSession(ProviderClient provider, nint hProvider = 0)
    {
        Assert.Equal(0, provider.Call(FrameType.ProviderInstall, w => w.U32(1)).Reader().I32());
        var enumerated = provider.Call(FrameType.ProviderEnumDevices, w => w.U32(1).Handle(hProvider)).Reader();
        Assert.Equal(0, enumerated.I32());
        var lines = enumerated.U32();
        var phones = enumerated.U32();
        Assert.Equal(0, provider.Call(FrameType.ProviderInit, w => w.U32(V3_1).U32(1).U32(0).U32(0).U32(lines).U32(phones)).Reader().I32());
        return (lines, phones);
    }

    internal static nint StartSessionAndOpenLine(ProviderClient provider)
    {
        StartSession(provider);
        var negotiated = provider.Call(FrameType.LineNegotiateTspiVersion, w => w.U32(0).U32(V2_0).U32(V3_1)).Reader();
        Assert.Equal(0, negotiated.I32());
        var version = negotiated.U32();
        var open = provider.Call(FrameType.LineOpen, w => w.U32(0).Handle(0x400).U32(version)).Reader();
        Assert.Equal(0, open.I32());
        return open.Handle();
    }
}
