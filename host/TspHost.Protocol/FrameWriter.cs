using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace TspHost.Protocol;

/// <summary>
/// Builds one frame, field by field in <see cref="FrameSchema"/> order. Writing a field of the wrong
/// kind, or too many or too few fields, is a programming error and throws; a value that would take
/// the frame past <see cref="FrameHeader.MaxFrameSize"/> bytes (a string a caller passed) throws
/// <see cref="FrameTooLargeException"/>.
/// </summary>
public sealed class FrameWriter
{
    private readonly FrameType _type;
    private readonly FrameFlags _flags;
    private readonly uint _sequence;
    private readonly Field[] _fields;
    private byte[] _buffer = new byte[128];
    private int _length = FrameHeader.Size;
    private int _field;

    /// <summary>Starts a frame.</summary>
    /// <exception cref="ArgumentException">The type has no payload layout with these flags.</exception>
    public FrameWriter(FrameType type, FrameFlags flags, uint sequence)
    {
        _type = type;
        _flags = flags;
        _sequence = sequence;
        _fields = FrameSchema.For(type, flags) ?? throw new ArgumentException($"{type} has no layout with flags {flags}.", nameof(type));
    }

    /// <summary>Appends a DWORD.</summary>
    public FrameWriter U32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(Next(FieldKind.U32, 4), value);
        return this;
    }

    /// <summary>Appends a signed 32-bit result.</summary>
    public FrameWriter I32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(Next(FieldKind.I32, 4), value);
        return this;
    }

    /// <summary>Appends a 64-bit value (a handle or a message parameter).</summary>
    public FrameWriter U64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(Next(FieldKind.U64, 8), value);
        return this;
    }

    /// <summary>Appends a pointer-sized handle.</summary>
    public FrameWriter Handle(nint value) => U64((ulong)(long)value);

    /// <summary>Appends a string (null allowed) as UTF-16LE.</summary>
    public FrameWriter String(string? value)
    {
        var span = Next(FieldKind.String, WireString.Size(value));
        BinaryPrimitives.WriteUInt32LittleEndian(span, value is null ? WireString.Null : (uint)value.Length);
        if (value is not null)
        {
            var units = MemoryMarshal.AsBytes(value.AsSpan());
            if (BitConverter.IsLittleEndian)
            {
                units.CopyTo(span[4..]);
            }
            else
            {
                for (var i = 0; i < value.Length; i++)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(span[(4 + (2 * i))..], value[i]);
                }
            }
        }

        return this;
    }

    /// <summary>Finishes the frame: header and payload.</summary>
    /// <exception cref="InvalidOperationException">Fields are missing.</exception>
    public byte[] ToArray() => Finish().ToArray();

    /// <summary>Finishes the frame, returning its bytes in this writer's buffer (valid until the writer is written to again).</summary>
    /// <exception cref="InvalidOperationException">Fields are missing.</exception>
    public ReadOnlySpan<byte> Finish()
    {
        if (_field != _fields.Length)
        {
            throw new InvalidOperationException($"{_type}: {_fields.Length - _field} field(s) not written, next '{_fields[_field].Name}'.");
        }

        new FrameHeader((uint)_length, _type, _flags, _sequence).Write(_buffer);
        return _buffer.AsSpan(0, _length);
    }

    private Span<byte> Next(FieldKind kind, int size)
    {
        if (_field >= _fields.Length || _fields[_field].Kind != kind)
        {
            throw new InvalidOperationException(_field >= _fields.Length
                ? $"{_type}: more fields written than its layout has."
                : $"{_type}.{_fields[_field].Name} is {_fields[_field].Kind}, not {kind}.");
        }

        if (_length + size > FrameHeader.MaxFrameSize)
        {
            throw new FrameTooLargeException($"{_type}.{_fields[_field].Name} would make the frame longer than {FrameHeader.MaxFrameSize} bytes.");
        }

        if (_length + size > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
        }

        _field++;
        var span = _buffer.AsSpan(_length, size);
        _length += size;
        return span;
    }
}

/// <summary>A value would take a frame past <see cref="FrameHeader.MaxFrameSize"/> bytes; the message names the frame type and field.</summary>
public sealed class FrameTooLargeException(string message) : InvalidOperationException(message);
