using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace TspHost.Protocol;

/// <summary>Strings on the wire: UTF-16LE code units after a 32-bit count, as TAPI has them on Windows.</summary>
public static class WireString
{
    /// <summary>The count that encodes a null string.</summary>
    public const uint Null = uint.MaxValue;

    /// <summary>The bytes <paramref name="value"/> takes on the wire, count included.</summary>
    public static int Size(string? value) => 4 + (value?.Length ?? 0) * 2;

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    internal static int Write(Span<byte> destination, string? value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, value is null ? Null : (uint)value.Length);
        if (value is null)
        {
            return 4;
        }

        var units = destination.Slice(4, value.Length * 2);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(value.AsSpan()).CopyTo(units);
        }
        else
        {
            for (var i = 0; i < value.Length; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(units[(2 * i)..], value[i]);
            }
        }

        return 4 + units.Length;
    }

    /// <summary>Reads a string whose count and units the codec has checked; returns the bytes read.</summary>
    internal static int Read(ReadOnlySpan<byte> source, out string? value)
    {
        var count = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (count == Null)
        {
            value = null;
            return 4;
        }

        var units = source.Slice(4, (int)count * 2);
        if (BitConverter.IsLittleEndian)
        {
            value = new string(MemoryMarshal.Cast<byte, char>(units)); // one allocation: the string
        }
        else
        {
            var chars = new char[count];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(units[(2 * i)..]);
            }

            value = new string(chars);
        }

        return 4 + units.Length;
    }
}
