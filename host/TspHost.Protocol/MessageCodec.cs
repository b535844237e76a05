using System.Runtime.CompilerServices;

namespace TspHost.Protocol;

/// <summary>
/// Turns declared payloads (<see cref="IPayload{TSelf}"/>) into frames and back. Every frame type's
/// layout in <see cref="FrameSchema"/> comes from the same declarations, so what is written here is
/// what the codec checks and what <see cref="Read{TPayload}(ReadOnlySpan{byte})"/> reads back.
/// </summary>
public static class MessageCodec
{
    /// <summary>Encodes a request or a push; its frame type and flags are its declaration's.</summary>
    /// <exception cref="FrameTooLargeException">A field (a string a caller passed) would take the frame past <see cref="FrameHeader.MaxFrameSize"/>.</exception>
    public static byte[] Encode<TMessage>(in TMessage message, uint sequence) where TMessage : struct, IMessage<TMessage> =>
        Encode(in message, TMessage.Type, TMessage.Flags, sequence);

    /// <summary>Encodes the reply to <paramref name="request"/> (its type, its sequence number).</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TReply"/> is not the reply declared for the request's type.</exception>
    public static byte[] EncodeReply<TReply>(in TReply reply, Frame request) where TReply : struct, IPayload<TReply> =>
        Encode(in reply, request.Type, FrameFlags.Reply, request.Sequence);

    /// <summary>Encodes a payload as a frame of <paramref name="type"/> with <paramref name="flags"/>.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TPayload"/> is not the payload declared for that type and flags.</exception>
    /// <exception cref="FrameTooLargeException">The frame would be longer than <see cref="FrameHeader.MaxFrameSize"/>.</exception>
    public static byte[] Encode<TPayload>(in TPayload payload, FrameType type, FrameFlags flags, uint sequence) where TPayload : struct, IPayload<TPayload>
    {
        var frame = new byte[FrameLength(in payload, type)];
        Write(in payload, type, flags, sequence, frame);
        return frame;
    }

    /// <summary>The length of the frame that carries <paramref name="payload"/>, header included.</summary>
    /// <exception cref="FrameTooLargeException">It would be longer than <see cref="FrameHeader.MaxFrameSize"/>; the message names the type and the field.</exception>
    public static int FrameLength<TPayload>(in TPayload payload, FrameType type) where TPayload : struct, IPayload<TPayload>
    {
        var sizer = default(PayloadSizer);
        TPayload.Fields(ref sizer, ref Unsafe.AsRef(in payload));
        return sizer.Overflow is { } field
            ? throw new FrameTooLargeException($"{type}.{Field.WireName(field)} would make the frame longer than {FrameHeader.MaxFrameSize} bytes.")
            : FrameHeader.Size + (int)sizer.Length;
    }

    /// <summary>
    /// Writes the frame into the first <see cref="FrameLength{TPayload}"/> bytes of <paramref name="destination"/>
    /// (a caller's buffer: no allocation).
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TPayload"/> is not the payload declared for that type and flags.</exception>
    /// <exception cref="FrameTooLargeException">The frame would be longer than <see cref="FrameHeader.MaxFrameSize"/>.</exception>
    public static int Write<TPayload>(in TPayload payload, FrameType type, FrameFlags flags, uint sequence, Span<byte> destination)
        where TPayload : struct, IPayload<TPayload>
    {
        CheckDeclared<TPayload>(type, flags);
        var length = FrameLength(in payload, type);
        new FrameHeader((uint)length, type, flags, sequence).Write(destination);
        var writer = new PayloadWriter(destination[FrameHeader.Size..length]);
        TPayload.Fields(ref writer, ref Unsafe.AsRef(in payload));
        return length;
    }

    /// <summary>Reads a payload that <see cref="FrameCodec"/> has checked against <typeparamref name="TPayload"/>'s layout.</summary>
    public static TPayload Read<TPayload>(ReadOnlySpan<byte> payload) where TPayload : struct, IPayload<TPayload>
    {
        var reader = new PayloadReader(payload);
        var value = default(TPayload);
        TPayload.Fields(ref reader, ref value);
        return value;
    }

    /// <summary>Throws unless <typeparamref name="TPayload"/> is what <see cref="FrameSchema"/> declares for the type and flags.</summary>
    internal static void CheckDeclared<TPayload>(FrameType type, FrameFlags flags) where TPayload : struct, IPayload<TPayload>
    {
        if (!ReferenceEquals(FrameSchema.For(type, flags), PayloadLayout<TPayload>.Fields))
        {
            var what = (flags & FrameFlags.Error) != 0 ? "error reply" : (flags & FrameFlags.Reply) != 0 ? "reply" : "message";
            throw new InvalidOperationException($"{typeof(TPayload).Name} is not the {what} declared for {ProtocolError.TypeName((ushort)type)}.");
        }
    }
}

/// <summary>A value would take a frame past <see cref="FrameHeader.MaxFrameSize"/> bytes; the message names the frame type and field.</summary>
public sealed class FrameTooLargeException(string message) : InvalidOperationException(message);
