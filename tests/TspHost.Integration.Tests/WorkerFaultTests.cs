using TspHost.Core.Tapi;

namespace TspHost.Integration.Tests;

/// <summary>
/// R15 through a real <c>tsphost run</c>: a plugin that crashes its worker on a call takes down only its
/// own devices, which come back with the same IDs once its worker is started again; the Simulated
/// exchange beside it, the TAPI connection and the monitors work on throughout.
/// </summary>
public sealed class WorkerCrashTests
{
    [Theory]
    [Trait("Rule", "R15")]
    [InlineData("FailFast", "was killed by signal 6 (SIGABRT)")]
    [InlineData("Segfault", "was killed by signal 11 (SIGSEGV)")]
    [InlineData("ThreadThrows", "was killed by signal 6 (SIGABRT)")]
    [InlineData("Allocates", "it passed its memory limit of 64 MB")]
    public async Task R15_WorkerDiesOnACall_OnlyItsLineGoesOutOfService_SimulatedWorks_AndTheLineComesBackWithItsIds(string fault, string cause)
    {
        await using var f = await WorkerFaults.StartAsync(fault, more: new Dictionary<string, string> { ["TSPHOST_Plugins__Hostile__MemoryLimitMegabytes"] = "64" });
        var hostile = f.Line("Hostile");
        var simulated = f.Line("Simulated");
        var hdHostile = f.OpenLine(hostile.DeviceId, WorkerFaults.HtHostileLine);
        var hdSimulated = f.OpenLine(simulated.DeviceId, WorkerFaults.HtSimulatedLine);

        var (make, _) = f.MakeCall(hdHostile);

        Assert.Equal(WorkerFaults.OperationFailed, await f.Provider.CompletionAsync(make));
        await f.LineDevStateAsync(WorkerFaults.HtHostileLine, LineDevState.OutOfService);
        await f.CallAndDropOnSimulatedAsync(hdSimulated);
        await f.LineDevStateAsync(WorkerFaults.HtHostileLine, LineDevState.InService);
        Assert.Equal(hostile, f.Line("Hostile")); // the same device ID and permanent ID
        var (again, _) = f.MakeCall(hdHostile); // TAPI's handle stayed valid: the line was opened again in the new worker
        Assert.Equal(0, await f.Provider.CompletionAsync(again));
        Assert.Equal(1, f.Provider.CountCompletions(make));
        var worker = await f.HostileWorkerAsync();
        Assert.StartsWith("Hostile: running, pid", worker, StringComparison.Ordinal);
        Assert.Contains("1 restart(s)", worker, StringComparison.Ordinal);
        var log = f.Host.Output;
        Assert.True(log.Contains($"Plugin 'Hostile' failed: its worker process (pid", StringComparison.Ordinal) && log.Contains(cause, StringComparison.Ordinal)
            && log.Contains("during lineMakeCall on line-1", StringComparison.Ordinal), $"the log does not name the plugin, '{cause}' and the operation:\n{log}");
        Assert.False(f.Host.HasExited, $"tsphost exited:\n{f.Host.Output}");
    }

    [Fact]
    [Trait("Rule", "R15")]
    public async Task R15_CallInProgressWhenTheWorkerDies_GoesDisconnectedThenIdle_AndTapiClosesIt()
    {
        await using var f = await WorkerFaults.StartAsync("FailFast");
        var hdHostile = f.OpenLine(f.Line("Hostile").DeviceId, WorkerFaults.HtHostileLine);
        File.WriteAllText(f.Marker, "behave"); // not yet: the first call connects
        var connected = f.MakeCall(hdHostile);
        Assert.Equal(0, await f.Provider.CompletionAsync(connected.Request));
        File.Delete(f.Marker);

        var (make, _) = f.MakeCall(hdHostile);

        Assert.Equal(WorkerFaults.OperationFailed, await f.Provider.CompletionAsync(make));
        await f.LineDevStateAsync(WorkerFaults.HtHostileLine, LineDevState.OutOfService);
        var htCall = (nint)0x9001;
        Assert.Equal([0x10u, 0x100u, 0x4000u, 0x1u], f.CallStates(htCall)); // DIALING, CONNECTED, then DISCONNECTED, IDLE
        Assert.Equal(0, f.CloseCall(connected.HdCall));
    }
}

/// <summary>R15: plugins that hang, block their threads, throw or keep failing, beside the Simulated exchange in a real <c>tsphost run</c>.</summary>
public sealed class WorkerHangTests
{
    [Fact]
    [Trait("Rule", "R15")]
    public async Task R15_CallThatHangsIgnoringCancellation_CompletesOnceWithAFailureAtTheHostsTimeout_SimulatedWorksMeanwhile()
    {
        await using var f = await WorkerFaults.StartAsync("Hangs", once: false);
        var hdHostile = f.OpenLine(f.Line("Hostile").DeviceId, WorkerFaults.HtHostileLine);
        var hdSimulated = f.OpenLine(f.Line("Simulated").DeviceId, WorkerFaults.HtSimulatedLine);

        var (make, _) = f.MakeCall(hdHostile);
        await f.CallAndDropOnSimulatedAsync(hdSimulated);

        Assert.Equal(WorkerFaults.OperationFailed, await f.Provider.CompletionAsync(make));
        await f.CallAndDropOnSimulatedAsync(hdSimulated);
        Assert.Equal(1, f.Provider.CountCompletions(make));
        Assert.StartsWith("Hostile: running", await f.HostileWorkerAsync(), StringComparison.Ordinal);
        Assert.Contains("did not finish within", f.Host.Output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "R15")]
    public async Task R15_HundredsOfCallsThatEachBlockAThread_AllCompleteOnce_TheStarvedWorkerIsReplaced_SimulatedWorksThroughout()
    {
        await using var f = await WorkerFaults.StartAsync("Blocks", once: false);
        var hdPhone = f.OpenPhone(0, WorkerFaults.HtHostilePhone); // Hostile's phone comes first: plugins are installed in name order
        var hdSimulated = f.OpenLine(f.Line("Simulated").DeviceId, WorkerFaults.HtSimulatedLine);

        var requests = Enumerable.Range(0, 300).Select(_ => f.PhoneSetRing(hdPhone)).ToList();
        await f.CallAndDropOnSimulatedAsync(hdSimulated);

        await f.PhoneStateAsync(WorkerFaults.HtHostilePhone, PhoneStateFlags.Disconnected);
        foreach (var request in requests)
        {
            Assert.Equal(WorkerFaults.PhoneOperationFailed, await f.Provider.CompletionAsync(request));
        }

        await f.PhoneStateAsync(WorkerFaults.HtHostilePhone, PhoneStateFlags.Connected);
        await f.CallAndDropOnSimulatedAsync(hdSimulated);
        Assert.All(requests, request => Assert.Equal(1, f.Provider.CountCompletions(request)));
        Assert.Contains("it stopped answering (no heartbeat within 2 s)", f.Host.Output, StringComparison.Ordinal);
        Assert.Contains("1 restart(s)", await f.HostileWorkerAsync(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "R15")]
    public async Task R15_PluginThatThrowsEverywhere_FailsItsOwnRequests_SimulatedWorks_NothingRestarts()
    {
        await using var f = await WorkerFaults.StartAsync("Throws", once: false);
        var hostile = f.Line("Hostile");
        var hdSimulated = f.OpenLine(f.Line("Simulated").DeviceId, WorkerFaults.HtSimulatedLine);
        var hdPhone = f.OpenPhone(0, WorkerFaults.HtHostilePhone);

        var open = f.TryOpenLine(hostile.DeviceId, WorkerFaults.HtHostileLine);
        var ring = f.PhoneSetRing(hdPhone);

        Assert.NotEqual(0, open);
        Assert.Equal(WorkerFaults.PhoneOperationFailed, await f.Provider.CompletionAsync(ring));
        await f.CallAndDropOnSimulatedAsync(hdSimulated);
        Assert.Equal(1, f.Provider.CountCompletions(ring));
        Assert.Contains("0 restart(s)", await f.HostileWorkerAsync(), StringComparison.Ordinal);
        Assert.Contains("the hostile plugin throws on purpose", f.Host.Output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "R15")]
    public async Task R15_WorkerThatKeepsFailing_IsHeldOutOfService_StatusSaysWhyAndSinceWhen_SimulatedWorks()
    {
        await using var f = await WorkerFaults.StartAsync("CrashLoop", more: new Dictionary<string, string>
        {
            ["TSPHOST_Workers__MaxFailures"] = "3",
            ["TSPHOST_Workers__HoldOutSeconds"] = "600",
        });
        var hdHostile = f.OpenLine(f.Line("Hostile").DeviceId, WorkerFaults.HtHostileLine);
        var hdSimulated = f.OpenLine(f.Line("Simulated").DeviceId, WorkerFaults.HtSimulatedLine);

        var (make, _) = f.MakeCall(hdHostile);

        Assert.Equal(WorkerFaults.OperationFailed, await f.Provider.CompletionAsync(make));
        await f.LineDevStateAsync(WorkerFaults.HtHostileLine, LineDevState.OutOfService);
        await TspHost.Testing.Eventually.WaitAsync(() => f.Host.Output.Contains("Plugin 'Hostile' is held out of service", StringComparison.Ordinal),
            () => $"the circuit to open:\n{f.Host.Output}", TimeSpan.FromSeconds(30));
        await f.CallAndDropOnSimulatedAsync(hdSimulated);
        var worker = await f.HostileWorkerAsync();
        Assert.StartsWith("Hostile: heldout", worker, StringComparison.Ordinal);
        Assert.Contains("since ", worker, StringComparison.Ordinal);
        Assert.Contains("held out of service: it failed 3 times within 60 s", worker, StringComparison.Ordinal);
        Assert.Contains("was killed by signal 6 (SIGABRT)", worker, StringComparison.Ordinal);
        var again = f.MakeCall(hdHostile); // refused at once while held out: no worker to wait for
        Assert.Equal(WorkerFaults.OperationFailed, await f.Provider.CompletionAsync(again.Request));
        Assert.Equal(1, f.Provider.CountCompletions(make));
        Assert.False(f.Host.HasExited, $"tsphost exited:\n{f.Host.Output}");
    }

    [Theory]
    [Trait("Rule", "R15")]
    [InlineData("CapabilitiesThrow", "the hostile plugin's Capabilities getter throws on purpose")]
    [InlineData("CapabilitiesHang", "Plugin 'Hostile' failed to start its session")]
    [InlineData("ValidateThrows", "Plugin 'Hostile' failed checking its settings: PluginFailureException")]
    public async Task R15_PluginFailingAtSessionStart_IsLeftOutNamingIt_SimulatedWorks(string fault, string logged)
    {
        await using var f = await WorkerFaults.StartAsync(fault, once: false);

        Assert.Null(f.FindLine("Hostile"));
        await f.CallAndDropOnSimulatedAsync(f.OpenLine(f.Line("Simulated").DeviceId, WorkerFaults.HtSimulatedLine));
        Assert.Contains(logged, f.Host.Output, StringComparison.Ordinal);
        Assert.StartsWith("Hostile: running", await f.HostileWorkerAsync(), StringComparison.Ordinal);
        Assert.False(f.Host.HasExited, $"tsphost exited:\n{f.Host.Output}");
    }
}

/// <summary>R15 through the chain TAPI uses: tapisim loads the shim, the shim talks to a real <c>tsphost run</c> whose Hostile plugin crashes or hangs.</summary>
public sealed class WorkerShimTests
{
    [Theory]
    [Trait("Rule", "R15")]
    [InlineData("FailFast", "crash")]
    [InlineData("Segfault", "crash")]
    [InlineData("Hangs", "hang")]
    public async Task R15_ThroughTheShim_TheHostilePluginsCallFailsOnce_SimulatedWorks_AndACrashedLineComesBack(string fault, string kind)
    {
        var (folders, host, _) = await WorkerFaults.StartHostAsync(fault, once: kind == "crash");
        using (folders)
        await using (host)
        {
            var output = await TapiSim.RunAsync("workerfault", host.SocketPath, environment: new Dictionary<string, string> { ["TAPISIM_WORKER_FAULT"] = kind });

            Assert.Contains("a call placed and dropped on a Simulated line while the hostile plugin misbehaves worked", output, StringComparison.Ordinal);
            Assert.Contains("the hostile lineMakeCall completed once with 0x80000048", output, StringComparison.Ordinal);
            Assert.Contains("no Simulated line went out of service", output, StringComparison.Ordinal);
            Assert.Contains("asynchronous requests completed exactly once (R6)", output, StringComparison.Ordinal);
            if (kind == "crash")
            {
                Assert.Contains("the hostile line went out of service and came back in service (R15)", output, StringComparison.Ordinal);
                Assert.Contains("a call on the hostile line works again, on the same device ID and handle", output, StringComparison.Ordinal);
            }

            Assert.False(host.HasExited, $"tsphost exited:\n{host.Output}");
        }
    }
}
