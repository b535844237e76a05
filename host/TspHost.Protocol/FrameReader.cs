using System.Buffers.Binary;

namespace TspHost.Protocol;

/// <summary>
/// Reads a checked payload field by field in <see cref="FrameSchema"/> order. Payloads reach readers
/// only after <see cref="FrameCodec"/> has validated them, so a read of the wrong kind is a
/// programming error and throws.
/// </summary>
public ref struct FrameReader
{
    private readonly ReadOnlySpan<byte> _payload;
    private readonly Field[] _fields;
    private int _offset;
    private int _field;

    /// <summary>Reads <paramref name="payload"/> laid out as <paramref name="fields"/>.</summary>
    public FrameReader(ReadOnlySpan<byte> payload, Field[] fields)
    {
        _payload = payload;
        _fields = fields;
    }

    /// <summary>Reads a DWORD.</summary>
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Next(FieldKind.U32, 4));

    /// <summary>Reads a signed 32-bit result.</summary>
    public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Next(FieldKind.I32, 4));

    /// <summary>Reads a 64-bit value.</summary>
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Next(FieldKind.U64, 8));

    /// <summary>Reads a pointer-sized handle.</summary>
    public nint Handle() => (nint)(long)U64();

    /// <summary>Reads a string (null when the frame carries a null string).</summary>
    public string? String()
    {
        var count = BinaryPrimitives.ReadUInt32LittleEndian(Next(FieldKind.String, 4));
        if (count == WireString.Null)
        {
            return null;
        }

        var bytes = _payload.Slice(_offset, (int)count * 2);
        _offset += bytes.Length;
        return Decode(bytes);
    }

    internal static string Decode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length / 2];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
        }

        return new string(chars);
    }

    private ReadOnlySpan<byte> Next(FieldKind kind, int size)
    {
        if (_field >= _fields.Length || _fields[_field].Kind != kind)
        {
            throw new InvalidOperationException(_field >= _fields.Length
                ? "More fields read than the frame's layout has."
                : $"Field '{_fields[_field].Name}' is {_fields[_field].Kind}, not {kind}.");
        }

        _field++;
        var span = _payload.Slice(_offset, size);
        _offset += size;
        return span;
    }
}
