using TspHost.Protocol.Messages;

namespace TspHost.Protocol;

/// <summary>Why a frame was refused.</summary>
public enum ProtocolErrorCode : uint
{
    /// <summary>The frame ended before its header or a field did.</summary>
    Truncated = 1,

    /// <summary>The frame is longer than <see cref="FrameHeader.MaxFrameSize"/>; the connection is closed after the reply.</summary>
    Oversized = 2,

    /// <summary>The header's length is shorter than the header itself; the connection is closed after the reply.</summary>
    BadFrameLength = 3,

    /// <summary>The type is not one this protocol version knows (in that direction).</summary>
    UnknownType = 4,

    /// <summary>The flags hold an undefined bit or an impossible combination.</summary>
    BadFlags = 5,

    /// <summary>A string field's count runs past the end of the frame, or a field is cut short.</summary>
    BadFieldLength = 6,

    /// <summary>Bytes follow the last field.</summary>
    TrailingBytes = 7,

    /// <summary>The handshake is missing, repeated or malformed (wrong magic, unknown role).</summary>
    BadHandshake = 8,

    /// <summary>The client speaks a protocol version the host does not.</summary>
    VersionMismatch = 9,

    /// <summary>The frame is well formed but not allowed here (a monitor sending TSPI requests, a reply nobody asked for).</summary>
    NotAllowed = 10,

    /// <summary>Another provider connection is active; only one drives the engine at a time.</summary>
    ProviderBusy = 11,

    /// <summary>A field's value is out of range.</summary>
    BadValue = 12,

    /// <summary>The host failed while serving a valid request; the message says how.</summary>
    HostFailure = 13,

    /// <summary>
    /// The host serves as many connections (or monitors) as it is configured to; this one is closed.
    /// Sent with sequence 0 when the host refuses a connection before reading anything from it.
    /// </summary>
    TooManyConnections = 14,
}

/// <summary>A refused frame: what was wrong, with which frame type and which field.</summary>
/// <param name="Code">The kind of problem.</param>
/// <param name="FrameType">The type of the frame refused (its raw value when unknown).</param>
/// <param name="Field">The field at fault, or empty when the problem is the frame as a whole.</param>
/// <param name="Message">A sentence for people and logs.</param>
public sealed record ProtocolError(ProtocolErrorCode Code, ushort FrameType, string Field, string Message)
{
    /// <summary>True when the stream cannot be trusted after this error, so the connection must close.</summary>
    public bool IsFatal => Code is ProtocolErrorCode.Oversized or ProtocolErrorCode.BadFrameLength or ProtocolErrorCode.BadHandshake
        or ProtocolErrorCode.VersionMismatch or ProtocolErrorCode.ProviderBusy or ProtocolErrorCode.TooManyConnections;

    /// <summary>Builds the error reply to the frame with <paramref name="sequence"/>.</summary>
    public byte[] ToFrame(uint sequence) => MessageCodec.Encode(
        new ErrorReply { Code = (uint)Code, FrameType = FrameType, Field = Field, Message = Message },
        (FrameType)FrameType, FrameFlags.Reply | FrameFlags.Error, sequence);

    /// <summary>Reads an error reply.</summary>
    public static ProtocolError Read(Frame frame)
    {
        var error = frame.Read<ErrorReply>();
        return new ProtocolError((ProtocolErrorCode)error.Code, (ushort)error.FrameType, error.Field ?? "", error.Message ?? "");
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Code} in {TypeName(FrameType)}{(Field.Length == 0 ? "" : $".{Field}")}: {Message}";

    /// <summary>The name of a frame type, or its number when this version does not know it.</summary>
    public static string TypeName(ushort type) =>
        Enum.IsDefined((FrameType)type) ? ((FrameType)type).ToString() : $"frame type {type}";
}

/// <summary>Thrown by a client when the host answers with an error reply, or breaks the protocol.</summary>
/// <param name="error">The error the host sent, or the one the client detected.</param>
public sealed class ProtocolException(ProtocolError error) : Exception(error.ToString())
{
    /// <summary>The error.</summary>
    public ProtocolError Error { get; } = error;
}
