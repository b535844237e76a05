using System.Buffers.Binary;

namespace TspHost.Protocol;

/// <summary>What <see cref="FrameCodec.TryDecode"/> found at the start of a buffer.</summary>
public enum DecodeStatus
{
    /// <summary>A whole, valid frame.</summary>
    Frame,

    /// <summary>Not enough bytes yet for the header or the frame it announces.</summary>
    NeedMore,

    /// <summary>A whole frame whose content is invalid: answer the error, skip the frame, go on.</summary>
    Invalid,

    /// <summary>A header that cannot be trusted (bad length): answer the error and close the connection.</summary>
    Fatal,
}

/// <summary>Splits a byte stream into frames and checks each against <see cref="FrameSchema"/>.</summary>
public static class FrameCodec
{
    /// <summary>
    /// Decodes the frame at the start of <paramref name="buffer"/>. On <see cref="DecodeStatus.Frame"/>
    /// and <see cref="DecodeStatus.Invalid"/>, <paramref name="consumed"/> is the frame's length.
    /// </summary>
    public static DecodeStatus TryDecode(ReadOnlySpan<byte> buffer, out Frame? frame, out int consumed, out ProtocolError? error)
    {
        frame = null;
        consumed = 0;
        error = null;
        if (!FrameHeader.TryRead(buffer, out var header))
        {
            return DecodeStatus.NeedMore;
        }

        if ((error = CheckLength(header)) is not null)
        {
            return DecodeStatus.Fatal;
        }

        if (buffer.Length < header.Length)
        {
            return DecodeStatus.NeedMore;
        }

        consumed = (int)header.Length;
        var payload = buffer[FrameHeader.Size..consumed];
        if ((error = Validate(header, payload)) is not null)
        {
            return DecodeStatus.Invalid;
        }

        frame = new Frame(header, payload.ToArray());
        return DecodeStatus.Frame;
    }

    /// <summary>Decodes a buffer that must hold exactly one frame; a short buffer is <see cref="ProtocolErrorCode.Truncated"/>.</summary>
    public static Frame DecodeExactly(ReadOnlySpan<byte> buffer)
    {
        var status = TryDecode(buffer, out var frame, out var consumed, out var error);
        if (status == DecodeStatus.NeedMore)
        {
            FrameHeader.TryRead(buffer, out var header);
            throw new ProtocolException(new ProtocolError(ProtocolErrorCode.Truncated, (ushort)header.Type, "",
                $"The frame has {buffer.Length} of the {(buffer.Length < FrameHeader.Size ? FrameHeader.Size : header.Length)} bytes it needs."));
        }

        if (error is not null)
        {
            throw new ProtocolException(error);
        }

        if (consumed != buffer.Length)
        {
            throw new ProtocolException(new ProtocolError(ProtocolErrorCode.TrailingBytes, (ushort)frame!.Type, "", $"{buffer.Length - consumed} bytes follow the frame."));
        }

        return frame!;
    }

    /// <summary>Checks the header's length: at least a header, at most <see cref="FrameHeader.MaxFrameSize"/>.</summary>
    public static ProtocolError? CheckLength(in FrameHeader header)
    {
        if (header.Length < FrameHeader.Size)
        {
            return new ProtocolError(ProtocolErrorCode.BadFrameLength, (ushort)header.Type, "length",
                $"The frame length {header.Length} is shorter than the {FrameHeader.Size}-byte header.");
        }

        return header.Length > FrameHeader.MaxFrameSize
            ? new ProtocolError(ProtocolErrorCode.Oversized, (ushort)header.Type, "length",
                $"The frame length {header.Length} exceeds the limit of {FrameHeader.MaxFrameSize} bytes.")
            : null;
    }

    /// <summary>Checks flags, type and every field of a payload; null when the frame is valid.</summary>
    public static ProtocolError? Validate(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        var type = (ushort)header.Type;
        if ((header.Flags & ~FrameHeader.KnownFlags) != 0
            || ((header.Flags & FrameFlags.Error) != 0 && (header.Flags & FrameFlags.Reply) == 0)
            || (header.Flags & (FrameFlags.Push | FrameFlags.Reply)) == (FrameFlags.Push | FrameFlags.Reply))
        {
            return new ProtocolError(ProtocolErrorCode.BadFlags, type, "flags", $"The flags 0x{(ushort)header.Flags:X4} are not a valid combination.");
        }

        if (FrameSchema.For(header.Type, header.Flags) is not { } fields)
        {
            var what = (header.Flags & FrameFlags.Reply) != 0 ? "reply" : "request";
            return new ProtocolError(ProtocolErrorCode.UnknownType, type, "type", $"{ProtocolError.TypeName(type)} is not a {what} this protocol version knows.");
        }

        var offset = 0;
        foreach (var field in fields)
        {
            var size = field.Kind switch
            {
                FieldKind.U64 => 8,
                _ => 4,
            };
            if (payload.Length - offset < size)
            {
                return FieldError(ProtocolErrorCode.Truncated, type, field, $"the payload ends after {payload.Length} bytes, inside this field.");
            }

            if (field.Kind == FieldKind.String)
            {
                var count = BinaryPrimitives.ReadUInt32LittleEndian(payload[offset..]);
                offset += 4;
                if (count != WireString.Null)
                {
                    if (count > (uint)(payload.Length - offset) / 2)
                    {
                        return FieldError(ProtocolErrorCode.BadFieldLength, type, field,
                            $"the string claims {count} UTF-16 units but only {payload.Length - offset} bytes remain.");
                    }

                    offset += (int)count * 2;
                }
            }
            else
            {
                offset += size;
            }
        }

        return offset == payload.Length
            ? null
            : new ProtocolError(ProtocolErrorCode.TrailingBytes, type, "", $"{payload.Length - offset} bytes follow the last field of {ProtocolError.TypeName(type)}.");
    }

    private static ProtocolError FieldError(ProtocolErrorCode code, ushort type, Field field, string problem) =>
        new(code, type, field.Name, $"{ProtocolError.TypeName(type)}.{field.Name}: {problem}");
}
