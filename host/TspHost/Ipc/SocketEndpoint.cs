using System.Net.Sockets;
using TspHost.Protocol;

namespace TspHost.Ipc;

/// <summary>The daemon could not take its socket; the message is one line naming the path and why.</summary>
internal sealed class SocketEndpointException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The daemon's listening socket, taken safely. The socket's directory must be a real directory owned
/// by this user that nobody else may write to (created 0700 when missing): another local user who
/// made it first could otherwise swap the socket and pose as the host. A lock file beside the socket
/// (<c>&lt;socket&gt;.lock</c>, held for the daemon's life) makes a second daemon on the same path stop
/// with a clear message before it touches anything. The socket is owner-only (0600), and on stop it
/// is removed only if the path still names the socket this daemon bound.
/// </summary>
internal sealed class SocketEndpoint : IDisposable
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly FileStream? _lock;
    private readonly FileIdentity? _bound;

    private SocketEndpoint(string path, Socket listener, FileStream? fileLock, FileIdentity? bound)
    {
        Path = path;
        Listener = listener;
        _lock = fileLock;
        _bound = bound;
    }

    public string Path { get; }

    public Socket Listener { get; }

    /// <summary>Checks the directory, takes the lock, removes a stale socket, binds and listens.</summary>
    /// <exception cref="SocketEndpointException">Any of these failed; the message says which and why.</exception>
    public static SocketEndpoint Bind(string path, int backlog)
    {
        path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(path)!;
        FileStream? fileLock = null;
        Socket? listener = null;
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                PrepareDirectory(directory);
                fileLock = TakeLock(path);
                RemoveStale(path);
            }
            else
            {
                Directory.CreateDirectory(directory);
            }

            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            FileIdentity? bound = null;
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, OwnerOnlyFile);
                bound = Interop.Libc.Lstat(path);
            }

            listener.Listen(backlog);
            return new SocketEndpoint(path, listener, fileLock, bound);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            listener?.Dispose();
            fileLock?.Dispose();
            throw new SocketEndpointException($"cannot listen on {path}: {e.Message}", e);
        }
        catch
        {
            listener?.Dispose();
            fileLock?.Dispose();
            throw;
        }
    }

    /// <summary>Why a socket directory is refused, or null when it is this user's alone.</summary>
    internal static string? Refusal(string directory, FileIdentity found, uint userId)
    {
        if (found.IsSymbolicLink)
        {
            return $"the socket directory {directory} is a symbolic link (owner uid {found.UserId}); it must be a directory of this user's (uid {userId}).";
        }

        if (!found.IsDirectory)
        {
            return $"{directory} is not a directory.";
        }

        if (found.UserId != userId)
        {
            return $"the socket directory {directory} belongs to uid {found.UserId}, not to this user (uid {userId}) (mode {found.Permissions}); " +
                "another user may have made it to pose as the host. Remove it, or choose another path with --socket.";
        }

        return found.OthersMayWrite
            ? $"others may write to the socket directory {directory} (owner uid {found.UserId}, mode {found.Permissions}); it must be writable by its owner only (chmod 700), or choose another path with --socket."
            : null;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void PrepareDirectory(string directory)
    {
        if (Interop.Libc.Lstat(directory) is null)
        {
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }

        var found = Interop.Libc.Lstat(directory) ?? throw new SocketEndpointException($"the socket directory {directory} vanished while it was created.");
        if (Refusal(directory, found, SocketPath.CurrentUserId()) is { } refusal)
        {
            throw new SocketEndpointException(refusal);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static FileStream TakeLock(string path)
    {
        var lockPath = path + ".lock";
        try
        {
            return new FileStream(lockPath, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None, // an advisory lock (flock) on Unix: released when the daemon exits, however it exits
                UnixCreateMode = OwnerOnlyFile,
            });
        }
        catch (IOException e)
        {
            throw new SocketEndpointException($"another tsphost already serves {path} (it holds {lockPath}); stop it first, or choose another path with --socket.", e);
        }
    }

    /// <summary>Removes a socket file no daemon serves (one that was killed left it); refuses anything else at the path.</summary>
    private static void RemoveStale(string path)
    {
        if (Interop.Libc.Lstat(path) is not { } found)
        {
            return;
        }

        if (!found.IsSocket)
        {
            throw new SocketEndpointException($"{path} exists and is not a socket; remove it, or choose another path with --socket.");
        }

        if (SocketPath.IsListening(path))
        {
            throw new SocketEndpointException($"another tsphost already listens on {path}; stop it first, or choose another path with --socket.");
        }

        File.Delete(path); // stale: we hold the lock, so no live daemon of ours owns it
    }

    /// <summary>
    /// Closes the listener and removes the socket file, if the path still names the socket this daemon
    /// bound (never one another daemon made there meanwhile); returns why it was left, or null.
    /// </summary>
    public string? Close()
    {
        Listener.Dispose();
        string? left = null;
        try
        {
            if (_bound is null)
            {
                File.Delete(Path);
            }
            else if (Interop.Libc.Lstat(Path) is { } now)
            {
                if (now.SameFile(_bound.Value))
                {
                    File.Delete(Path);
                }
                else
                {
                    left = $"{Path} is no longer the socket this daemon bound; left it alone";
                }
            }
        }
        catch (IOException e)
        {
            left = $"could not remove {Path}: {e.Message}";
        }

        _lock?.Dispose();
        return left;
    }

    public void Dispose()
    {
        Listener.Dispose();
        _lock?.Dispose();
    }
}
