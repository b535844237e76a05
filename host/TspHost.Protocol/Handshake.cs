using TspHost.Protocol.Messages;

namespace TspHost.Protocol;

/// <summary>Who is connecting.</summary>
public enum ClientRole : uint
{
    /// <summary>The shim inside the TAPI service: drives the provider engine (one at a time).</summary>
    Provider = 1,

    /// <summary>A tool (<c>tsphost status</c>, <c>tsphost watch</c>): reads state and events, changes nothing.</summary>
    Monitor = 2,
}

/// <summary>The first frame on every connection: <see cref="FrameType.Hello"/> with magic, version, provider ID and role.</summary>
public static class Handshake
{
    /// <summary>"TSPH" read as a little-endian DWORD.</summary>
    public const uint Magic = 0x48505354;

    /// <summary>The protocol version this library speaks.</summary>
    public const uint Version = 1;

    /// <summary>Builds the hello a client sends first.</summary>
    public static byte[] Hello(uint sequence, uint permanentProviderId, ClientRole role) =>
        MessageCodec.Encode(new HelloRequest { Magic = Magic, Version = Version, PermanentProviderId = permanentProviderId, Role = (uint)role }, sequence);

    /// <summary>The length of a Hello frame, header included.</summary>
    public const int HelloLength = FrameHeader.Size + 16;

    /// <summary>
    /// Checks the header of a connection's first frame before its payload is read: it must be a Hello
    /// request (no reply, error or push flag) of <see cref="HelloLength"/> bytes. Null when it is.
    /// </summary>
    public static ProtocolError? CheckFirstHeader(in FrameHeader header)
    {
        var type = (ushort)header.Type;
        if (FrameCodec.CheckLength(header) is { } length)
        {
            return length;
        }

        if (header.Type != FrameType.Hello)
        {
            return new ProtocolError(ProtocolErrorCode.BadHandshake, type, "type", $"The first frame must be Hello, not {ProtocolError.TypeName(type)}.");
        }

        if (header.Flags != FrameFlags.None)
        {
            return new ProtocolError(ProtocolErrorCode.BadHandshake, type, "flags",
                $"The first frame must be a Hello request; its flags 0x{(ushort)header.Flags:X4} make it a {(header.Flags.HasFlag(FrameFlags.Reply) ? "reply" : "push")}.");
        }

        return header.Length == HelloLength
            ? null
            : new ProtocolError(ProtocolErrorCode.BadHandshake, type, "length", $"A Hello is {HelloLength} bytes long, not {header.Length}.");
    }

    /// <summary>Reads a hello; an error when it is not a Hello request, or its magic, version or role is wrong.</summary>
    public static ProtocolError? Read(Frame hello, out uint permanentProviderId, out ClientRole role)
    {
        permanentProviderId = 0;
        role = 0;
        if (CheckFirstHeader(hello.Header) is { } bad)
        {
            return bad;
        }

        var request = hello.Read<HelloRequest>();
        permanentProviderId = request.PermanentProviderId;
        role = (ClientRole)request.Role;
        if (request.Magic != Magic)
        {
            return new ProtocolError(ProtocolErrorCode.BadHandshake, (ushort)FrameType.Hello, "magic", $"The magic 0x{request.Magic:X8} is not 0x{Magic:X8} ('TSPH').");
        }

        if (request.Version != Version)
        {
            return new ProtocolError(ProtocolErrorCode.VersionMismatch, (ushort)FrameType.Hello, "version", $"Protocol version {request.Version} is not supported; the host speaks version {Version}.");
        }

        return role is ClientRole.Provider or ClientRole.Monitor
            ? null
            : new ProtocolError(ProtocolErrorCode.BadHandshake, (ushort)FrameType.Hello, "role", $"The role {(uint)role} is neither provider (1) nor monitor (2).");
    }
}
