using System.Buffers.Binary;
using System.Net.Sockets;

namespace TspHost.Protocol;

/// <summary>
/// Who is at the other end of a Unix domain socket, from the kernel (<c>SO_PEERCRED</c>: a
/// <c>struct ucred</c> of pid, uid, gid, three 32-bit integers). Only the host's own user may connect
/// to the daemon's socket; a plugin's worker must also be the process the host started.
/// </summary>
/// <param name="ProcessId">The peer's process ID.</param>
/// <param name="UserId">The peer's user ID.</param>
/// <param name="GroupId">The peer's group ID.</param>
internal readonly record struct PeerCredentials(int ProcessId, uint UserId, uint GroupId)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>The size of <c>struct ucred</c>.</summary>
    public const int Size = 12;

    /// <summary>Asks the kernel for the peer of <paramref name="socket"/> (Linux); null where the option does not exist.</summary>
    public static PeerCredentials? Read(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> ucred = stackalloc byte[Size];
        var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        return Parse(ucred[..length]);
    }

    /// <summary>Reads a <c>struct ucred</c>.</summary>
    /// <exception cref="ArgumentException">Fewer than <see cref="Size"/> bytes.</exception>
    public static PeerCredentials Parse(ReadOnlySpan<byte> ucred) => ucred.Length < Size
        ? throw new ArgumentException($"struct ucred has {Size} bytes, not {ucred.Length}.", nameof(ucred))
        : new PeerCredentials(BinaryPrimitives.ReadInt32LittleEndian(ucred), BinaryPrimitives.ReadUInt32LittleEndian(ucred[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(ucred[8..]));

    /// <summary>Why a peer is refused, or null when it runs as <paramref name="hostUserId"/>.</summary>
    public static string? Refusal(PeerCredentials? peer, uint hostUserId) => peer switch
    {
        null when OperatingSystem.IsLinux() => "the kernel did not report the peer's credentials",
        null => null,
        { UserId: var uid } when uid != hostUserId => $"process {peer.Value.ProcessId} runs as uid {uid}, not as the host's uid {hostUserId}",
        _ => null,
    };
}
