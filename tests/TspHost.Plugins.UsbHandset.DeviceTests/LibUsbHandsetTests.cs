using TspHost.Plugins.UsbHandset.Transport;

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
}
