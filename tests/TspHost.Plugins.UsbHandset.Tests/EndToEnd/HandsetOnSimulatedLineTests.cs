using Microsoft.Extensions.Time.Testing;
using TspHost.Abstractions;
using TspHost.Core.Configuration;
using TspHost.Core.Lifecycle;
using TspHost.Core.Tapi;
using TspHost.Core.Versions;
using TspHost.Plugins.Simulated;
using TspHost.Plugins.UsbHandset.Transport;
using TspHost.Testing;

namespace TspHost.Plugins.UsbHandset.Tests.EndToEnd;

/// <summary>
/// The provider engine with two plugins: Simulated gives the line, UsbHandset a handset on a fake
/// device whose configuration associates it with that line. The handset is worked through input
/// reports (the plugin's reader, report parser and device logic); the engine routes it to the line;
/// TAPI sees what a person at a real handset would cause. One manual clock drives the engine and both
/// plugins, so the dial pause and the far end's rings are deterministic.
/// </summary>
public sealed class HandsetOnSimulatedLineTests : IAsyncLifetime
{
    private const uint ProviderId = 11;
    private const uint LineBase = 30;
    private const uint PhoneBase = 50;

    // The Actions telephone's report 7 (see Descriptors): byte 1 bit 0 is the hook switch (absolute),
    // byte 2 bits 3-6 the keypad array, 12 meaning no key; the output report's bit 9 is the Off-Hook
    // LED and bit 10 the Ring LED.
    private const string OnHook = "07 00 60";
    private const string OffHook = "07 01 60";
    private const string AllOff = "07:0000";
    private const string OffHookLed = "07:0200";
    private const string RingLed = "07:0400";
    private const string OffHookAndRingLeds = "07:0600";

    private readonly FakeTimeProvider _time = new();
    private readonly FakeTransport _transport = new();
    private readonly SimulatedBackend _simulated = new();
    private readonly TapiTimeline _tapi = new();
    private readonly ProviderEngineOptions _options = new();
    private readonly HidDeviceInfo _handset;
    private readonly ProviderEngine _engine;

    public HandsetOnSimulatedLineTests()
    {
        _handset = _transport.Plug(Descriptors.ActionsPhone, vidPid: "0B0E:0001");
        var catalog = new BackendCatalog()
            .Add("Simulated", _simulated, settings: new Dictionary<string, string> { ["Lines"] = "1", ["Phones"] = "0" })
            .Add("UsbHandset", new UsbHandsetBackend(_ => _transport), settings: new Dictionary<string, string> { ["Device:0B0E:0001:AssociatedLine"] = "Simulated/line-1" });
        _engine = new ProviderEngine(catalog, new InMemoryProviderStateStore(), _options, _time);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var install = await _engine.ProviderInstallAsync(ProviderId).WithTimeout("providerInstall");
        Assert.True(install.Succeeded, install.Message);
        var (result, lines, phones) = await _engine.ProviderEnumDevicesAsync(ProviderId).WithTimeout("providerEnumDevices");
        Assert.Equal(0, result);
        Assert.Equal((1u, 1u), (lines, phones));
        var init = await _engine.ProviderInitAsync(TspiVersion.V3_0, ProviderId, LineBase, PhoneBase, lines, phones, _tapi).WithTimeout("providerInit");
        Assert.True(init.Succeeded, init.Message);
    }

    public async ValueTask DisposeAsync()
    {
        await _engine.ProviderShutdownAsync(TspiVersion.V3_0, ProviderId).WithTimeout("providerShutdown");
        await _engine.DisposeAsync();
    }

    [Fact]
    public async Task Handset_PlacesACallThatIsAnswered_HangsUp_ThenRingsForAnIncomingCallAndAnswersIt()
    {
        var device = await OpenLineAndHandsetAsync();

        // Lifting the handset starts a call on the line, in dial tone.
        device.Feed(OffHook);
        await _tapi.WaitForAsync("LINE_CALLSTATE #1 DialTone");

        // The number is dialled en bloc once the keypad pauses; the far end answers after its rings.
        const string number = "5551000";
        foreach (var key in number)
        {
            device.Feed($"07 01 {(key - '0') << 3:X2}");
            device.Feed(OffHook);
        }

        // The last key's release reached TAPI after the engine took the key, so the pause starts now.
        await _tapi.WaitForAsync("PHONE_BUTTON 0 Keypad Up", times: 3);
        _time.Advance(_options.HandsetDialTimeout);
        await _tapi.WaitForAsync("LINE_CALLSTATE #1 Ringback");
        await AdvanceClockUntilAsync(() => _tapi.Entries.Contains("LINE_CALLSTATE #1 Connected"), "the far end to answer");

        // Hanging up drops the call.
        device.Feed(OnHook);
        await _tapi.WaitForAsync("LINE_CALLSTATE #1 Idle");
        Assert.Equal(0, _engine.LineGetCallInfo(_tapi.HdCall(1), out var placed));
        Assert.Equal(CallOriginFlags.Outbound, placed!.Origin);
        Assert.Equal(0, await _engine.LineCloseCallAsync(_tapi.HdCall(1)).WithTimeout("lineCloseCall"));

        // A call arrives on the line: the handset rings (the Ring LED goes on) until it is lifted, which answers.
        _simulated.CurrentSession!.Exchange.InjectIncomingCall("line-1", new PartyId { Number = "5551234", Name = "Alice" });
        await _tapi.WaitForAsync("PHONE_STATE RINGMODE 1");
        Assert.Equal(RingLed, device.LastWritten);
        device.Feed(OffHook);
        await _tapi.WaitForAsync("LINE_CALLSTATE #2 Connected");
        await _tapi.WaitForAsync("PHONE_STATE RINGMODE 0");
        Assert.Equal(0, _engine.LineGetCallInfo(_tapi.HdCall(2), out var answered));
        Assert.Equal(("5551234", "Alice"), (answered!.CallerId, answered.CallerIdName));
        device.Feed(OnHook);
        await _tapi.WaitForAsync("LINE_CALLSTATE #2 Idle");

        string[] keys = [.. number.SelectMany(k => new[] { $"PHONE_BUTTON {k} Keypad Down", $"PHONE_BUTTON {k} Keypad Up" })];
        Assert.Equal(
            [
                "PHONE_STATE HANDSETHOOKSWITCH MicSpeaker",
                "LINE_NEWCALL #1",
                "LINE_CALLSTATE #1 DialTone",
                .. keys,
                "LINE_CALLSTATE #1 Dialing",
                "LINE_CALLSTATE #1 Proceeding",
                "LINE_CALLSTATE #1 Ringback",
                "LINE_CALLSTATE #1 Connected",
                "PHONE_STATE HANDSETHOOKSWITCH OnHook",
                "LINE_CALLSTATE #1 Idle",
                "LINE_NEWCALL #2",
                "LINE_CALLSTATE #2 Offering",
                "PHONE_STATE RINGMODE 1",
                "PHONE_STATE HANDSETHOOKSWITCH MicSpeaker",
                "LINE_CALLSTATE #2 Connected",
                "PHONE_STATE RINGMODE 0",
                "PHONE_STATE HANDSETHOOKSWITCH OnHook",
                "LINE_CALLSTATE #2 Idle",
            ],
            _tapi.Entries);

        // What the handset was told: all off when opened, the Off-Hook LED following the hook switch,
        // the Ring LED while the incoming call offered, each output report whole.
        Assert.Equal([AllOff, OffHookLed, AllOff, RingLed, OffHookAndRingLeds, OffHookLed, AllOff], device.Written);
    }

    [Fact]
    public async Task Handset_UnpluggedDuringACall_IsRemovedAndTheCallEnds()
    {
        var device = await OpenLineAndHandsetAsync();
        _simulated.CurrentSession!.Exchange.InjectIncomingCall("line-1", new PartyId { Number = "5551234", Name = "Alice" });
        await _tapi.WaitForAsync("PHONE_STATE RINGMODE 1");
        device.Feed(OffHook);
        await _tapi.WaitForAsync("LINE_CALLSTATE #1 Connected");

        // The device goes; the plugin's next rescan notices.
        _transport.Unplug(_handset);
        await AdvanceClockUntilAsync(() => _tapi.Entries.Contains("PHONE_REMOVE"), "PHONE_REMOVE");

        await _tapi.WaitForAsync("LINE_CALLSTATE #1 Idle");
        var entries = _tapi.Entries.ToList();
        Assert.True(entries.IndexOf("PHONE_CLOSE") < entries.IndexOf("PHONE_REMOVE"), string.Join(", ", entries));
        Assert.Equal(["LINE_NEWCALL #1", "LINE_CALLSTATE #1 Offering", "LINE_CALLSTATE #1 Connected", "LINE_CALLSTATE #1 Idle"], entries.Where(e => e.Contains("#1", StringComparison.Ordinal)));
        Assert.Equal(0, _engine.LineGetCallStatus(_tapi.HdCall(1), out var status));
        Assert.Equal((uint)CallState.Idle, status!.CallState);
    }

    /// <summary>Opens the line and the handset as TAPI would; returns the handset's fake device.</summary>
    private async Task<FakeConnection> OpenLineAndHandsetAsync()
    {
        Assert.Equal(0, _engine.PhoneGetDevCaps(PhoneBase, TspiVersion.V3_0, 0, out var phoneCaps));
        Assert.Equal("Fake headset", phoneCaps!.PhoneName);
        var (lineResult, _) = await _engine.LineOpenAsync(LineBase, 0x100, TspiVersion.V3_0).WithTimeout("lineOpen");
        Assert.Equal(0, lineResult);
        var (phoneResult, _) = await _engine.PhoneOpenAsync(PhoneBase, 0x200, TspiVersion.V3_0).WithTimeout("phoneOpen");
        Assert.Equal(0, phoneResult);
        return _transport.Connections[_handset.Path];
    }

    /// <summary>Moves the shared clock in small steps until <paramref name="condition"/> holds; bounded in virtual and real time.</summary>
    private async Task AdvanceClockUntilAsync(Func<bool> condition, string what)
    {
        var step = TimeSpan.FromMilliseconds(100);
        var limit = TimeSpan.FromMinutes(1);
        var realDeadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        for (var waited = TimeSpan.Zero; !condition(); waited += step)
        {
            if (waited > limit || DateTime.UtcNow > realDeadline)
            {
                throw new TimeoutException($"Timed out after {waited.TotalSeconds:0.#} s of virtual time waiting for {what}; TAPI saw: {string.Join(", ", _tapi.Entries)}");
            }

            _time.Advance(step);
            await Task.Delay(1, Token);
        }
    }
}
