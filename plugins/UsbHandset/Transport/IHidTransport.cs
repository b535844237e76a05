using TspHost.Plugins.UsbHandset.Telephony;

namespace TspHost.Plugins.UsbHandset.Transport;

/// <summary>
/// The seam between the device logic and a way of reaching HID devices (Linux hidraw, libusb-1.0,
/// or a fake in tests).
/// </summary>
public interface IHidTransport : IDisposable
{
    /// <summary>A short name for logs: <c>hidraw</c>, <c>libusb</c>.</summary>
    string Name { get; }

    /// <summary>Lists the HID devices present now, with their report descriptors.</summary>
    /// <exception cref="IOException">The device list cannot be read.</exception>
    IReadOnlyList<HidDeviceInfo> Enumerate();

    /// <summary>Opens a device for reports.</summary>
    /// <exception cref="IOException">The device is gone or cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">The process may not open the device.</exception>
    IHidConnection Open(HidDeviceInfo device);
}

/// <summary>One HID device (interface) as a transport found it.</summary>
/// <param name="Key">A name that stays the same across restarts and re-plugs into the same port.</param>
/// <param name="Path">Where the transport reaches it (a device node, a bus address).</param>
/// <param name="VendorId">The USB vendor ID.</param>
/// <param name="ProductId">The USB product ID.</param>
/// <param name="Name">The product name, as the device tells it.</param>
/// <param name="ReportDescriptor">The raw report descriptor.</param>
public sealed record HidDeviceInfo(string Key, string Path, ushort VendorId, ushort ProductId, string Name, byte[] ReportDescriptor)
{
    /// <summary>The <c>VVVV:PPPP</c> form used in settings.</summary>
    public string VidPid => $"{VendorId:X4}:{ProductId:X4}";
}

/// <summary>An open HID device. Reads come from one thread; writes may come from any thread, one at a time.</summary>
public interface IHidConnection : IDisposable
{
    /// <summary>
    /// Waits up to <paramref name="timeoutMilliseconds"/> for one input report and copies it (report ID
    /// first when the device numbers its reports) into <paramref name="buffer"/>. Returns its length, or
    /// 0 when none came in time.
    /// </summary>
    /// <exception cref="IOException">The device is gone.</exception>
    int ReadReport(Span<byte> buffer, int timeoutMilliseconds);

    /// <summary>Sends one whole output report.</summary>
    /// <exception cref="IOException">The device is gone or refused the report.</exception>
    void WriteReport(HidOutputReport report);
}
