using System.Buffers.Binary;

namespace TspHost.Protocol;

/// <summary>What a frame is: a request, the reply to one, an error reply, or a frame the host pushes.</summary>
[Flags]
public enum FrameFlags : ushort
{
    /// <summary>A request; the peer answers it with a frame of the same type and sequence number.</summary>
    None = 0,

    /// <summary>The reply to the request with the same sequence number.</summary>
    Reply = 0x1,

    /// <summary>With <see cref="Reply"/>: the request was refused; the payload is a <see cref="ProtocolError"/>.</summary>
    Error = 0x2,

    /// <summary>A frame the host pushes without being asked (events, completions, LINE_NEWCALL).</summary>
    Push = 0x4,
}

/// <summary>
/// The fixed 12-byte header in front of every frame, little-endian: the frame's total length
/// (header included), its type, its flags and its sequence number.
/// </summary>
/// <param name="Length">The total length of the frame in bytes, header included.</param>
/// <param name="Type">What the frame carries.</param>
/// <param name="Flags">Request, reply, error reply or push.</param>
/// <param name="Sequence">Correlates a reply with its request (or a push's reply with the push).</param>
public readonly record struct FrameHeader(uint Length, FrameType Type, FrameFlags Flags, uint Sequence)
{
    /// <summary>The size of the header in bytes.</summary>
    public const int Size = 12;

    /// <summary>The largest frame either side sends or accepts, header included.</summary>
    public const int MaxFrameSize = 64 * 1024;

    /// <summary>The flags this protocol version defines; any other bit is refused.</summary>
    public const FrameFlags KnownFlags = FrameFlags.Reply | FrameFlags.Error | FrameFlags.Push;

    /// <summary>The payload's length in bytes.</summary>
    public int PayloadLength => (int)Length - Size;

    /// <summary>Reads a header from the first <see cref="Size"/> bytes of <paramref name="source"/>; false when fewer are there.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out FrameHeader header)
    {
        if (source.Length < Size)
        {
            header = default;
            return false;
        }

        header = new FrameHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(source),
            (FrameType)BinaryPrimitives.ReadUInt16LittleEndian(source[4..]),
            (FrameFlags)BinaryPrimitives.ReadUInt16LittleEndian(source[6..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[8..]));
        return true;
    }

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Length);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], (ushort)Type);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], (ushort)Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Sequence);
    }
}
