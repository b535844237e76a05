namespace TspHost.Protocol;

/// <summary>A whole frame whose payload has been checked against <see cref="FrameSchema"/>.</summary>
/// <param name="Header">The header.</param>
/// <param name="Payload">The payload bytes (the frame without its header).</param>
public sealed record Frame(FrameHeader Header, ReadOnlyMemory<byte> Payload)
{
    /// <summary>The frame's type.</summary>
    public FrameType Type => Header.Type;

    /// <summary>The frame's sequence number.</summary>
    public uint Sequence => Header.Sequence;

    /// <summary>True for an error reply.</summary>
    public bool IsError => (Header.Flags & FrameFlags.Error) != 0;

    /// <summary>True for a reply (error replies included).</summary>
    public bool IsReply => (Header.Flags & FrameFlags.Reply) != 0;

    /// <summary>True for a frame the host pushed.</summary>
    public bool IsPush => (Header.Flags & FrameFlags.Push) != 0;

    /// <summary>Reads the payload as the message declared for this frame's type and flags.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TPayload"/> is not that declaration (a request read as another's reply, say).</exception>
    public TPayload Read<TPayload>() where TPayload : struct, IPayload<TPayload>
    {
        MessageCodec.CheckDeclared<TPayload>(Type, Header.Flags);
        return MessageCodec.Read<TPayload>(Payload.Span);
    }
}
