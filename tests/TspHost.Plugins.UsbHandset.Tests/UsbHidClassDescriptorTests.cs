using TspHost.Plugins.UsbHandset.Transport;

namespace TspHost.Plugins.UsbHandset.Tests;

public sealed class UsbHidClassDescriptorTests
{
    [Theory]
    // HID descriptor: length 9, type 0x21, bcdHID 1.11, country 0, one descriptor: Report, 59 bytes
    // (the HP Internet Handset's wDescriptorLength).
    [InlineData("09 21 11 01 00 01 22 3B 00", 59)]
    // Preceded by another class descriptor, and announcing a physical descriptor first.
    [InlineData("05 24 01 02 03 0C 21 11 01 00 02 23 10 00 22 2D 01", 301)]
    public void ReportDescriptorLength_FromInterfaceExtra(string extra, int length) =>
        Assert.Equal(length, UsbHidClassDescriptor.ReportDescriptorLength(Descriptors.Hex(extra)));

    [Theory]
    [InlineData("")]
    [InlineData("09 21 11 01")]
    [InlineData("00 21 11 01 00 01 22 3B 00")]
    [InlineData("09 04 00 00 01 03 00 00 00")]
    public void ReportDescriptorLength_MissingOrTruncated_IsNull(string extra) =>
        Assert.Null(UsbHidClassDescriptor.ReportDescriptorLength(Descriptors.Hex(extra)));
}
