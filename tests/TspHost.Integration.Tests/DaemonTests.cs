using System.Buffers.Binary;
using System.Net.Sockets;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

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

        var e = Assert.Throws<ProtocolException>(() => socket.Call(MessageCodec.Encode(new LineCloseRequest { HdLine = 1 }, 5)));

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

        var e = Assert.Throws<ProtocolException>(() => monitor.Call(MessageCodec.Encode(new ProviderInstallRequest { PermanentProviderId = 1 }, 2)));
        Assert.Equal(ProtocolErrorCode.NotAllowed, e.Error.Code);

        using (var provider = new ProviderClient(host.Connect(ClientRole.Provider)))
        {
            Assert.Equal(0, provider.Call<ProviderInstallRequest, ProviderOperationReply>(new() { PermanentProviderId = 1 }).Result);
        }

        var snapshot = monitor.Request<MonitorSnapshotRequest, MonitorSnapshotReply>(new MonitorSnapshotRequest(), 3);
        Assert.Equal((uint)Core.Lifecycle.ProviderStatus.Installed, snapshot.Status);
    }

    [Fact]
    [Trait("Rule", "R6")]
    public async Task R6_Sigterm_WithRequestsInFlight_CompletesThemWithAFailureBeforeClosing_ThenExitsCleanly()
    {
        // The Simulated exchange holds every request for 10 s (ResponseDelay): both are still pending when SIGTERM comes.
        await using var host = await HostProcess.StartAsync(new Dictionary<string, string> { ["ResponseDelay"] = "10000" });
        using var provider = new ProviderClient(host.Connect(ClientRole.Provider));
        var hdLine = StartSessionAndOpenLine(provider);
        Assert.Equal(77, MakeCall(provider, 77, hdLine, 0x501, "5550100").Result);
        Assert.Equal(78, MakeCall(provider, 78, hdLine, 0x502, "5550101").Result);

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

        var make = MakeCall(provider, 91, hdLine, 0x601, "5550100");
        Assert.Equal(91, make.Result);
        var hdCall = make.HdCall;
        Assert.Equal(0, await provider.CompletionAsync(91));
        var status = await Tsphost.RunAsync("status", "--socket", host.SocketPath);
        var watched = await Tsphost.FinishAsync(watch);

        Assert.Contains("provider: InSession", status, StringComparison.Ordinal);
        Assert.Contains("line 0 'Simulated line 1 (201)'", status, StringComparison.Ordinal);
        Assert.Contains($"call 0x{hdCall:X} (TAPI 0x601) on line 0", status, StringComparison.Ordinal);
        Assert.Contains("ASYNC_COMPLETION request 91 result 0x00000000", watched, StringComparison.Ordinal);
        // The provider's session went on undisturbed: the call is still there and answers.
        Assert.Equal(0, provider.Call<LineGetCallStatusRequest, LineGetCallStatusReply>(new() { HdCall = hdCall }).Result);
    }

    /// <summary>providerInstall, providerEnumDevices (with <paramref name="hProvider"/>) and providerInit with device ID bases 0; returns the device counts.</summary>
    internal static (uint Lines, uint Phones) StartSession(ProviderClient provider, nint hProvider = 0)
    {
        Assert.Equal(0, provider.Call<ProviderInstallRequest, ProviderOperationReply>(new() { PermanentProviderId = 1 }).Result);
        var enumerated = provider.Call<ProviderEnumDevicesRequest, ProviderEnumDevicesReply>(new() { PermanentProviderId = 1, HProvider = hProvider });
        Assert.Equal(0, enumerated.Result);
        var init = provider.Call<ProviderInitRequest, ProviderInitReply>(new()
        {
            TspiVersion = V3_1,
            PermanentProviderId = 1,
            LineDeviceIdBase = 0,
            PhoneDeviceIdBase = 0,
            NumLines = enumerated.NumLines,
            NumPhones = enumerated.NumPhones,
        });
        Assert.Equal(0, init.Result);
        return (enumerated.NumLines, enumerated.NumPhones);
    }

    internal static nint StartSessionAndOpenLine(ProviderClient provider)
    {
        StartSession(provider);
        var negotiated = provider.Call<LineNegotiateTspiVersionRequest, TspiVersionReply>(new() { DeviceId = 0, LowVersion = V2_0, HighVersion = V3_1 });
        Assert.Equal(0, negotiated.Result);
        var open = provider.Call<LineOpenRequest, LineOpenReply>(new() { DeviceId = 0, HtLine = 0x400, TspiVersion = negotiated.Version });
        Assert.Equal(0, open.Result);
        return open.HdLine;
    }

    /// <summary>lineMakeCall on <paramref name="hdLine"/> to <paramref name="destination"/>: the reply (the request ID when accepted, and hdCall).</summary>
    internal static LineMakeCallReply MakeCall(ProviderClient provider, uint requestId, nint hdLine, nint htCall, string destination) =>
        provider.Call<LineMakeCallRequest, LineMakeCallReply>(new() { RequestId = requestId, HdLine = hdLine, HtCall = htCall, DestAddress = destination, CountryCode = 0 });
}
