using TspHost.Abstractions;
using TspHost.Core.Configuration;
using TspHost.Core.Lifecycle;
using TspHost.Core.Tapi;
using TspHost.Core.Tests.Fakes;
using TspHost.Core.Versions;

namespace TspHost.Core.Tests;

public sealed class LifecycleRuleTests
{
    [Fact, Trait("Rule", "R1")]
    public async Task R1_SecondSession_RejectsEveryHandleOfTheFirstAndStartsClean()
    {
        await using var h = new EngineHarness(new FakeBackend { LineCaps = new() { Name = "L", Features = LineFeatures.All, ExtensionVersions = new(new(1, 0), new(1, 5)) } });
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (hdCall, _) = await h.ConnectedCallAsync(hdLine);
        Assert.Equal(0, h.Engine.LineSelectExtVersion(hdLine, 0x00010002));
        var firstSession = h.Session;

        Assert.Equal(0, await h.Engine.ProviderShutdownAsync(TspiVersion.V3_0, EngineHarness.ProviderId));
        Assert.True(firstSession.Disposed);
        await h.InitAsync();

        Assert.NotSame(firstSession, h.Session);
        Assert.Equal(LineErr.InvalLineHandle, await h.Engine.LineCloseAsync(hdLine));
        Assert.Equal(LineErr.InvalCallHandle, h.Engine.LineGetCallStatus(hdCall, out _));
        Assert.Equal(LineErr.InvalCallHandle, h.Engine.LineDrop(h.NextRequestId(), hdCall));
        // The device opens again (not ALLOCATED) and no extension version survived.
        var (hdLine2, _) = await h.OpenLineAsync();
        Assert.NotEqual(hdLine, hdLine2);
        Assert.Equal(0, h.Engine.LineNegotiateExtVersion(EngineHarness.LineBase, TspiVersion.V3_0, 0x00010000, 0x00010005, out var ext));
        Assert.Equal(0x00010005u, ext);
        Assert.Equal(0, h.Engine.Session!.PendingRequestCount);
    }

    [Fact, Trait("Rule", "R1")]
    public async Task R1_Shutdown_CompletesRequestsStillPendingWithFailure()
    {
        var gate = new TaskCompletionSource<IBackendCall>();
        await using var h = new EngineHarness(new FakeBackend { OnMakeCall = (_, _, _) => new ValueTask<IBackendCall>(gate.Task) });
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (requestId, _, _) = h.MakeCall(hdLine);

        await h.Engine.ProviderShutdownAsync(TspiVersion.V3_0, EngineHarness.ProviderId);

        Assert.Equal(LineErr.OperationFailed, Assert.Single(h.Tapi.CompletionsOf(requestId)).Result);
    }

    [Fact, Trait("Rule", "R1"), Trait("Rule", "R6")]
    public async Task R1_Shutdown_WithAPluginThatNeverEndsItsSession_AnswersAtTheShutdownDeadline_WithEveryRequestCompleted()
    {
        var never = new TaskCompletionSource();
        var backend = new FakeBackend
        {
            OnMakeCall = (_, _, _) => new ValueTask<IBackendCall>(new TaskCompletionSource<IBackendCall>().Task), // a stuck driver
            OnSessionEnd = () => new ValueTask(never.Task), // and a session that never ends
        };
        var options = new ProviderEngineOptions { ShutdownTimeout = TimeSpan.FromSeconds(20), HookTimeout = TimeSpan.FromMinutes(10), OperationTimeout = TimeSpan.FromMinutes(10) };
        await using var h = new EngineHarness(backend, options: options);
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (requestId, _, htCall) = h.MakeCall(hdLine);

        var shutdown = h.Engine.ProviderShutdownAsync(TspiVersion.V3_0, EngineHarness.ProviderId);
        var waited = TimeSpan.Zero;
        while (!shutdown.IsCompleted && waited < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(10, TestContext.Current.CancellationToken); // lets the session end as far as it can, then the clock moves on
            h.Time.Advance(TimeSpan.FromSeconds(1));
            waited += TimeSpan.FromSeconds(1);
        }

        Assert.Equal(0, await shutdown.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.InRange(waited, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(22)); // the deadline, not the plugin's ten minutes
        Assert.False(never.Task.IsCompleted);
        Assert.Equal(LineErr.OperationFailed, Assert.Single(h.Tapi.CompletionsOf(requestId)).Result);
        Assert.Null(h.Engine.Session);
        Assert.Empty(h.Tapi.LineEventsFor(htCall));
        never.SetResult(); // the plugin ends at last, on its own
    }

    [Fact, Trait("Rule", "R2")]
    public async Task R2_InitializeNegotiation_AnswersHighestCommonVersion_BeforeInitAndEvenBeforeInstall()
    {
        await using var h = new EngineHarness();

        Assert.Equal(0, h.Engine.LineNegotiateTspiVersion(Tspi.InitializeNegotiation, TspiVersion.V1_4, 0x00040000, out var version));
        Assert.Equal(TspiVersion.V3_1, version);
        Assert.Equal(0, h.Engine.LineNegotiateTspiVersion(Tspi.InitializeNegotiation, TspiVersion.V1_4, TspiVersion.V2_2, out version));
        Assert.Equal(TspiVersion.V2_2, version);
        var tooOld = h.Engine.LineNegotiateTspiVersion(Tspi.InitializeNegotiation, 0x00010000, 0x00010003, out _);
        Assert.Equal(LineErr.IncompatibleApiVersion, tooOld);
        Assert.NotEqual(LineErr.OperationUnavail, tooOld);
    }

    [Fact, Trait("Rule", "R2")]
    public async Task R2_ConfigurationIsReadAtInit_AndStaysFixedForTheSession()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        Assert.Equal(2, h.Engine.Session!.LineCount);

        var change = await h.Engine.ProviderConfigAsync("Fake", new Dictionary<string, string?> { ["Lines"] = "3" });

        Assert.True(change.Succeeded, change.Message);
        Assert.Equal(2, h.Engine.Session!.LineCount);
        Assert.Single(h.Backend.SessionSettings);
        Assert.False(h.Engine.Session.Snapshot.Plugins[0].Settings.ContainsKey("Lines"));
    }

    [Fact, Trait("Rule", "R2")]
    public async Task R2_Init_WithInterfaceVersionOutsideHostRange_IsRefused()
    {
        await using var h = new EngineHarness();
        await h.InstallAsync();

        var result = await h.Engine.ProviderInitAsync(0x00010004, 1, 0, 0, 2, 1, new RecordingTapi());

        Assert.Equal(LineErr.IncompatibleApiVersion, result.Result);
        Assert.Contains("1.4", result.Message);
    }

    [Fact, Trait("Rule", "R11")]
    public async Task R11_InstallAndRemove_ComeInStrictPairs()
    {
        await using var h = new EngineHarness();

        Assert.Equal(LineErr.OperationFailed, (await h.Engine.ProviderRemoveAsync()).Result);
        await h.InstallAsync();
        var again = await h.Engine.ProviderInstallAsync(EngineHarness.ProviderId);
        Assert.Equal(LineErr.NoMultipleInstance, again.Result);
        Assert.True((await h.Engine.ProviderRemoveAsync()).Succeeded);
        Assert.Equal(LineErr.OperationFailed, (await h.Engine.ProviderRemoveAsync()).Result);
        await h.InstallAsync();

        Assert.Equal(["install", "remove", "install"], h.Backend.Hooks);
    }

    [Fact, Trait("Rule", "R11")]
    public async Task R11_EverythingElse_NestsInsideInstall()
    {
        await using var h = new EngineHarness();

        var init = await h.Engine.ProviderInitAsync(TspiVersion.V3_0, 1, 0, 0, 2, 1, new RecordingTapi());
        Assert.Equal(LineErr.OperationFailed, init.Result);
        Assert.Contains("not installed", init.Message);
        Assert.Equal(LineErr.NoDriver, (await h.Engine.ProviderEnumDevicesAsync(1)).Result);
        Assert.Equal(LineErr.OperationFailed, (await h.Engine.ProviderConfigAsync("Fake", new Dictionary<string, string?>())).Result);
        Assert.Empty(h.Backend.Hooks);
        Assert.Empty(h.Backend.SessionSettings);
    }

    [Fact, Trait("Rule", "R11")]
    public async Task R11_InstallHookFailure_BacksOutEveryPluginInstalledSoFar()
    {
        var good = new FakeBackend("Good");
        var bad = new FakeBackend("Bad") { HookFailure = hook => hook == "install" ? new InvalidOperationException("no hardware") : null };
        var catalog = new BackendCatalog().Add("Good", good).Add("Bad", bad);
        await using var engine = new ProviderEngine(catalog, new InMemoryProviderStateStore());

        var result = await engine.ProviderInstallAsync(1);

        Assert.Equal(LineErr.OperationFailed, result.Result);
        Assert.Contains("Bad", result.Message);
        Assert.Contains("no hardware", result.Message);
        Assert.Equal(["install", "remove"], good.Hooks);
        Assert.False(engine.State.Installed);
    }

    [Fact, Trait("Rule", "R12")]
    public async Task R12_StaticConfiguration_SurvivesSessionsAndHostRestarts()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tsphost-r12-{Guid.NewGuid():N}", "state.json");
        try
        {
            var h = new EngineHarness(store: new FileProviderStateStore(path));
            await h.StartAsync();
            var permanentIds = PermanentLineIds(h);
            await h.Engine.ProviderShutdownAsync(TspiVersion.V3_0, EngineHarness.ProviderId);
            Assert.True((await h.Engine.ProviderConfigAsync("Fake", new Dictionary<string, string?> { ["Lines"] = "3" })).Succeeded);

            await h.RestartAsync(); // a new engine reads the same file
            Assert.True(h.Engine.State.Installed);
            Assert.Equal("3", h.Engine.State.FindPlugin("Fake")!.Settings["Lines"]);
            await h.InitAsync();

            var after = PermanentLineIds(h);
            Assert.Equal(3, after.Length);
            Assert.Equal(permanentIds, after[..2]); // same devices, same permanent IDs
            Assert.DoesNotContain(after[2], permanentIds);
            await h.DisposeAsync();
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    private static uint[] PermanentLineIds(EngineHarness h) =>
        [.. Enumerable.Range(0, h.Engine.Session!.LineCount).Select(i =>
        {
            Assert.Equal(0, h.Engine.LineGetDevCaps(EngineHarness.LineBase + (uint)i, TspiVersion.V3_0, 0, out var caps));
            return caps!.PermanentLineId;
        })];

    [Fact, Trait("Rule", "R13")]
    public async Task R13_ConfigureDuringSession_IsAcceptedAndDeferredToTheNextSession()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();

        var result = await h.Engine.ProviderConfigAsync("Fake", new Dictionary<string, string?> { ["Lines"] = "3" });

        Assert.Equal(0, result.Result);
        Assert.Contains("next session", result.Message);
        Assert.DoesNotContain(h.Backend.Hooks, hook => hook.StartsWith("configure", StringComparison.Ordinal)); // not during the session
        Assert.Equal(2, h.Engine.Session!.LineCount);
        Assert.Equal(0, h.Engine.LineGetDevCaps(EngineHarness.LineBase + 1, TspiVersion.V3_0, 0, out _));
        Assert.Equal(LineErr.BadDeviceId, h.Engine.LineGetDevCaps(EngineHarness.LineBase + 2, TspiVersion.V3_0, 0, out _));
        await h.ConnectedCallAsync(hdLine); // the session goes on undisturbed

        await h.Engine.ProviderShutdownAsync(TspiVersion.V3_0, EngineHarness.ProviderId);
        Assert.Contains("configure Lines=3", h.Backend.Hooks);
        await h.InitAsync();
        Assert.Equal(3, h.Engine.Session!.LineCount);
    }

    [Fact, Trait("Rule", "R13")]
    public async Task R13_RemoveDuringSession_IsAcceptedNeverInUse_AndAppliedAtShutdown()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();

        var result = await h.Engine.ProviderRemoveAsync();

        Assert.Equal(0, result.Result);
        Assert.NotEqual(LineErr.InUse, result.Result);
        Assert.DoesNotContain("remove", h.Backend.Hooks);
        await h.ConnectedCallAsync(hdLine);
        Assert.Equal(ProviderStatus.InSession, h.Engine.Status);

        await h.Engine.ProviderShutdownAsync(TspiVersion.V3_0, EngineHarness.ProviderId);

        Assert.Contains("remove", h.Backend.Hooks);
        Assert.Equal(ProviderStatus.NotInstalled, h.Engine.Status);
        Assert.Equal(LineErr.OperationFailed, (await h.Engine.ProviderInitAsync(TspiVersion.V3_0, 1, 0, 0, 2, 1, new RecordingTapi())).Result);
    }

    [Fact, Trait("Rule", "R13")]
    public async Task R13_InvalidConfiguration_IsRefusedAtOnceNamingTheKey_EvenDuringASession()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();

        var result = await h.Engine.ProviderConfigAsync("Fake", new Dictionary<string, string?> { ["Lines"] = "lots" });

        Assert.Equal(LineErr.InvalParam, result.Result);
        Assert.Contains("Plugins:Fake:Lines", result.Message);
        Assert.Contains("whole number", result.Message);
        Assert.False(h.Engine.State.Plugins[0].ConfigurePending);
        Assert.DoesNotContain(h.Tapi.Records, r => r is LineEventRecord e && e.P1 == LineDevState.Reinit);
    }

    [Fact, Trait("Rule", "R13")]
    public async Task R13_DeferredChanges_LeftByAHostThatStoppedMidSession_AreAppliedAtNextStart()
    {
        var h = new EngineHarness();
        await h.StartAsync();
        await h.Engine.ProviderConfigAsync("Fake", new Dictionary<string, string?> { ["Lines"] = "1" });
        Assert.True(h.Store.Load().Plugins[0].ConfigurePending);

        // The host dies: no shutdown. A new engine on the same store applies what was deferred.
        var engine = new ProviderEngine(h.Catalog, h.Store, time: h.Time);

        Assert.False(engine.State.Plugins[0].ConfigurePending);
        Assert.Contains("configure Lines=1", h.Backend.Hooks);
        await engine.DisposeAsync();
        await h.DisposeAsync();
    }

    [Theory, Trait("Rule", "R14")]
    [InlineData("config")]
    [InlineData("remove")]
    public async Task R14_ConfigureOrRemoveDuringSession_AsksClientsToReinitialise(string operation)
    {
        await using var h = new EngineHarness();
        await h.StartAsync();

        var result = operation == "config"
            ? await h.Engine.ProviderConfigAsync("Fake", new Dictionary<string, string?> { ["Lines"] = "1" })
            : await h.Engine.ProviderRemoveAsync();

        Assert.True(result.Succeeded, result.Message);
        await h.Tapi.WaitForAsync(r => r is LineEventRecord { Message: LineMessage.LineDevState } e && e.P1 == LineDevState.Reinit, "LINEDEVSTATE_REINIT");
        await h.Tapi.WaitForAsync(r => r is PhoneEventRecord { Message: PhoneMessage.State } e && e.P1 == PhoneStateFlags.Reinit, "PHONESTATE_REINIT");
    }

    [Fact, Trait("Rule", "R14")]
    public async Task R14_NextSession_ReadsTheNewConfiguration()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        await h.Engine.ProviderConfigAsync("Fake", new Dictionary<string, string?> { ["Lines"] = "4" });
        await h.Engine.ProviderShutdownAsync(TspiVersion.V3_0, EngineHarness.ProviderId);

        await h.InitAsync();

        Assert.Equal("4", h.Backend.SessionSettings.Last().GetString("Lines", "-"));
        Assert.Equal(4, h.Engine.Session!.LineCount);
    }

    [Fact]
    public async Task ConfigureOutsideSession_RunsHookAtOnce_AndRollsBackWhenItFails()
    {
        await using var h = new EngineHarness();
        await h.InstallAsync();
        h.Backend.HookFailure = hook => hook == "configure" ? new InvalidOperationException("device rejected it") : null;

        var result = await h.Engine.ProviderConfigAsync("Fake", new Dictionary<string, string?> { ["Lines"] = "5" });

        Assert.Equal(LineErr.OperationFailed, result.Result);
        Assert.Contains("device rejected it", result.Message);
        Assert.False(h.Engine.State.FindPlugin("Fake")!.Settings.ContainsKey("Lines"));
    }

    [Fact]
    public async Task Configure_UnknownPlugin_NamesTheInstalledOnes()
    {
        await using var h = new EngineHarness();
        await h.InstallAsync();

        var result = await h.Engine.ProviderConfigAsync("Modem", new Dictionary<string, string?> { ["Port"] = "x" });

        Assert.Equal(LineErr.InvalParam, result.Result);
        Assert.Contains("'Modem'", result.Message);
        Assert.Contains("Fake", result.Message);
    }
}
