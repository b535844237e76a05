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
        await RunScenarioAsync("lifecycle", s_fastExchange,
            "providerInit before providerInstall refused",
            "LINEDEVSTATE_REINIT after providerConfig (R14)",
            "the second session has 3 lines (R13, R14)",
            "providerInit after the deferred providerRemove is refused");
    }

    [Fact]
    [Trait("Rule", "R10")]
    public async Task R10_IncomingCall_LineNewCallComesFirst_AndLaterEventsCarryTapisHandle()
    {
        await RunScenarioAsync("incoming", new Dictionary<string, string>(s_fastExchange) { ["IncomingCalls"] = "1500:line-1:5551234:Alice" },
            "LINE_NEWCALL came first, then LINE_CALLSTATE OFFERING with TAPI's htCall (R10)",
            "caller 5551234");
    }

    [Fact]
    [Trait("Rule", "R10")]
    public async Task R10_LineNewCallRefusedByTapi_TheCallIsDropped_AndNothingMoreIsSentForIt()
    {
        await RunScenarioAsync("refused", new Dictionary<string, string>(s_fastExchange) { ["IncomingCalls"] = "1500:line-1:5551234:Alice" },
            "nothing more was sent for the refused call (R10)");
    }

    [Fact]
    [Trait("Rule", "R9")]
    public async Task R9_TransferAndConference_ThroughTheShim_AndClosingTheLineEndsItsCalls()
    {
        await RunScenarioAsync("transfer", s_fastExchange,
            "IDLE (transferred)",
            "CONFERENCED (initial call)");
    }

    [Fact]
    [Trait("Rule", "R6")]
    [Trait("Rule", "R9")]
    public async Task R6_CloseWithRequestsInFlight_CompletesEveryRequestOnceBeforeItReturns()
    {
        await RunScenarioAsync("pending", s_fastExchange,
            "every request completed exactly once before lineClose returned (R6)",
            "no message for the line or its calls after lineClose (R9)");
    }

    [Fact]
    [Trait("Rule", "R6")]
    public async Task R6_ManyTapiThreadsAtOnce_EachGetsItsOwnReply_WhilePushesForAnotherLineArrive()
    {
        await RunScenarioAsync("concurrent", s_fastExchange,
            "every reply reached its caller, every push reached TAPI",
            "asynchronous requests completed exactly once (R6)");
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

    /// <summary>Runs a tapisim scenario against a fresh host serving <paramref name="exchange"/> and checks its output holds every line of <paramref name="expected"/>.</summary>
    private static async Task RunScenarioAsync(string scenario, IReadOnlyDictionary<string, string> exchange, params string[] expected)
    {
        await using var host = await HostProcess.StartAsync(exchange);

        var output = await TapiSim.RunAsync(scenario, host.SocketPath);

        foreach (var line in expected)
        {
            Assert.Contains(line, output, StringComparison.Ordinal);
        }
    }
}
