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
            Assert.Skip(reason);
        }

        using var testbed = UmockdevTestbed.Create();
        testbed.AddFromFile(Path.Combine(AppContext.BaseDirectory, "Devices", "libusb-handset.umockdev"));

        using var transport = LibUsbTransport.Create();

        var found = Assert.Single(transport.ListHidInterfaces());
        Assert.Equal("0B0E:0002 1-2 if0 in:81/8 out:02 report:76", found);
    }

    [Fact]
    public async Task LibUsb_RecordedTransfers_LiftKeyHangUpThenRing()
    {
        if (UmockdevTestbed.Unavailable() is { } reason)
        {
            Assert.Skip(reason);
        }

        var descriptor = Convert.FromHexString(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Devices", "handset.umockdev"))
            .Single(l => l.StartsWith("H: report_descriptor=", StringComparison.Ordinal))["H: report_descriptor=".Length..]);
        var capture = new UsbmonCapture(bus: 1, device: 3)
            .ControlIn(0x81, 0x06, 0x2200, 0, descriptor, (ushort)descriptor.Length)
            .InterruptOut(0x02, [0x02, 0x00])
            .InterruptIn(0x81, 64, [0x01, 0x01])
            .InterruptOut(0x02, [0x02, 0x01])
            .InterruptIn(0x81, 64, [0x01, 0x0D])
            .InterruptIn(0x81, 64, [0x01, 0x01])
            .InterruptIn(0x81, 64, [0x01, 0x00])
            .InterruptOut(0x02, [0x02, 0x00])
            .InterruptInPending(0x81, 64)
            .InterruptOut(0x02, [0x02, 0x06])
            .InterruptOut(0x02, [0x02, 0x00]);
        var pcap = Path.Combine(Path.GetTempPath(), $"usbhandset-{Environment.ProcessId}.pcap");
        capture.Save(pcap);
        try
        {
            using var testbed = UmockdevTestbed.Create();
            testbed.AddFromFile(Path.Combine(AppContext.BaseDirectory, "Devices", "libusb-handset.umockdev"));
            testbed.LoadPcap("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2", pcap);

            var settings = new BackendSettings([KeyValuePair.Create("Transport", "libusb"), KeyValuePair.Create("Devices", "0B0E:0002"), KeyValuePair.Create("RescanIntervalMs", "0")]);
            await using var session = await new UsbHandsetBackend().StartSessionAsync(
                new BackendSessionContext(settings, new EntryLog(), TimeProvider.System, new NoSessionEvents()), TestContext.Current.CancellationToken);
            var phone = Assert.Single(session.Phones);
            Assert.Equal("usb:0B0E:0002:1-2:0", phone.Key);

            var events = new PhoneEvents();
            await phone.OpenAsync(events, TestContext.Current.CancellationToken);
            await Eventually.WaitAsync(() => events.All.Contains("hook:OnHook"), "lift, key 5, hang up");
            Assert.Equal("hook:MicSpeaker 5:Down 5:Up hook:OnHook", string.Join(' ', events.All));

            await phone.SetRingAsync(1, 0xFFFF, TestContext.Current.CancellationToken);
            await phone.CloseAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            File.Delete(pcap);
        }
    }
}
