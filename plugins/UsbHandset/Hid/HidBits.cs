namespace TspHost.Plugins.UsbHandset.Hid;

/// <summary>Reads and writes values packed little-endian, least significant bit first, as HID reports pack them.</summary>
public static class HidBits
{
    /// <summary>Reads <paramref name="bitSize"/> bits at <paramref name="bitOffset"/>; bits past the end read as 0.</summary>
    public static uint Read(ReadOnlySpan<byte> data, int bitOffset, int bitSize)
    {
        uint value = 0;
        for (var i = 0; i < bitSize; i++)
        {
            var bit = bitOffset + i;
            var index = bit >> 3;
            if (index >= data.Length)
            {
                break;
            }

            if ((data[index] & (1 << (bit & 7))) != 0)
            {
                value |= 1u << i;
            }
        }

        return value;
    }

    /// <summary>Reads a value and sign-extends it when the field's logical minimum is negative.</summary>
    public static int ReadValue(ReadOnlySpan<byte> data, HidField field, int index)
    {
        var raw = Read(data, field.BitOffset + (index * field.BitSize), field.BitSize);
        if (field.LogicalMinimum < 0 && field.BitSize < 32 && (raw & (1u << (field.BitSize - 1))) != 0)
        {
            return (int)(raw | (uint.MaxValue << field.BitSize));
        }

        return (int)raw;
    }

    /// <summary>Writes the low <paramref name="bitSize"/> bits of <paramref name="value"/> at <paramref name="bitOffset"/>.</summary>
    public static void Write(Span<byte> data, int bitOffset, int bitSize, uint value)
    {
        for (var i = 0; i < bitSize; i++)
        {
            var bit = bitOffset + i;
            var index = bit >> 3;
            if (index >= data.Length)
            {
                return;
            }

            var mask = (byte)(1 << (bit & 7));
            data[index] = (value & (1u << i)) != 0 ? (byte)(data[index] | mask) : (byte)(data[index] & ~mask);
        }
    }
}
