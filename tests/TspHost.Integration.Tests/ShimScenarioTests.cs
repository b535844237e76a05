using System.Globalization;

namespace TspHost.Integration.Tests;

/// <summary>
/// The chain TAPI would use: tapisim (C) loads the Native AOT shim with dlopen and calls its TSPI
/// exports; the shim talks to a real <c>tsphost run</c> process serving the Simulated exchange.
/// </summary>
public sealed class ShimScenarioTests
{
    private const string ResponseDelayMilliseconds = "10000";
    private static readonly Dictionary<string, string> s_fastExchange = new() { ["RingInterval"] = "100" };

    // Every asynchronous request stays in flight for 10 s; tapisim is told so, to check its failures come well before.
    private static readonly Dictionary<string, string> s_slowExchange = new(s_fastExchange) { ["ResponseDelay"] = ResponseDelayMilliseconds };
    private static readonly Dictionary<string, string> s_tapiSimDelay = new() { ["TAPISIM_RESPONSE_DELAY_MS"] = ResponseDelayMilliseconds };

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
    public async Task ARequestTooLongForAFrame_IsRefusedInTheShim_AndHoldsNothingUpForTheOtherThreads()
    {
        await RunScenarioAsync("oversized", s_fastExchange,
            "lineMakeCall(a 40000-digit destination) -> 0x80000048",
            "the shim says: Refused without asking the host: LineMakeCall.destAddress would make the frame longer than",
            "lineNegotiateTSPIVersion on another thread -> 0x00000000",
            "asynchronous requests completed exactly once (R6)");
    }

    [Fact]
    [Trait("Rule", "R6")]
    public async Task HostKilledMidCall_ShimFailsFast_ReportsOutOfService_AndReinitialisesWhenTheHostIsBack()
    {
        await using var host = await HostProcess.StartAsync(s_fastExchange);

        var output = await RunWithHostAwayAsync("hostkill", host, _ => host.KillAsync());

        Assert.Contains("synchronous calls without a host failed fast", output, StringComparison.Ordinal);
        Assert.Contains("the shim reconnected and asked TAPI to re-initialise", output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "R6")]
    public async Task R6_HostKilledWithRequestsInFlight_ShimFailsEachOnceAtOnce_ReportsOutOfService_AndReinitialisesWhenTheHostIsBack()
    {
        await using var host = await HostProcess.StartAsync(s_slowExchange);

        var output = await RunWithHostAwayAsync("inflight", host, async ready =>
        {
            await AssertPendingInTheHostAsync(host, ready);
            await host.KillAsync(); // SIGKILL: nobody but the shim is left to complete them
        });

        AssertInFlightRequestsFailedOnce(output);
    }

    [Fact]
    [Trait("Rule", "R6")]
    public async Task R6_HostKilledDuringABurstOfRequestsFromManyThreads_EveryAcceptedRequestCompletesOnce_WithAFailure()
    {
        await using var host = await HostProcess.StartAsync(s_slowExchange);

        var output = await TapiSim.RunAsync("killburst", host.SocketPath, _ => host.KillAsync());

        Assert.Contains("every accepted request completed once, with PHONEERR_OPERATIONFAILED", output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "R6")]
    public async Task R6_HostStoppedWithRequestsInFlight_TheHostFailsEachOnceAsItEnds_AndTheShimDoesNotCompleteThemAgain()
    {
        await using var host = await HostProcess.StartAsync(s_slowExchange);
        var watched = "";
        var exitCode = -1;
        (uint Make, uint Ring) requests = default;

        var output = await RunWithHostAwayAsync("inflight", host, async ready =>
        {
            requests = await AssertPendingInTheHostAsync(host, ready);
            var watch = Tsphost.Start("watch", "--socket", host.SocketPath);
            var first = await watch.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
            Assert.StartsWith("watching", first, StringComparison.Ordinal);
            await host.StopAsync(); // SIGTERM: the host ends the session, completing what is pending, then closes
            exitCode = host.ExitCode;
            watched = await Tsphost.FinishAsync(watch); // watch ends when the host closes its connection
        });

        // The host sent each completion once, with a failure; TAPI got exactly one per request (tapisim), so the shim added none.
        var seen = $"the host's pushes, as tsphost watch saw them:\n{watched}\nthe host's log:\n{host.Output}";
        Assert.True(Completions(watched, requests.Make).SequenceEqual([$"ASYNC_COMPLETION request {requests.Make} result 0x80000048"]), seen);
        Assert.True(Completions(watched, requests.Ring).SequenceEqual([$"ASYNC_COMPLETION request {requests.Ring} result 0x9000001C"]), seen);
        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("Exception", host.Output, StringComparison.Ordinal);
        AssertInFlightRequestsFailedOnce(output);

        static string[] Completions(string watched, uint request) =>
            [.. watched.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith($"ASYNC_COMPLETION request {request} ", StringComparison.Ordinal))];
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

    /// <summary>
    /// Runs a tapisim <paramref name="scenario"/> that has the test take the host away (<paramref name="takeAway"/>, given
    /// tapisim's READY line) and then start it again, with the usual fast exchange (no ResponseDelay).
    /// </summary>
    private static Task<string> RunWithHostAwayAsync(string scenario, HostProcess host, Func<string, Task> takeAway) =>
        TapiSim.RunAsync(scenario, host.SocketPath,
            ready => ready.Contains("restart", StringComparison.Ordinal) ? host.RestartAsync(s_fastExchange) : takeAway(ready),
            environment: s_tapiSimDelay);

    /// <summary>What tapisim's inflight scenario reports when the shim and host kept R6 with the host taken away mid-request.</summary>
    private static void AssertInFlightRequestsFailedOnce(string output)
    {
        Assert.Contains("both requests completed with a failure (0x80000048, 0x9000001C)", output, StringComparison.Ordinal);
        Assert.Contains("the open line was reported LINEDEVSTATE_OUTOFSERVICE and the phone PHONESTATE_DISCONNECTED", output, StringComparison.Ordinal);
        Assert.Contains("synchronous calls without a host failed fast", output, StringComparison.Ordinal);
        Assert.Contains("the shim reconnected and asked TAPI to re-initialise", output, StringComparison.Ordinal);
        Assert.Contains("a new session on the restarted host works", output, StringComparison.Ordinal);
        Assert.Contains("the in-flight requests completed exactly once, also after the host came back (R6)", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Reads the request IDs from tapisim's "READY: requests MAKE RING in flight" line and checks with
    /// <c>tsphost status</c> that the host still holds both as pending.
    /// </summary>
    private static async Task<(uint Make, uint Ring)> AssertPendingInTheHostAsync(HostProcess host, string ready)
    {
        var words = ready.Split(' ');
        var at = Array.IndexOf(words, "requests");
        Assert.True(at > 0 && words.Length > at + 2, $"unexpected line from tapisim: {ready}");
        var (make, ring) = (uint.Parse(words[at + 1], CultureInfo.InvariantCulture), uint.Parse(words[at + 2], CultureInfo.InvariantCulture));

        var status = await Tsphost.RunAsync("status", "--socket", host.SocketPath);

        Assert.Contains($"request {make}: lineMakeCall", status, StringComparison.Ordinal);
        Assert.Contains($"request {ring}: phoneSetRing", status, StringComparison.Ordinal);
        return (make, ring);
    }
}
