using System.Buffers.Binary;

namespace TspHost.Plugins.UsbHandset.DeviceTests;

/// <summary>
/// Writes a usbmon capture (pcap, link type 220: DLT_USB_LINUX_MMAPPED) of one device, as umockdev
/// replays it: each transfer is a submit record and a completion record, in the order the program
/// under test issues them. A control transfer's setup packet travels in the record header, as the
/// kernel captures it, not in the data.
/// </summary>
internal sealed class UsbmonCapture(int bus, int device)
{
    private const int Control = 2;
    private const int Interrupt = 1;

    private readonly MemoryStream _records = new();
    private ulong _id = 0x1000;
    private int _milliseconds;

    public UsbmonCapture ControlIn(byte requestType, byte request, ushort value, ushort index, byte[] response, ushort length)
    {
        var id = _id++;
        Record(id, 'S', Control, 0x80, length, [], Setup(requestType, request, value, index, length));
        Record(id, 'C', Control, 0x80, response.Length, response);
        return this;
    }

    /// <summary>A class request to the interface with data out (SET_REPORT and the like).</summary>
    public UsbmonCapture ControlOut(byte requestType, byte request, ushort value, ushort index, byte[] data)
    {
        var id = _id++;
        Record(id, 'S', Control, 0x00, data.Length, data, Setup(requestType, request, value, index, (ushort)data.Length));
        Record(id, 'C', Control, 0x00, data.Length, []);
        return this;
    }

    public UsbmonCapture InterruptOut(byte endpoint, byte[] data)
    {
        var id = _id++;
        Record(id, 'S', Interrupt, endpoint, data.Length, data);
        Record(id, 'C', Interrupt, endpoint, data.Length, []);
        return this;
    }

    public UsbmonCapture InterruptIn(byte endpoint, int bufferLength, byte[] data)
    {
        var id = _id++;
        Record(id, 'S', Interrupt, endpoint, bufferLength, []);
        Record(id, 'C', Interrupt, endpoint, data.Length, data);
        return this;
    }

    /// <summary>An IN transfer the program submits that completes only when it gives up on it.</summary>
    public UsbmonCapture InterruptInPending(byte endpoint, int bufferLength)
    {
        Record(_id++, 'S', Interrupt, endpoint, bufferLength, []);
        return this;
    }

    private static byte[] Setup(byte requestType, byte request, ushort value, ushort index, ushort length)
    {
        var setup = new byte[8];
        setup[0] = requestType;
        setup[1] = request;
        BinaryPrimitives.WriteUInt16LittleEndian(setup.AsSpan(2), value);
        BinaryPrimitives.WriteUInt16LittleEndian(setup.AsSpan(4), index);
        BinaryPrimitives.WriteUInt16LittleEndian(setup.AsSpan(6), length);
        return setup;
    }

    public void Save(string path)
    {
        using var file = File.Create(path);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 220);
        file.Write(header);
        _records.Position = 0;
        _records.CopyTo(file);
    }

    private void Record(ulong id, char eventType, int transferType, byte endpoint, int urbLength, byte[] data, byte[]? setup = null)
    {
        _milliseconds += 5;
        var usb = new byte[64 + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(usb, id);
        usb[8] = (byte)eventType;
        usb[9] = (byte)transferType;
        usb[10] = endpoint;
        usb[11] = (byte)device;
        BinaryPrimitives.WriteUInt16LittleEndian(usb.AsSpan(12), (ushort)bus);
        usb[14] = setup is null ? (byte)'-' : (byte)0;
        setup?.CopyTo(usb, 40);
        usb[15] = data.Length > 0 ? (byte)0 : (byte)'<';
        BinaryPrimitives.WriteInt64LittleEndian(usb.AsSpan(16), _milliseconds / 1000);
        BinaryPrimitives.WriteInt32LittleEndian(usb.AsSpan(24), _milliseconds % 1000 * 1000);
        BinaryPrimitives.WriteInt32LittleEndian(usb.AsSpan(28), eventType == 'S' ? -115 : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(usb.AsSpan(32), (uint)urbLength);
        BinaryPrimitives.WriteUInt32LittleEndian(usb.AsSpan(36), (uint)data.Length);
        data.CopyTo(usb, 64);

        Span<byte> record = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(_milliseconds / 1000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(_milliseconds % 1000 * 1000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)usb.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)usb.Length);
        _records.Write(record);
        _records.Write(usb);
    }
}
