namespace TspHost.Protocol.Messages;

// The exchanges every connection has: the handshake, and the payloads many frame types share.

/// <summary>The first frame on every connection (see <see cref="Handshake"/>).</summary>
public record struct HelloRequest : IRequest<HelloRequest, HelloReply>
{
    /// <summary><see cref="Handshake.Magic"/>: "TSPH".</summary>
    public required uint Magic;

    /// <summary>The protocol version the client speaks.</summary>
    public required uint Version;

    /// <summary>TAPI's permanent provider ID, as far as the client knows it.</summary>
    public required uint PermanentProviderId;

    /// <summary>A <see cref="ClientRole"/>.</summary>
    public required uint Role;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.Hello;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref HelloRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Magic);
        v.Field(ref m.Version);
        v.Field(ref m.PermanentProviderId);
        v.Field(ref m.Role);
    }
}

/// <summary>The host's answer to the handshake.</summary>
public record struct HelloReply : IPayload<HelloReply>, IResultReply
{
    /// <summary>The protocol version the host speaks.</summary>
    public required uint Version;

    /// <summary>0 when the connection is accepted.</summary>
    public required int Result;

    /// <summary>A sentence for people and logs.</summary>
    public required string? Message;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref HelloReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Version);
        v.Field(ref m.Result);
        v.Field(ref m.Message);
    }
}

/// <summary>The payload of every error reply (<see cref="FrameFlags.Error"/>): a <see cref="ProtocolError"/>.</summary>
public record struct ErrorReply : IPayload<ErrorReply>
{
    /// <summary>A <see cref="ProtocolErrorCode"/>.</summary>
    public required uint Code;

    /// <summary>The type of the frame refused (its raw value when unknown).</summary>
    public required uint FrameType;

    /// <summary>The field at fault, or empty.</summary>
    public required string? Field;

    /// <summary>A sentence for people and logs.</summary>
    public required string? Message;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref ErrorReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Code);
        v.Field(ref m.FrameType);
        v.Field(ref m.Field);
        v.Field(ref m.Message);
    }
}

/// <summary>A reply that is only a result: most TSPI functions, and the monitor's subscription.</summary>
public record struct ResultReply : IPayload<ResultReply>, IResultReply
{
    /// <summary>0, a positive request ID (the request completes later) or a negative TAPI error.</summary>
    public required int Result;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref ResultReply m) where TVisitor : struct, IFieldVisitor, allows ref struct => v.Field(ref m.Result);
}

/// <summary>The reply to lineNegotiateTSPIVersion and phoneNegotiateTSPIVersion.</summary>
public record struct TspiVersionReply : IPayload<TspiVersionReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error.</summary>
    public required int Result;

    /// <summary>The version negotiated.</summary>
    public required uint Version;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref TspiVersionReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.Version);
    }
}
