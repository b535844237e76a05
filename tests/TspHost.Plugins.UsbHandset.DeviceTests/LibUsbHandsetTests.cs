using TspHost.Abstractions;
using TspHost.Plugins.UsbHandset.Transport;
using TspHost.Testing;

namespace TspHost.Plugins.UsbHandset.DeviceTests;

public sealed class LibUsbHandsetTests
{
    [Fact]
    public void LibUsb_DescribedDevice_ShowsItsHidInterfaceAndEndpoints()
    {
        if (UmockdevTestbed.Unavailable() is { } reason)
        {
            Assert.Fail(reason + " ./test.sh installs what these tests need (Debian: umockdev, libumockdev0, libusb-1.0-0).");
        }

        using var testbed = UmockdevTestbed.Create();
        testbed.AddFromFile(Path.Combine(AppContext.BaseDirectory, "Devices", "libusb-handset.umockdev"));

        using var transport = LibUsbTransport.Create();

        var found = Assert.Single(transport.ListHidInterfaces());
        Assert.Equal("0B0E:0002 1-2 if0 in:81/8 out:02 report:76", found);
    }

    [Theory]
    [InlineData("libusb-handset.umockdev", "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2", 3, "0B0E:0002", false)]
    [InlineData("libusb-handset-no-out.umockdev", "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3", 4, "0B0E:0003", true)]
    public async Task LibUsb_RecordedTransfers_LiftKeyHangUpThenRing(string description, string sysfsPath, int address, string vidPid, bool setReport)
    {
        if (UmockdevTestbed.Unavailable() is { } reason)
        {
            Assert.Fail(reason + " ./test.sh installs what these tests need (Debian: umockdev, libumockdev0, libusb-1.0-0).");
        }

        var descriptor = Convert.FromHexString(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Devices", "handset.umockdev"))
            .Single(l => l.StartsWith("H: report_descriptor=", StringComparison.Ordinal))["H: report_descriptor=".Length..]);
        var capture = new UsbmonCapture(bus: 1, device: address)
            .ControlIn(0x81, 0x06, 0x2200, 0, descriptor, (ushort)descriptor.Length);

        // Output report 2 goes to the interrupt OUT endpoint, or as SET_REPORT (Output, ID 2) without one.
        UsbmonCapture Output(byte state) => setReport
            ? capture.ControlOut(0x21, 0x09, 0x0202, 0, [0x02, state])
            : capture.InterruptOut(0x02, [0x02, state]);

        Output(0x00);
        capture.InterruptIn(0x81, 64, [0x01, 0x01]);
        Output(0x01);
        capture.InterruptIn(0x81, 64, [0x01, 0x0D])
            .InterruptIn(0x81, 64, [0x01, 0x01])
            .InterruptIn(0x81, 64, [0x01, 0x00]);
        Output(0x00);
        capture.InterruptInPending(0x81, 64);
        Output(0x06);
        Output(0x00);
        var pcap = Path.Combine(Path.GetTempPath(), $"usbhandset-{Environment.ProcessId}-{address}.pcap");
        capture.Save(pcap);
        try
        {
            using var testbed = UmockdevTestbed.Create();
            testbed.AddFromFile(Path.Combine(AppContext.BaseDirectory, "Devices", description));
            testbed.LoadPcap(sysfsPath, pcap);

            var settings = new BackendSettings([KeyValuePair.Create("Transport", "libusb"), KeyValuePair.Create("Devices", vidPid), KeyValuePair.Create("RescanIntervalMs", "0")]);
            await using var session = await new UsbHandsetBackend().StartSessionAsync(
                new BackendSessionContext { Settings = settings, Log = new EntryLog(), Time = TimeProvider.System, Events = new NoSessionEvents() }, TestContext.Current.CancellationToken);
            var phone = Assert.Single(session.Phones);
            Assert.Equal($"usb:{vidPid}:1-{sysfsPath[^1]}:0", phone.Key);

            var events = new PhoneEvents();
            await phone.OpenAsync(events, TestContext.Current.CancellationToken);
            await Eventually.WaitAsync(() => events.All.Contains("hook:OnHook"), "lift, key 5, hang up");
            Assert.Equal("hook:MicSpeaker 5:Down 5:Up hook:OnHook", string.Join(' ', events.All));

            // The capture checks each output report: ring next, then all off at close.
            await phone.SetRingAsync(1, 0xFFFF, TestContext.Current.CancellationToken);
            await phone.CloseAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            File.Delete(pcap);
        }
    }
}
