using System.Globalization;
using System.Runtime.InteropServices;
using TspHost.Plugins.UsbHandset.Hid;
using TspHost.Plugins.UsbHandset.Telephony;

namespace TspHost.Plugins.UsbHandset.Transport;

/// <summary>
/// Linux hidraw: discovery through sysfs (<c>/sys/class/hidraw/*/device/uevent</c> and
/// <c>report_descriptor</c>), reports through plain reads and writes on <c>/dev/hidrawN</c>. No native
/// library beyond libc; the kernel's HID driver does the USB work.
/// </summary>
internal sealed class HidrawTransport(string sysfsRoot, string deviceRoot) : IHidTransport
{
    public string Name => "hidraw";

    public IReadOnlyList<HidDeviceInfo> Enumerate()
    {
        if (!Directory.Exists(sysfsRoot))
        {
            return [];
        }

        var devices = new List<HidDeviceInfo>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(sysfsRoot).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(entry);
            try
            {
                var uevent = File.ReadAllText(Path.Combine(entry, "device", "uevent"));
                var descriptor = ReadSmallFile(Path.Combine(entry, "device", "report_descriptor"), HidReportDescriptor.MaxDescriptorLength + 1);
                if (ParseUevent(uevent, name, Path.Combine(deviceRoot, name), descriptor) is { } device)
                {
                    devices.Add(device);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The node vanished while we looked, or is not ours to read: not a handset for us.
            }
        }

        return devices;
    }

    public IHidConnection Open(HidDeviceInfo device) => HidrawConnection.Open(device.Path);

    public void Dispose()
    {
    }

    /// <summary>Reads <c>HID_ID=0003:0000VVVV:0000PPPP</c>, <c>HID_NAME</c>, <c>HID_UNIQ</c> and <c>HID_PHYS</c>.</summary>
    internal static HidDeviceInfo? ParseUevent(string uevent, string nodeName, string nodePath, byte[] descriptor)
    {
        var values = uevent.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        if (!values.TryGetValue("HID_ID", out var id))
        {
            return null;
        }

        var parts = id.Split(':');
        if (parts.Length != 3
            || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var vendor)
            || !uint.TryParse(parts[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var product))
        {
            return null;
        }

        var vid = (ushort)vendor;
        var pid = (ushort)product;
        var where = values.GetValueOrDefault("HID_UNIQ") is { Length: > 0 } uniq ? uniq
            : values.GetValueOrDefault("HID_PHYS") is { Length: > 0 } phys ? phys
            : nodeName;
        return new HidDeviceInfo($"hid:{vid:X4}:{pid:X4}:{where}", nodePath, vid, pid, values.GetValueOrDefault("HID_NAME") ?? "", descriptor);
    }

    private static byte[] ReadSmallFile(string path, int limit)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        var buffer = new byte[limit];
        var total = 0;
        int read;
        while (total < limit && (read = stream.Read(buffer, total, limit - total)) > 0)
        {
            total += read;
        }

        return buffer[..total];
    }

    private sealed class HidrawConnection : IHidConnection
    {
        private readonly SafeFileDescriptorHandle _fd;
        private readonly string _path;

        private HidrawConnection(SafeFileDescriptorHandle fd, string path)
        {
            _fd = fd;
            _path = path;
        }

        public static HidrawConnection Open(string path)
        {
            var fd = Interop.Libc.Open(path, Interop.Libc.O_RDWR | Interop.Libc.O_NOCTTY | Interop.Libc.O_NONBLOCK | Interop.Libc.O_CLOEXEC);
            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                var message = $"{path}: open failed: {Marshal.GetPInvokeErrorMessage(errno)}";
                throw errno is 1 or 13 ? new UnauthorizedAccessException(message) : new IOException(message);
            }

            return new HidrawConnection(new SafeFileDescriptorHandle(fd), path);
        }

        public unsafe int ReadReport(Span<byte> buffer, int timeoutMilliseconds)
        {
            var pollFd = new Interop.Libc.PollFd { Fd = _fd.Fd, Events = Interop.Libc.POLLIN };
            var ready = Interop.Libc.Poll(&pollFd, 1, timeoutMilliseconds);
            if (ready < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno == Interop.Libc.EINTR ? 0 : throw Error("poll", errno);
            }

            if (ready == 0)
            {
                return 0;
            }

            if ((pollFd.ReturnedEvents & Interop.Libc.POLLIN) == 0
                && (pollFd.ReturnedEvents & (Interop.Libc.POLLERR | Interop.Libc.POLLHUP | Interop.Libc.POLLNVAL)) != 0)
            {
                throw new IOException($"{_path}: the device is gone.");
            }

            // One read returns one whole report (hidraw never merges or splits them).
            fixed (byte* p = buffer)
            {
                var read = Interop.Libc.Read(_fd, p, buffer.Length);
                if (read < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    return errno is Interop.Libc.EAGAIN or Interop.Libc.EINTR ? 0 : throw Error("read", errno);
                }

                return read == 0 ? throw new IOException($"{_path}: end of file, the device is gone.") : (int)read;
            }
        }

        public unsafe void WriteReport(HidOutputReport report)
        {
            // hidraw takes the report ID first, 0 for a device without numbered reports.
            var wire = report.ToWire();
            fixed (byte* p = wire)
            {
                var written = Interop.Libc.Write(_fd, p, wire.Length);
                if (written < 0)
                {
                    throw Error("write", Marshal.GetLastPInvokeError());
                }

                if (written != wire.Length)
                {
                    throw new IOException($"{_path}: short write ({written} of {wire.Length} bytes).");
                }
            }
        }

        public void Dispose() => _fd.Dispose();

        private IOException Error(string call, int errno) => new($"{_path}: {call} failed: {Marshal.GetPInvokeErrorMessage(errno)}");
    }
}
