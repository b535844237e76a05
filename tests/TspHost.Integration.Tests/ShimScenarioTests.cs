namespace TspHost.Integration.Tests;

/// <summary>
/// The chain TAPI would use: tapisim (C) loads the Native AOT shim with dlopen and calls its TSPI
/// exports; the shim talks to a real <c>tsphost run</c> process serving the Simulated exchange.
/// </summary>
public sealed class ShimScenarioTests
{
    private static readonly Dictionary<string, string> s_fastExchange = new() { ["RingInterval"] = "100" };

    [Fact]
    [Trait("Rule", "R11")]
    [Trait("Rule", "R13")]
    [Trait("Rule", "R14")]
    public async Task R13_R14_Lifecycle_ConfigureAndRemoveDuringASession_AreDeferred_AndClientsReinitialise()
    {
        await using var host = await HostProcess.StartAsync(s_fastExchange);

        var output = await TapiSim.RunAsync("lifecycle", host.SocketPath);

        Assert.Contains("providerInit before providerInstall refused", output, StringComparison.Ordinal);
        Assert.Contains("LINEDEVSTATE_REINIT after providerConfig (R14)", output, StringComparison.Ordinal);
        Assert.Contains("the second session has 3 lines (R13, R14)", output, StringComparison.Ordinal);
        Assert.Contains("providerInit after the deferred providerRemove is refused", output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "R10")]
    public async Task R10_IncomingCall_LineNewCallComesFirst_AndLaterEventsCarryTapisHandle()
    {
        await using var host = await HostProcess.StartAsync(new Dictionary<string, string>(s_fastExchange) { ["IncomingCalls"] = "1500:line-1:5551234:Alice" });

        var output = await TapiSim.RunAsync("incoming", host.SocketPath);

        Assert.Contains("LINE_NEWCALL came first, then LINE_CALLSTATE OFFERING with TAPI's htCall (R10)", output, StringComparison.Ordinal);
        Assert.Contains("caller 5551234", output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "R10")]
    public async Task R10_LineNewCallRefusedByTapi_TheCallIsDropped_AndNothingMoreIsSentForIt()
    {
        await using var host = await HostProcess.StartAsync(new Dictionary<string, string>(s_fastExchange) { ["IncomingCalls"] = "1500:line-1:5551234:Alice" });

        var output = await TapiSim.RunAsync("refused", host.SocketPath);

        Assert.Contains("nothing more was sent for the refused call (R10)", output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "R9")]
    public async Task R9_TransferAndConference_ThroughTheShim_AndClosingTheLineEndsItsCalls()
    {
        await using var host = await HostProcess.StartAsync(s_fastExchange);

        var output = await TapiSim.RunAsync("transfer", host.SocketPath);

        Assert.Contains("IDLE (transferred)", output, StringComparison.Ordinal);
        Assert.Contains("CONFERENCED (initial call)", output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "R6")]
    [Trait("Rule", "R9")]
    public async Task R6_CloseWithRequestsInFlight_CompletesEveryRequestOnceBeforeItReturns()
    {
        await using var host = await HostProcess.StartAsync(s_fastExchange);

        var output = await TapiSim.RunAsync("pending", host.SocketPath);

        Assert.Contains("every request completed exactly once before lineClose returned (R6)", output, StringComparison.Ordinal);
        Assert.Contains("no message for the line or its calls after lineClose (R9)", output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "R6")]
    public async Task HostKilledMidCall_ShimFailsFast_ReportsOutOfService_AndReinitialisesWhenTheHostIsBack()
    {
        await using var host = await HostProcess.StartAsync(s_fastExchange);

        var output = await TapiSim.RunAsync("hostkill", host.SocketPath, async ready =>
        {
            if (ready.Contains("kill", StringComparison.Ordinal))
            {
                await host.KillAsync();
            }
            else
            {
                await host.RestartAsync();
            }
        });

        Assert.Contains("synchronous calls without a host failed fast", output, StringComparison.Ordinal);
        Assert.Contains("the shim reconnected and asked TAPI to re-initialise", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherUser_CannotConnect_ItsShimSeesNoHost_AndTheHostServesItsOwnUser()
    {
        if (TspHost.Protocol.SocketPath.CurrentUserId() != 0 || !File.Exists("/usr/bin/setpriv"))
        {
            Assert.Skip("Running a client as another uid needs root and setpriv; the uid check itself is covered by PeerCredentials_FromAnotherUid_AreRefused_FromTheSameUid_Accepted.");
        }

        await using var host = await HostProcess.StartAsync(s_fastExchange);

        // uid 65534 (nobody) runs the real shim against the real socket: the owner-only socket refuses it.
        var output = await TapiSim.RunAsync("nohost", host.SocketPath, asUser: 65534);

        Assert.Contains("lineNegotiateTSPIVersion without a host -> 0x80000043", output, StringComparison.Ordinal);
        Assert.DoesNotContain("connected as", host.Output, StringComparison.Ordinal);
        using var own = host.Connect(TspHost.Protocol.ClientRole.Monitor);
    }

    [Fact]
    public async Task NoHost_EveryCallFailsFast_WithNoDriver()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"tsphost-none-{Guid.NewGuid():N}.sock");

        var output = await TapiSim.RunAsync("nohost", socket);

        Assert.Contains("without a host every call failed fast", output, StringComparison.Ordinal);
    }
}
