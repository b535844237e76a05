using TspHost.Abstractions;
using TspHost.Testing;

namespace TspHost.Plugins.UsbHandset.DeviceTests;

public sealed class HidrawHandsetTests
{
    private static string DevicePath(string name) => Path.Combine(AppContext.BaseDirectory, "Devices", name);

    [Fact]
    public async Task Hidraw_FakeHandset_LiftDialHangUpThenRing()
    {
        if (UmockdevTestbed.Unavailable() is { } reason)
        {
            Assert.Fail(reason + " ./test.sh installs what these tests need (Debian: umockdev, libumockdev0, libusb-1.0-0).");
        }

        using var testbed = UmockdevTestbed.Create();
        testbed.AddFromFile(DevicePath("handset.umockdev"));
        testbed.LoadScript("/dev/hidraw0", DevicePath("handset.script"));

        var backend = new UsbHandsetBackend();
        var settings = new BackendSettings([KeyValuePair.Create("RescanIntervalMs", "0")], "test", "Plugins:UsbHandset");
        var log = new EntryLog();
        await using var session = await backend.StartSessionAsync(new BackendSessionContext { Settings = settings, Log = log, Time = TimeProvider.System, Events = new NoSessionEvents() }, TestContext.Current.CancellationToken);

        var phone = Assert.Single(session.Phones);
        Assert.Equal("hid:0B0E:0001:usb-0000:00:14.0-1/input3", phone.Key);
        Assert.Equal("Fake Telephony Handset", phone.Capabilities.Name);
        Assert.Equal(HookSwitchDevices.Handset, phone.Capabilities.HookSwitchDevices);

        var events = new PhoneEvents();
        await phone.OpenAsync(events, TestContext.Current.CancellationToken);
        await Eventually.WaitAsync(() => events.All.Contains("hook:OnHook"), "lift, keys 5 1 2, hang up");
        Assert.Equal(
            "hook:MicSpeaker 5:Down 5:Up 1:Down 1:Up 2:Down 2:Up hook:OnHook",
            string.Join(' ', events.All));

        // The script checks each write: the ring report must come next, then all off at close.
        await phone.SetRingAsync(1, 0xFFFF, TestContext.Current.CancellationToken);
        await phone.CloseAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(log.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal));
    }
}
