using TspHost.Abstractions;
using TspHost.Plugins.UsbHandset.Transport;

namespace TspHost.Plugins.UsbHandset.Tests;

public sealed class HidrawDiscoveryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("usbhandset-sysfs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void AddNode(string name, string uevent, byte[] descriptor)
    {
        var device = Directory.CreateDirectory(Path.Combine(_root, "class", name, "device")).FullName;
        File.WriteAllText(Path.Combine(device, "uevent"), uevent);
        File.WriteAllBytes(Path.Combine(device, "report_descriptor"), descriptor);
    }

    [Fact]
    public void Enumerate_ReadsUeventAndDescriptorOfEachNode()
    {
        AddNode("hidraw3", "DRIVER=hid-generic\nHID_ID=0003:00000B0E:0000245E\nHID_NAME=Jabra Evolve 65\nHID_PHYS=usb-0000:00:14.0-2/input3\nHID_UNIQ=50C2ED\n", Descriptors.ExampleHeadset);
        AddNode("hidraw0", "HID_ID=0003:0000046D:0000C52B\nHID_NAME=Logitech USB Receiver\nHID_PHYS=usb-0000:00:14.0-1/input0\nHID_UNIQ=\n", [0x05, 0x01]);
        AddNode("hidraw9", "DRIVER=hid-generic\n", [0x05, 0x01]);

        var devices = new HidrawTransport(Path.Combine(_root, "class"), "/dev").Enumerate();

        Assert.Equal(2, devices.Count);
        var logitech = devices[0];
        Assert.Equal(("hid:046D:C52B:usb-0000:00:14.0-1/input0", "/dev/hidraw0", "046D:C52B"), (logitech.Key, logitech.Path, logitech.VidPid));
        var jabra = devices[1];
        Assert.Equal(("hid:0B0E:245E:50C2ED", "Jabra Evolve 65"), (jabra.Key, jabra.Name));
        Assert.Equal(Descriptors.ExampleHeadset, jabra.ReportDescriptor);
    }

    [Theory]
    [InlineData("HID_ID=0003:0B0E\n")]
    [InlineData("HID_ID=0003:zzzz:0001\n")]
    [InlineData("HID_NAME=x\n")]
    public void ParseUevent_WithoutUsableHidId_IsNoDevice(string uevent) =>
        Assert.Null(HidrawTransport.ParseUevent(uevent, "hidraw0", "/dev/hidraw0", []));

    [Fact]
    public async Task Session_OverFakeSysfs_FindsOnlyTheTelephonyNode()
    {
        AddNode("hidraw1", "HID_ID=0003:00000B0E:0000245E\nHID_NAME=Headset\n", Descriptors.JLabTelephony);
        AddNode("hidraw2", "HID_ID=0003:0000046D:0000C52B\nHID_NAME=Receiver\n", Descriptors.JLabVendorCfu);
        var settings = new BackendSettings(new Dictionary<string, string>
        {
            ["HidrawSysfsRoot"] = Path.Combine(_root, "class"),
            ["DeviceRoot"] = Path.Combine(_root, "dev"),
            ["RescanIntervalMs"] = "0",
        });

        await using var session = await new UsbHandsetBackend().StartSessionAsync(
            new BackendSessionContext { Settings = settings, Log = new ListLog(), Time = TimeProvider.System, Events = new SessionEventLog() }, TestContext.Current.CancellationToken);

        var phone = Assert.Single(session.Phones);
        Assert.Equal("hid:0B0E:245E:hidraw1", phone.Key);

        // The node itself does not exist here: opening fails as a TelephonyException.
        var ex = await Assert.ThrowsAsync<TelephonyException>(async () => await phone.OpenAsync(new PhoneEventLog(), TestContext.Current.CancellationToken));
        Assert.Equal(TelephonyError.NoDevice, ex.Error);
    }
}
