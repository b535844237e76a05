using System.Buffers.Binary;
using System.Net.Sockets;

namespace TspHost.Protocol;

/// <summary>
/// Who is at the other end of a Unix domain socket, from the kernel (<c>SO_PEERCRED</c>: a
/// <c>struct ucred</c> of pid, uid, gid, three 32-bit integers). Both ends check it: the host serves
/// only its own user, and a client talks only to a host of its own user, so another local user can
/// neither drive the provider nor pose as the host; a plugin's worker must also be the process the
/// host started.
/// </summary>
/// <param name="ProcessId">The peer's process ID.</param>
/// <param name="UserId">The peer's user ID.</param>
/// <param name="GroupId">The peer's group ID.</param>
public readonly record struct PeerCredentials(int ProcessId, uint UserId, uint GroupId)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>The size of <c>struct ucred</c>.</summary>
    public const int Size = 12;

    /// <summary>Asks the kernel for the peer of <paramref name="socket"/> (Linux); null where the option does not exist.</summary>
    /// <exception cref="SocketException">The kernel refused (the socket is not connected).</exception>
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

    /// <summary>Why a peer is refused, or null when it runs as <paramref name="expectedUserId"/>.</summary>
    public static string? Refusal(PeerCredentials? peer, uint expectedUserId) => peer switch
    {
        null when OperatingSystem.IsLinux() => "the kernel did not report the peer's credentials",
        null => null,
        { UserId: var uid } when uid != expectedUserId => $"process {peer.Value.ProcessId} runs as uid {uid}, not as uid {expectedUserId}",
        _ => null,
    };

    /// <summary>
    /// Checks, before anything is sent, that the host at the other end of <paramref name="socket"/>
    /// (connected to <paramref name="path"/>) runs as this process's user.
    /// </summary>
    /// <exception cref="PeerIdentityException">It does not, or the kernel cannot say.</exception>
    public static void VerifyHost(Socket socket, string path)
    {
        string? refusal;
        try
        {
            refusal = Refusal(Read(socket), SocketPath.CurrentUserId());
        }
        catch (SocketException e)
        {
            refusal = $"its credentials could not be read ({e.Message})";
        }

        if (refusal is not null)
        {
            throw new PeerIdentityException($"Refusing the server on {path}: {refusal}. It is not a tsphost of this user; nothing was sent to it.");
        }
    }
}

/// <summary>The server on the socket is not a host of this user (see <see cref="PeerCredentials.VerifyHost"/>).</summary>
/// <param name="message">Names the socket, the server's process and uid.</param>
public sealed class PeerIdentityException(string message) : IOException(message);
