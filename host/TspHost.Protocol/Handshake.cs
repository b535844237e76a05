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
        new FrameWriter(FrameType.Hello, FrameFlags.None, sequence).U32(Magic).U32(Version).U32(permanentProviderId).U32((uint)role).ToArray();

    /// <summary>Reads a hello; an error when its magic, version or role is wrong.</summary>
    public static ProtocolError? Read(Frame hello, out uint permanentProviderId, out ClientRole role)
    {
        var reader = hello.Reader();
        var magic = reader.U32();
        var version = reader.U32();
        permanentProviderId = reader.U32();
        role = (ClientRole)reader.U32();
        if (magic != Magic)
        {
            return new ProtocolError(ProtocolErrorCode.BadHandshake, (ushort)FrameType.Hello, "magic", $"The magic 0x{magic:X8} is not 0x{Magic:X8} ('TSPH').");
        }

        if (version != Version)
        {
            return new ProtocolError(ProtocolErrorCode.VersionMismatch, (ushort)FrameType.Hello, "version", $"Protocol version {version} is not supported; the host speaks version {Version}.");
        }

        return role is ClientRole.Provider or ClientRole.Monitor
            ? null
            : new ProtocolError(ProtocolErrorCode.BadHandshake, (ushort)FrameType.Hello, "role", $"The role {(uint)role} is neither provider (1) nor monitor (2).");
    }
}
