using TspHost.Abstractions;
using TspHost.Core.Configuration;
using TspHost.Core.Lifecycle;
using TspHost.Core.Tapi;
using TspHost.Core.Tests.Fakes;
using TspHost.Core.Versions;
using TspHost.Testing;

namespace TspHost.Core.Tests;

/// <summary>
/// R15 in the engine: a plugin that throws from any member, hangs in a getter, or whose backend
/// session dies affects only its own devices; the other plugins and the session go on.
/// </summary>
public sealed class FaultContainmentTests
{
    private static readonly ProviderEngineOptions s_options = new() { HookTimeout = TimeSpan.FromSeconds(5), InstallSkipsFailingPlugins = true };

    [Fact]
    [Trait("Rule", "R15")]
    public async Task R15_CapabilitiesGetterThrows_OnlyThatPluginIsLeftOut_TheOtherPluginsDevicesWork()
    {
        var (engine, good, bad) = TwoPlugins();
        bad.OnReadLineCapabilities = () => throw new InvalidOperationException("capabilities exploded");
        await using var owned = engine;
        await SessionSteps.InstallAsync(engine, 7);

        var (result, lines, phones) = await engine.ProviderEnumDevicesAsync(7);

        Assert.Equal(0, result);
        Assert.Equal((uint)good.LineCount, lines);
        Assert.Equal((uint)good.PhoneCount, phones);
        await SessionSteps.InitAsync(engine, 7, 0, 0);
        Assert.Equal(0, (await engine.LineOpenAsync(0, 0x10, TspiVersion.V3_0)).Result);
    }

    [Fact]
    [Trait("Rule", "R15")]
    public async Task R15_CapabilitiesGetterHangs_ThePluginIsLeftOutAfterTheHookTimeout_AndTheSessionStarts()
    {
        var time = new ManualTimeProvider();
        using var hang = new ManualResetEventSlim();
        var (engine, good, bad) = TwoPlugins(time);
        await using var owned = engine;
        await SessionSteps.InstallAsync(engine, 7);
        bad.OnReadLineCapabilities = () => hang.Wait(TimeSpan.FromSeconds(30));

        var enumerate = engine.ProviderEnumDevicesAsync(7);
        // Virtual time runs on until the engine gives up on the getter: its timeout is measured by the host, not by the plugin.
        await Eventually.WaitAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return enumerate.IsCompleted;
        }, "providerEnumDevices to finish without the hung plugin");
        var (result, lines, _) = await enumerate;
        hang.Set();

        Assert.Equal(0, result);
        Assert.Equal((uint)good.LineCount, lines);
    }

    [Theory]
    [Trait("Rule", "R15")]
    [InlineData(false)]
    [InlineData(true)]
    public async Task R15_ValidateSettingsThrowsInvalidOperation_InstallSkipsThePlugin_ConfigFailsNamingIt_NoExceptionEscapes(bool duringInstall)
    {
        var (engine, good, bad) = TwoPlugins();
        await using var owned = engine;
        if (duringInstall)
        {
            bad.OnValidate = _ => throw new InvalidOperationException("validation exploded");
        }

        var install = await engine.ProviderInstallAsync(7);
        Assert.True(install.Succeeded, install.Message);
        bad.OnValidate = _ => throw new InvalidOperationException("validation exploded");

        var config = await engine.ProviderConfigAsync("Bad", new Dictionary<string, string?> { ["Lines"] = "1" });

        Assert.Equal(duringInstall ? ["Good"] : ["Bad", "Good"], engine.State.Plugins.Select(p => p.Name).Order());
        if (duringInstall)
        {
            Assert.Contains("Plugin 'Bad' failed checking its settings: InvalidOperationException: validation exploded", install.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(LineErr.OperationFailed, config.Result);
            Assert.Contains("Plugin 'Bad' failed checking its settings", config.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, (await engine.ProviderEnumDevicesAsync(7)).Result);
    }

    [Fact]
    [Trait("Rule", "R15")]
    public async Task R15_ValidateSettingsThrowing_AtSessionStart_LeavesThePluginOut_TheOthersStart()
    {
        var good = new FakeBackend("Good");
        var bad = new FakeBackend("Bad");
        var catalog = new BackendCatalog().Add("Good", good).Add("Bad", bad);
        var sections = new FixedSettings(new Dictionary<string, BackendSettings>
        {
            ["Bad"] = new([new("Lines", "1")], "tsphost.json", "Plugins:Bad"),
            ["Good"] = new([new("Lines", "3")], "tsphost.json", "Plugins:Good"),
        });
        await using var engine = new ProviderEngine(catalog, new InMemoryProviderStateStore(), s_options with { PluginSettings = sections });
        await SessionSteps.InstallAsync(engine, 7);
        bad.OnValidate = _ => throw new InvalidOperationException("validation exploded");

        var (result, lines, _) = await engine.ProviderEnumDevicesAsync(7);

        Assert.Equal(0, result);
        Assert.Equal(3u, lines);
        Assert.Null(bad.LastSession);
    }

    [Fact]
    [Trait("Rule", "R15")]
    public async Task R15_BackendSessionFails_PendingRequestsFailOnce_CallsGoDisconnectedThenIdle_DevicesOutOfService_OtherPluginWorks()
    {
        var (engine, good, bad) = TwoPlugins();
        await using var owned = engine;
        await SessionSteps.InstallAsync(engine, 7);
        var tapi = await SessionSteps.InitAsync(engine, 7, 0, 0);
        var ids = DeviceIdsOf(engine, "Bad");
        var (_, hdLine) = await engine.LineOpenAsync(ids.Line, 0x100, TspiVersion.V3_0);
        var (_, hdPhone) = await engine.PhoneOpenAsync(ids.Phone, 0x200, TspiVersion.V3_0);
        var connected = engine.LineMakeCall(1, hdLine, 0x300, out var hdConnected, "5550100");
        Assert.Equal(0, await tapi.CompletionAsync(connected));
        var gate = new TaskCompletionSource<IBackendCall>();
        bad.OnMakeCall = (_, _, _) => new ValueTask<IBackendCall>(gate.Task);
        var pending = engine.LineMakeCall(2, hdLine, 0x301, out _, "5550101");
        var ring = engine.PhoneSetRing(3, hdPhone, 1, 100);
        bad.LastSession!.Phone(0).OnSetRing = _ => new ValueTask(gate.Task);

        ((IBackendFaults)bad.LastSession.Events).SessionFailed("its worker process exited with signal 11 (SIGSEGV) during lineMakeCall");

        Assert.Equal(LineErr.OperationFailed, await tapi.CompletionAsync(pending));
        await tapi.WaitForCallStateAsync(0x300, CallState.Idle);
        await tapi.WaitForAsync(r => r is LineEventRecord { Message: LineMessage.LineDevState, P1: LineDevState.OutOfService, HtLine: 0x100 }, "LINEDEVSTATE_OUTOFSERVICE");
        await tapi.WaitForAsync(r => r is PhoneEventRecord { Message: PhoneMessage.State, P1: PhoneStateFlags.Disconnected, HtPhone: 0x200 }, "PHONESTATE_DISCONNECTED");
        var states = tapi.Records.OfType<LineEventRecord>().Where(e => e.HtCall == 0x300 && e.Message == LineMessage.CallState).Select(e => (CallState)e.P1).ToList();
        Assert.Equal([CallState.Disconnected, CallState.Idle], states[^2..]);
        gate.SetResult(new FakeCall(bad, "late")); // the dead backend's late answer changes nothing
        var good0 = await engine.LineOpenAsync(DeviceIdsOf(engine, "Good").Line, 0x400, TspiVersion.V3_0);
        Assert.Equal(0, good0.Result);
        var other = engine.LineMakeCall(4, good0.HdLine, 0x401, out _, "5550100");
        Assert.Equal(0, await tapi.CompletionAsync(other));
        Assert.Single(tapi.CompletionsOf(pending));
        Assert.Single(tapi.CompletionsOf(ring));
        Assert.Equal(0, await engine.LineCloseCallAsync(hdConnected)); // TAPI still closes the ended call
        Assert.Equal(0, engine.LineGetDevCaps(ids.Line, TspiVersion.V3_0, 0, out _)); // kept, not removed
        Assert.Contains(engine.Snapshot().Devices, d => d.Plugin == "Bad" && !d.InService);
    }

    [Fact]
    [Trait("Rule", "R15")]
    public async Task R15_BackendBackWithANewSession_SameDeviceIds_OpenLineReopenedAndInService()
    {
        var (engine, _, bad) = TwoPlugins();
        await using var owned = engine;
        await SessionSteps.InstallAsync(engine, 7);
        var tapi = await SessionSteps.InitAsync(engine, 7, 0, 0);
        var ids = DeviceIdsOf(engine, "Bad");
        engine.LineGetDevCaps(ids.Line, TspiVersion.V3_0, 0, out var before);
        var (_, hdLine) = await engine.LineOpenAsync(ids.Line, 0x100, TspiVersion.V3_0);
        var first = bad.LastSession!;
        ((IBackendFaults)first.Events).SessionFailed("its worker process exited with code 1");

        var context = new BackendSessionContext { Settings = BackendSettings.Empty, Log = new NullLog(), Time = TimeProvider.System, Events = first.Events };
        var restored = (FakeSession)await bad.StartSessionAsync(context, TestContext.Current.CancellationToken);
        Assert.True(await ((IBackendFaults)first.Events).SessionRestoredAsync(restored));

        await tapi.WaitForAsync(r => r is LineEventRecord { Message: LineMessage.LineDevState, P1: LineDevState.InService, HtLine: 0x100 }, "LINEDEVSTATE_INSERVICE");
        Assert.Equal(1, restored.Line(0).Opens);
        Assert.Equal(0, engine.LineGetDevCaps(ids.Line, TspiVersion.V3_0, 0, out var after));
        Assert.Equal(before!.PermanentLineId, after!.PermanentLineId);
        var call = engine.LineMakeCall(9, hdLine, 0x500, out _, "5550100");
        Assert.Equal(0, await tapi.CompletionAsync(call));
        Assert.DoesNotContain(tapi.Records, r => r is LineEventRecord { Message: LineMessage.Create or LineMessage.Remove });
    }

    private static (ProviderEngine Engine, FakeBackend Good, FakeBackend Bad) TwoPlugins(TimeProvider? time = null)
    {
        var good = new FakeBackend("Good");
        var bad = new FakeBackend("Bad");
        var catalog = new BackendCatalog().Add("Good", good).Add("Bad", bad);
        return (new ProviderEngine(catalog, new InMemoryProviderStateStore(), s_options, time), good, bad);
    }

    private static (uint Line, uint Phone) DeviceIdsOf(ProviderEngine engine, string plugin) =>
        (engine.Session!.LineEntries.First(e => e.Plugin == plugin).DeviceId!.Value, engine.Session.PhoneEntries.First(e => e.Plugin == plugin).DeviceId!.Value);

    private sealed class FixedSettings(IReadOnlyDictionary<string, BackendSettings> sections) : IPluginSettingsSource
    {
        public IReadOnlyDictionary<string, BackendSettings> ReadPluginSettings() => sections;
    }

    private sealed class NullLog : IBackendLog
    {
        public void Log(BackendLogLevel level, string message, Exception? exception = null)
        {
        }
    }
}
