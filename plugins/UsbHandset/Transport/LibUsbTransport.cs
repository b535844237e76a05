using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using TspHost.Plugins.UsbHandset.Hid;
using TspHost.Plugins.UsbHandset.Telephony;

namespace TspHost.Plugins.UsbHandset.Transport;

/// <summary>
/// libusb-1.0 through P/Invoke, for devices without a kernel HID driver and for systems without
/// hidraw: HID interfaces are found in the active configuration, the report descriptor is read with
/// GET_DESCRIPTOR, input reports come from the interrupt IN endpoint, output reports go to the
/// interrupt OUT endpoint when there is one and as SET_REPORT control transfers otherwise.
/// </summary>
internal sealed class LibUsbTransport : IHidTransport
{
    private const uint ControlTimeoutMilliseconds = 1000;

    private readonly SafeLibUsbContextHandle _context;
    private readonly Func<string, bool> _consider;
    private readonly ConcurrentDictionary<string, UsbHidLocation> _locations = new(StringComparer.Ordinal);

    private LibUsbTransport(SafeLibUsbContextHandle context, Func<string, bool> consider)
    {
        _context = context;
        _consider = consider;
    }

    public string Name => "libusb";

    /// <summary>
    /// Starts libusb. Finding a report descriptor means opening the device, so only devices whose
    /// <c>VVVV:PPPP</c> passes <paramref name="consider"/> are opened (all when it is <c>null</c>).
    /// </summary>
    /// <exception cref="DllNotFoundException">libusb-1.0 is not installed.</exception>
    /// <exception cref="IOException">libusb failed to start.</exception>
    public static LibUsbTransport Create(Func<string, bool>? consider = null)
    {
        var result = Interop.LibUsb.Init(out var context);
        if (result != Interop.LibUsb.Success)
        {
            context.Dispose();
            throw new IOException($"libusb_init failed: {Interop.LibUsb.Describe(result)}");
        }

        return new LibUsbTransport(context, consider ?? (_ => true));
    }

    public IReadOnlyList<HidDeviceInfo> Enumerate()
    {
        var devices = new List<HidDeviceInfo>();
        WithDevices(device =>
        {
            foreach (var location in FindHidInterfaces(device))
            {
                if (Describe(device, location) is { } info)
                {
                    _locations[info.Path] = location;
                    devices.Add(info);
                }
            }

            return false;
        });
        return devices;
    }

    /// <summary>The HID interfaces of every device, without opening any: for diagnostics and tests.</summary>
    internal IReadOnlyList<string> ListHidInterfaces()
    {
        var found = new List<string>();
        WithDevices(device =>
        {
            if (Interop.LibUsb.GetDeviceDescriptor(device, out var descriptor) == Interop.LibUsb.Success)
            {
                found.AddRange(FindHidInterfaces(device).Select(l =>
                    $"{descriptor.VendorId:X4}:{descriptor.ProductId:X4} {l.Port} if{l.Interface} in:{l.InEndpoint:X2}/{l.InMaxPacket} out:{l.OutEndpoint:X2} report:{l.ReportDescriptorLength}"));
            }

            return false;
        });
        return found;
    }

    public IHidConnection Open(HidDeviceInfo device)
    {
        if (!_locations.TryGetValue(device.Path, out var location))
        {
            throw new IOException($"{device.Path}: unknown device");
        }

        SafeLibUsbDeviceHandle? handle = null;
        var error = Interop.LibUsb.ErrorNoDevice;
        WithDevices(candidate =>
        {
            if (Locate(candidate) != location.Port)
            {
                return false;
            }

            error = Interop.LibUsb.Open(candidate, out handle);
            return true;
        });

        if (handle is null || error != Interop.LibUsb.Success)
        {
            handle?.Dispose();
            throw Failure(device.Path, "open", error);
        }

        var claimed = Interop.LibUsb.ClaimInterface(handle, location.Interface);
        if (claimed == Interop.LibUsb.ErrorBusy)
        {
            // The kernel's HID driver holds it: take it over for as long as it is claimed.
            _ = Interop.LibUsb.SetAutoDetachKernelDriver(handle, 1);
            claimed = Interop.LibUsb.ClaimInterface(handle, location.Interface);
        }

        if (claimed != Interop.LibUsb.Success)
        {
            handle.Dispose();
            throw Failure(device.Path, "claim interface", claimed);
        }

        return new LibUsbConnection(handle, location, device.Path);
    }

    public void Dispose() => _context.Dispose();

    private void WithDevices(Func<nint, bool> visit)
    {
        var count = Interop.LibUsb.GetDeviceList(_context, out var list);
        if (count < 0)
        {
            throw new IOException($"libusb_get_device_list failed: {Interop.LibUsb.Describe((int)count)}");
        }

        try
        {
            for (var i = 0; i < count; i++)
            {
                if (visit(Marshal.ReadIntPtr(list, i * IntPtr.Size)))
                {
                    return;
                }
            }
        }
        finally
        {
            Interop.LibUsb.FreeDeviceList(list, 1);
        }
    }

    private static unsafe string Locate(nint device)
    {
        var ports = stackalloc byte[8];
        var count = Interop.LibUsb.GetPortNumbers(device, ports, 8);
        var path = new StringBuilder().Append(Interop.LibUsb.GetBusNumber(device)).Append('-');
        for (var i = 0; i < count; i++)
        {
            path.Append(i == 0 ? "" : ".").Append(ports[i]);
        }

        return path.ToString();
    }

    private static List<UsbHidLocation> FindHidInterfaces(nint device)
    {
        var found = new List<UsbHidLocation>();
        if (Interop.LibUsb.GetActiveConfigDescriptor(device, out var configPointer) != Interop.LibUsb.Success)
        {
            return found;
        }

        try
        {
            var config = Marshal.PtrToStructure<Interop.LibUsb.ConfigDescriptor>(configPointer);
            for (var i = 0; i < config.NumInterfaces; i++)
            {
                var usbInterface = Marshal.PtrToStructure<Interop.LibUsb.Interface>(config.Interfaces + (i * Marshal.SizeOf<Interop.LibUsb.Interface>()));
                if (usbInterface.NumAltSettings < 1)
                {
                    continue;
                }

                var setting = Marshal.PtrToStructure<Interop.LibUsb.InterfaceDescriptor>(usbInterface.AltSettings);
                if (setting.InterfaceClass != Interop.LibUsb.ClassHid)
                {
                    continue;
                }

                byte inEndpoint = 0;
                ushort inPacket = 0;
                byte outEndpoint = 0;
                for (var e = 0; e < setting.NumEndpoints; e++)
                {
                    var endpoint = Marshal.PtrToStructure<Interop.LibUsb.EndpointDescriptor>(setting.Endpoints + (e * Marshal.SizeOf<Interop.LibUsb.EndpointDescriptor>()));
                    if ((endpoint.Attributes & 0x3) != Interop.LibUsb.TransferTypeInterrupt)
                    {
                        continue;
                    }

                    if ((endpoint.EndpointAddress & Interop.LibUsb.EndpointIn) != 0)
                    {
                        (inEndpoint, inPacket) = (endpoint.EndpointAddress, endpoint.MaxPacketSize);
                    }
                    else
                    {
                        outEndpoint = endpoint.EndpointAddress;
                    }
                }

                if (inEndpoint == 0)
                {
                    continue;
                }

                var extra = setting.ExtraLength > 0 ? CopyBytes(setting.Extra, setting.ExtraLength) : [];
                var length = UsbHidClassDescriptor.ReportDescriptorLength(extra) ?? HidReportDescriptor.MaxDescriptorLength;
                found.Add(new UsbHidLocation(Locate(device), setting.InterfaceNumber, inEndpoint, inPacket, outEndpoint, length));
            }
        }
        finally
        {
            Interop.LibUsb.FreeConfigDescriptor(configPointer);
        }

        return found;
    }

    private static byte[] CopyBytes(nint pointer, int length)
    {
        var bytes = new byte[Math.Min(length, 4096)];
        Marshal.Copy(pointer, bytes, 0, bytes.Length);
        return bytes;
    }

    private unsafe HidDeviceInfo? Describe(nint device, UsbHidLocation location)
    {
        if (Interop.LibUsb.GetDeviceDescriptor(device, out var descriptor) != Interop.LibUsb.Success
            || !_consider($"{descriptor.VendorId:X4}:{descriptor.ProductId:X4}")
            || Interop.LibUsb.Open(device, out var handle) != Interop.LibUsb.Success)
        {
            return null;
        }

        using (handle)
        {
            var report = new byte[Math.Min(location.ReportDescriptorLength, HidReportDescriptor.MaxDescriptorLength)];
            int read;
            fixed (byte* p = report)
            {
                // GET_DESCRIPTOR (Report) from the interface: standard, in, interface recipient.
                read = Interop.LibUsb.ControlTransfer(handle, 0x81, 0x06, Interop.LibUsb.DescriptorTypeReport << 8, location.Interface, p, (ushort)report.Length, ControlTimeoutMilliseconds);
            }

            if (read <= 0)
            {
                return null;
            }

            var name = "";
            if (descriptor.Product != 0)
            {
                var text = stackalloc byte[128];
                var length = Interop.LibUsb.GetStringDescriptorAscii(handle, descriptor.Product, text, 128);
                name = length > 0 ? Encoding.ASCII.GetString(text, length) : "";
            }

            var path = $"usb:{location.Port}:{location.Interface}";
            return new HidDeviceInfo($"usb:{descriptor.VendorId:X4}:{descriptor.ProductId:X4}:{location.Port}:{location.Interface}", path, descriptor.VendorId, descriptor.ProductId, name, report[..read]);
        }
    }

    private static IOException Failure(string path, string what, int error) =>
        error == Interop.LibUsb.ErrorAccess
            ? throw new UnauthorizedAccessException($"{path}: {what} failed: {Interop.LibUsb.Describe(error)}")
            : new IOException($"{path}: {what} failed: {Interop.LibUsb.Describe(error)}");

    private sealed record UsbHidLocation(string Port, byte Interface, byte InEndpoint, ushort InMaxPacket, byte OutEndpoint, int ReportDescriptorLength);

    private sealed class LibUsbConnection(SafeLibUsbDeviceHandle handle, UsbHidLocation location, string path) : IHidConnection
    {
        private readonly byte[] _packet = new byte[Math.Max((int)location.InMaxPacket, 64)];

        public unsafe int ReadReport(Span<byte> buffer, int timeoutMilliseconds)
        {
            int result;
            int transferred;
            fixed (byte* p = _packet)
            {
                // A buffer of a whole packet: a shorter one overflows when the device sends a full packet.
                result = Interop.LibUsb.InterruptTransfer(handle, location.InEndpoint, p, _packet.Length, out transferred, (uint)Math.Max(timeoutMilliseconds, 1));
            }

            if (result is not (Interop.LibUsb.Success or Interop.LibUsb.ErrorTimeout))
            {
                throw Failure(path, "interrupt IN", result);
            }

            var length = Math.Min(transferred, buffer.Length);
            _packet.AsSpan(0, length).CopyTo(buffer);
            return length;
        }

        public unsafe void WriteReport(HidOutputReport report)
        {
            // On the wire the report ID leads only when the device numbers its reports.
            var payload = report.ReportId != 0 ? report.ToWire() : report.Data;
            int result;
            fixed (byte* p = payload)
            {
                if (location.OutEndpoint != 0)
                {
                    result = Interop.LibUsb.InterruptTransfer(handle, location.OutEndpoint, p, payload.Length, out var sent, ControlTimeoutMilliseconds);
                    if (result == Interop.LibUsb.Success && sent != payload.Length)
                    {
                        throw new IOException($"{path}: short interrupt OUT ({sent} of {payload.Length} bytes).");
                    }
                }
                else
                {
                    // SET_REPORT (Output): class, out, interface recipient.
                    result = Interop.LibUsb.ControlTransfer(handle, 0x21, 0x09, (ushort)(0x0200 | report.ReportId), location.Interface, p, (ushort)payload.Length, ControlTimeoutMilliseconds);
                    result = result >= 0 ? Interop.LibUsb.Success : result;
                }
            }

            if (result != Interop.LibUsb.Success)
            {
                throw Failure(path, location.OutEndpoint != 0 ? "interrupt OUT" : "SET_REPORT", result);
            }
        }

        public void Dispose()
        {
            if (!handle.IsClosed)
            {
                _ = Interop.LibUsb.ReleaseInterface(handle, location.Interface);
                handle.Dispose();
            }
        }
    }
}

/// <summary>The HID class descriptor (HID 1.11, 6.2.1) found among an interface's extra descriptors.</summary>
internal static class UsbHidClassDescriptor
{
    /// <summary>The length of the report descriptor it announces, or <c>null</c> when there is none.</summary>
    public static int? ReportDescriptorLength(ReadOnlySpan<byte> extra)
    {
        var position = 0;
        while (position + 2 <= extra.Length)
        {
            var length = extra[position];
            if (length < 2 || position + length > extra.Length)
            {
                return null;
            }

            if (extra[position + 1] == Interop.LibUsb.DescriptorTypeHid && length >= 9)
            {
                var count = extra[position + 5];
                for (var i = 0; i < count && 6 + (i * 3) + 2 < length; i++)
                {
                    var entry = position + 6 + (i * 3);
                    if (extra[entry] == Interop.LibUsb.DescriptorTypeReport)
                    {
                        return extra[entry + 1] | (extra[entry + 2] << 8);
                    }
                }
            }

            position += length;
        }

        return null;
    }
}
