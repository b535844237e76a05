using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace TspHost.Protocol;

/// <summary>
/// Where the host's socket is. In order: an explicit path, the <c>TSPHOST_SOCKET</c> environment
/// variable, <c>$XDG_RUNTIME_DIR/tsphost/tsphost.sock</c>, and <c>/tmp/tsphost-$UID/tsphost.sock</c>
/// (on Windows, <c>%LOCALAPPDATA%\tsphost\tsphost.sock</c>).
/// </summary>
public static partial class SocketPath
{
    /// <summary>The environment variable that names the socket.</summary>
    public const string EnvironmentVariable = "TSPHOST_SOCKET";

    /// <summary>The socket's file name inside its directory.</summary>
    public const string FileName = "tsphost.sock";

    /// <summary>True when something accepts connections on the socket at <paramref name="path"/> (the connection is closed at once).</summary>
    public static bool IsListening(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Resolves the socket path; <paramref name="configured"/> wins when given.</summary>
    public static string Resolve(string? configured = null)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? Default() : fromEnvironment;
    }

    /// <summary>The default path when nothing names one.</summary>
    public static string Default()
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "tsphost", FileName);
        }

        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return string.IsNullOrEmpty(runtime)
            ? Path.Combine(Path.GetTempPath(), $"tsphost-{CurrentUserId()}", FileName)
            : Path.Combine(runtime, "tsphost", FileName);
    }

    /// <summary>The real user ID of this process (0 on Windows).</summary>
    public static uint CurrentUserId() => OperatingSystem.IsWindows() ? 0 : GetUid();

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint GetUid();
}
