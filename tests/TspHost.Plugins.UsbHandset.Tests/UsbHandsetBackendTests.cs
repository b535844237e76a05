using Microsoft.Extensions.Time.Testing;
using TspHost.Abstractions;
using TspHost.Testing;

namespace TspHost.Plugins.UsbHandset.Tests;

public sealed class UsbHandsetBackendTests
{
    private readonly FakeTransport _transport = new();
    private readonly FakeTimeProvider _time = new();
    private readonly SessionEventLog _sessionEvents = new();
    private readonly ListLog _log = new();

    private async Task<IBackendSession> StartAsync(params (string Key, string Value)[] settings)
    {
        var backend = new UsbHandsetBackend(_ => _transport);
        var values = new BackendSettings(settings.Select(s => KeyValuePair.Create(s.Key, s.Value)), "test", "Plugins:UsbHandset");
        return await backend.StartSessionAsync(new BackendSessionContext { Settings = values, Log = _log, Time = _time, Events = _sessionEvents }, CancellationToken.None);
    }

    private async Task<(IBackendSession Session, IPhoneDevice Phone, FakeConnection Device, PhoneEventLog Events)> OpenAsync(byte[] descriptor, params (string Key, string Value)[] settings)
    {
        var info = _transport.Plug(descriptor);
        var session = await StartAsync(settings);
        var phone = Assert.Single(session.Phones);
        var events = new PhoneEventLog();
        await phone.OpenAsync(events, CancellationToken.None);
        return (session, phone, _transport.Connections[info.Path], events);
    }

    [Fact]
    public async Task StartSession_FindsTelephonyDevicesOnly()
    {
        _transport.Plug(Descriptors.ExampleHeadset, where: "a");
        _transport.Plug(Descriptors.JLabVendorCfu, where: "b");
        _transport.Plug(Descriptors.UsbzhHeadsetKeys, where: "c");
        _transport.Plug(Descriptors.Hex("05 0B 09 05 A1 01"), where: "broken");

        await using var session = await StartAsync();

        var phone = Assert.Single(session.Phones);
        Assert.Equal("hid:0B0E:0001:a", phone.Key);
        Assert.Empty(session.Lines);
        Assert.Equal(HookSwitchDevices.Headset, phone.Capabilities.HookSwitchDevices);
        Assert.Equal(PhoneFeatures.SetHookSwitch | PhoneFeatures.SetRing | PhoneFeatures.SetLamp, phone.Capabilities.Features);
    }

    [Fact]
    public async Task StartSession_AllowListedDeviceWithoutTelephonyCollection_IsUsed()
    {
        _transport.Plug(Descriptors.UsbzhHeadsetKeys, vidPid: "1234:ABCD");

        await using var session = await StartAsync(("Devices", "1234:abcd"), ("Device:1234:ABCD:AssociatedLine", "Simulated/line-1"));

        var phone = Assert.Single(session.Phones);
        Assert.Equal("Simulated/line-1", phone.Capabilities.AssociatedLineKey);
        Assert.Equal(PhoneFeatures.None, phone.Capabilities.Features);
    }

    [Fact]
    public async Task VendorHandsetWithKeyMap_ReportsHookAndKeys()
    {
        // The HP Internet Handset's codes (see TelephonyReportMapTests); its descriptor is vendor-defined.
        var vendor = Descriptors.Hex("06 00 FF 09 01 A1 01 15 00 26 FF 00 75 08 95 02 81 02 C0");
        var info = _transport.Plug(vendor, vidPid: "03F0:1C07");
        (string, string) keyMap = ("Device:03F0:1C07:KeyMap", "0041=offhook, 0040=onhook, 0007=1, 0005=1 up");

        await using (var unlisted = await StartAsync(keyMap))
        {
            Assert.Empty(unlisted.Phones);
        }

        await using var session = await StartAsync(("Devices", "03F0:1C07"), keyMap);
        var phone = Assert.Single(session.Phones);
        var events = new PhoneEventLog();
        await phone.OpenAsync(events, CancellationToken.None);
        var device = _transport.Connections[info.Path];
        device.Feed("0041");
        device.Feed("0007");
        device.Feed("0005");
        device.Feed("0040");

        await Eventually.WaitAsync(() => events.Events.Count == 4, "hook and key events");
        Assert.Equal("hook:Handset:MicSpeaker button:1:Keypad:Down button:1:Keypad:Up hook:Handset:OnHook", events.Text);
        Assert.Empty(device.Written);
    }

    [Fact]
    public async Task StartSession_DiscoverOff_UsesListedDevicesOnly()
    {
        _transport.Plug(Descriptors.ExampleHeadset);

        await using var session = await StartAsync(("Discover", "false"));

        Assert.Empty(session.Phones);
    }

    [Fact]
    public async Task Open_SwitchesEverythingOff_ThenHookAndKeysBecomeEvents()
    {
        var (session, phone, device, events) = await OpenAsync(Descriptors.ActionsPhone);
        await using var _ = session;
        Assert.Equal("07:0000", device.LastWritten);

        device.Feed("07 01 60");
        device.Feed("07 01 48");
        device.Feed("07 01 60");
        device.Feed("07 00 60");

        await Eventually.WaitAsync(() => events.Events.Count == 4, "four phone events");
        Assert.Equal("hook:Handset:MicSpeaker button:9:Keypad:Down button:9:Keypad:Up hook:Handset:OnHook", events.Text);

        // The Off-Hook LED followed the hook switch, and went off again.
        Assert.Contains("07:0200", device.Written);
        Assert.Equal("07:0000", device.LastWritten);
        await phone.CloseAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ToggleMuteOnHeadset_IsEchoedOnMuteLedAndReportedAsFeatureButton()
    {
        var (session, _, device, events) = await OpenAsync(Descriptors.JLabTelephony);
        await using var __ = session;

        device.Feed("0B 01");
        device.Feed("0B 02");
        device.Feed("0B 00");

        await Eventually.WaitAsync(() => events.Events.Count == 3, "hook and mute events");
        Assert.Equal("hook:Headset:MicSpeaker button:13:Feature:Down button:13:Feature:Up", events.Text);
        await Eventually.WaitAsync(() => device.LastWritten == "0B:03", "Off-Hook and Mute LEDs on");
    }

    [Fact]
    public async Task SetRingHookAndLamps_RebuildWholeOutputReports()
    {
        var (session, phone, device, _) = await OpenAsync(Descriptors.ActionsPhone);
        await using var __ = session;

        await phone.SetRingAsync(1, 0xFFFF, CancellationToken.None);
        Assert.Equal("07:0400", device.LastWritten);
        await phone.SetHookSwitchAsync(HookSwitchDevices.Handset, HookSwitchMode.MicSpeaker, CancellationToken.None);
        Assert.Equal("07:0600", device.LastWritten);
        await phone.SetRingAsync(0, 0, CancellationToken.None);
        await phone.SetLampAsync(0, LampMode.Flash, CancellationToken.None);
        await phone.SetLampAsync(1, LampMode.Steady, CancellationToken.None);
        await phone.SetLampAsync(2, LampMode.Steady, CancellationToken.None);
        Assert.Equal("07:8241", device.LastWritten);
        await phone.SetLampAsync(0, LampMode.Off, CancellationToken.None);
        await phone.SetHookSwitchAsync(HookSwitchDevices.Handset, HookSwitchMode.OnHook, CancellationToken.None);
        Assert.Equal("07:0041", device.LastWritten);
    }

    [Fact]
    public async Task PlainHandset_RingDrivesRingerAndRingLed()
    {
        var (session, phone, device, _) = await OpenAsync(Descriptors.PlainHandset);
        await using var __ = session;

        await phone.SetRingAsync(1, 100, CancellationToken.None);

        Assert.Equal("00:06", device.LastWritten);
    }

    public static TheoryData<string, Func<IPhoneDevice, ValueTask>, TelephonyError> BadRequests => new()
    {
        { "ring mode 2", p => p.SetRingAsync(2, 0, CancellationToken.None), TelephonyError.InvalidParameter },
        { "ring volume", p => p.SetRingAsync(1, 70000, CancellationToken.None), TelephonyError.InvalidParameter },
        { "lamp 3", p => p.SetLampAsync(3, LampMode.Steady, CancellationToken.None), TelephonyError.InvalidParameter },
        { "headset hook on a handset", p => p.SetHookSwitchAsync(HookSwitchDevices.Headset, HookSwitchMode.OnHook, CancellationToken.None), TelephonyError.InvalidParameter },
        { "unknown hook mode", p => p.SetHookSwitchAsync(HookSwitchDevices.Handset, HookSwitchMode.Unknown, CancellationToken.None), TelephonyError.InvalidParameter },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequest_FailsWithTelephonyException(string name, Func<IPhoneDevice, ValueTask> request, TelephonyError error)
    {
        var (session, phone, _, _) = await OpenAsync(Descriptors.ActionsPhone);
        await using var __ = session;

        var ex = await Assert.ThrowsAsync<TelephonyException>(async () => await request(phone));

        Assert.Equal(error, ex.Error);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public async Task RequestsOnClosedPhone_FailWithTelephonyException()
    {
        _transport.Plug(Descriptors.ExampleHeadset);
        await using var session = await StartAsync();
        var phone = session.Phones[0];

        var ex = await Assert.ThrowsAsync<TelephonyException>(async () => await phone.SetRingAsync(1, 0, CancellationToken.None));

        Assert.Equal(TelephonyError.OperationFailed, ex.Error);
    }

    [Fact]
    public async Task CancelledToken_IsHonoured()
    {
        var (session, phone, _, _) = await OpenAsync(Descriptors.ExampleHeadset);
        await using var __ = session;
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await phone.SetRingAsync(1, 0, cts.Token));
    }

    [Fact]
    public async Task Close_StopsEventsAndSwitchesOutputsOff()
    {
        var (session, phone, device, events) = await OpenAsync(Descriptors.ExampleHeadset);
        await using var __ = session;
        await phone.SetRingAsync(1, 0, CancellationToken.None);

        await phone.CloseAsync(CancellationToken.None);
        device.Feed("01 01");

        // The reader has ended with the close (it is joined), so a report fed now is never read: no sleep needed to see nothing comes.
        Assert.Equal(0, device.Readers);
        Assert.Equal(1, device.Unread);
        Assert.Empty(events.Events);
        Assert.Equal("02:00", device.LastWritten);
        Assert.True(device.Disposed);
        await phone.CloseAsync(CancellationToken.None);

        // It can be opened again, from a clean state.
        var again = new PhoneEventLog();
        await phone.OpenAsync(again, CancellationToken.None);
        await Assert.ThrowsAsync<TelephonyException>(async () => await phone.OpenAsync(again, CancellationToken.None));
        await phone.CloseAsync(CancellationToken.None);
    }

    [Fact]
    public async Task HotPlug_ArrivalAndDepartureAreAnnounced()
    {
        var first = _transport.Plug(Descriptors.ExampleHeadset, where: "1");
        await using var session = await StartAsync(("RescanIntervalMs", "1000"));
        var events = new PhoneEventLog();
        await session.Phones[0].OpenAsync(events, CancellationToken.None);

        _transport.Plug(Descriptors.JLabTelephony, where: "2");
        _transport.Unplug(first);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["phone-:hid:0B0E:0001:1", "phone+:hid:0B0E:0001:2"], _sessionEvents.Events);
        await Eventually.WaitAsync(() => events.Events.Contains("service:False"), "out of service");
        await Task.Delay(2 * 100, TestContext.Current.CancellationToken);
        Assert.Equal(["service:False"], events.Events);
        var gone = await Assert.ThrowsAsync<TelephonyException>(async () => await session.Phones[0].SetRingAsync(1, 0, CancellationToken.None));
        Assert.Equal(TelephonyError.NoDevice, gone.Error);

        // The new one works.
        _sessionEvents.Arrived.TryPeek(out var arrived);
        var arrivedEvents = new PhoneEventLog();
        await arrived!.OpenAsync(arrivedEvents, CancellationToken.None);
        _transport.Connections["/dev/fake-2"].Feed("0B 01");
        await Eventually.WaitAsync(() => arrivedEvents.Text == "hook:Headset:MicSpeaker", "hook event from the new headset");
    }

    [Fact]
    public async Task DisposeSession_ClosesPhonesAndTransportAndStopsRescans()
    {
        var (session, _, device, _) = await OpenAsync(Descriptors.ExampleHeadset, ("RescanIntervalMs", "1000"));

        await session.DisposeAsync();
        _transport.Plug(Descriptors.ExampleHeadset, where: "later");
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.True(device.Disposed);
        Assert.True(_transport.Disposed);
        Assert.Empty(_sessionEvents.Events);
    }

    [Theory]
    [InlineData("Transport", "serial", "Plugins:UsbHandset:Transport")]
    [InlineData("Devices", "0B0E", "Plugins:UsbHandset:Devices")]
    [InlineData("Devices", "0B0E:1,xyz:1", "Plugins:UsbHandset:Devices")]
    [InlineData("Device:0B0E:0001:KeyMap", "0041=dance", "Plugins:UsbHandset:Device:0B0E:0001:KeyMap")]
    [InlineData("Device:0B0E:0001:Colour", "red", "Plugins:UsbHandset:Device:0B0E:0001:Colour")]
    [InlineData("Device:nonsense", "x", "Plugins:UsbHandset:Device:nonsense")]
    [InlineData("RescanIntervalMs", "-5", "Plugins:UsbHandset:RescanIntervalMs")]
    [InlineData("Discover", "maybe", "Plugins:UsbHandset:Discover")]
    public void ValidateSettings_BadValue_NamesTheKey(string key, string value, string fullKey)
    {
        var settings = new BackendSettings([KeyValuePair.Create(key, value)], "test", "Plugins:UsbHandset");

        var ex = Assert.Throws<BackendConfigurationException>(() => new UsbHandsetBackend().ValidateSettings(settings));

        Assert.Equal(fullKey, ex.Key);
    }

    [Fact]
    public void ValidateSettings_FullExample_IsAccepted()
    {
        var settings = new BackendSettings(new Dictionary<string, string>
        {
            ["Transport"] = "libusb",
            ["Devices"] = "03f0:1c07, 0B0E:24C8",
            ["Discover"] = "false",
            ["RescanIntervalMs"] = "0",
            ["Device:03F0:1C07:KeyMap"] = "0041=offhook, 0040=onhook, 0007=1, 0005=1 up",
            ["Device:03F0:1C07:AssociatedLine"] = "SerialModem/ttyUSB0",
        });

        var parsed = UsbHandsetSettings.Parse(settings);

        Assert.Equal(HidTransportKind.LibUsb, parsed.Transport);
        Assert.Equal(["03F0:1C07", "0B0E:24C8"], parsed.AllowList.Order());
        Assert.Equal(4, parsed.For("03F0:1C07").KeyMap.Count);
        Assert.Equal("SerialModem/ttyUSB0", parsed.For("03F0:1C07").AssociatedLine);
        Assert.Equal(TimeSpan.Zero, parsed.RescanInterval);
    }
}
