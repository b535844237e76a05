using System.Buffers.Binary;

namespace TspHost.Protocol;

/// <summary>Measures a payload: its length in bytes, and the first field that takes its frame past <see cref="FrameHeader.MaxFrameSize"/>.</summary>
internal struct PayloadSizer : IFieldVisitor
{
    public long Length;
    public string? Overflow;

    public void Field(ref uint value, string name = "") => Add(4, name);

    public void Field(ref int value, string name = "") => Add(4, name);

    public void Field(ref ulong value, string name = "") => Add(8, name);

    public void Field(ref nint value, string name = "") => Add(8, name);

    public void Field(ref string? value, string name = "") => Add(WireString.Size(value), name);

    private void Add(long size, string name)
    {
        Length += size;
        if (Overflow is null && FrameHeader.Size + Length > FrameHeader.MaxFrameSize)
        {
            Overflow = name;
        }
    }
}

/// <summary>Writes a payload's fields, little-endian, into a span measured by <see cref="PayloadSizer"/>.</summary>
internal ref struct PayloadWriter(Span<byte> destination) : IFieldVisitor
{
    private readonly Span<byte> _destination = destination;
    private int _offset;

    public void Field(ref uint value, string name = "")
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_destination[_offset..], value);
        _offset += 4;
    }

    public void Field(ref int value, string name = "")
    {
        BinaryPrimitives.WriteInt32LittleEndian(_destination[_offset..], value);
        _offset += 4;
    }

    public void Field(ref ulong value, string name = "")
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_destination[_offset..], value);
        _offset += 8;
    }

    public void Field(ref nint value, string name = "")
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_destination[_offset..], (ulong)(long)value);
        _offset += 8;
    }

    public void Field(ref string? value, string name = "") => _offset += WireString.Write(_destination[_offset..], value);
}

/// <summary>
/// Reads a payload's fields. Payloads reach it only after <see cref="FrameCodec"/> has checked them
/// against the same declaration's layout, so every field is there and every count fits.
/// </summary>
internal ref struct PayloadReader(ReadOnlySpan<byte> payload) : IFieldVisitor
{
    private readonly ReadOnlySpan<byte> _payload = payload;
    private int _offset;

    public void Field(ref uint value, string name = "")
    {
        value = BinaryPrimitives.ReadUInt32LittleEndian(_payload[_offset..]);
        _offset += 4;
    }

    public void Field(ref int value, string name = "")
    {
        value = BinaryPrimitives.ReadInt32LittleEndian(_payload[_offset..]);
        _offset += 4;
    }

    public void Field(ref ulong value, string name = "")
    {
        value = BinaryPrimitives.ReadUInt64LittleEndian(_payload[_offset..]);
        _offset += 8;
    }

    public void Field(ref nint value, string name = "")
    {
        value = (nint)(long)BinaryPrimitives.ReadUInt64LittleEndian(_payload[_offset..]);
        _offset += 8;
    }

    public void Field(ref string? value, string name = "") => _offset += WireString.Read(_payload[_offset..], out value);
}
