using System.Runtime.InteropServices;

namespace TspHost.Shim;

/// <summary>
/// A one-shot readiness watch on one socket (Linux epoll): <see cref="Arm"/> asks for one wake-up of
/// <see cref="Wait"/> when the socket has bytes or an end of stream; the wake-up takes the watch back.
/// </summary>
internal sealed partial class Epoll : IDisposable
{
    private const int CloseOnExec = 0x80000;
    private const int CtlAdd = 1;
    private const int CtlMod = 3;
    private const uint In = 0x001;
    private const uint ReadHangUp = 0x2000;
    private const uint OneShot = 1u << 30;

    private readonly int _epoll;
    private readonly int _socket;

    private Epoll(int epoll, int socket)
    {
        _epoll = epoll;
        _socket = socket;
    }

    /// <summary>Whether this platform has epoll.</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>Watches <paramref name="socket"/>, disarmed; null when epoll refuses (the caller reads without it).</summary>
    public static Epoll? Create(int socket)
    {
        var epoll = epoll_create1(CloseOnExec);
        if (epoll < 0)
        {
            return null;
        }

        var watch = new Epoll(epoll, socket);
        if (!watch.Control(CtlAdd, OneShot))
        {
            watch.Dispose();
            return null;
        }

        return watch;
    }

    /// <summary>One wake-up of <see cref="Wait"/> when the socket is readable (now or later); false when epoll refuses.</summary>
    public bool Arm() => Control(CtlMod, In | ReadHangUp | OneShot);

    /// <summary>Blocks until the armed socket is readable (true) or <paramref name="timeoutMilliseconds"/> pass (false).</summary>
    public unsafe bool Wait(int timeoutMilliseconds)
    {
        var events = stackalloc ulong[2]; // struct epoll_event: 12 bytes packed on x86-64, 16 elsewhere
        return epoll_wait(_epoll, events, 1, timeoutMilliseconds) > 0; // an interrupted wait counts as a timeout: the caller looks again
    }

    public void Dispose() => close(_epoll);

    private unsafe bool Control(int operation, uint events)
    {
        var item = stackalloc ulong[2];
        *(uint*)item = events;
        return epoll_ctl(_epoll, operation, _socket, item) == 0;
    }

    [LibraryImport("libc")]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc")]
    private static unsafe partial int epoll_ctl(int epfd, int op, int fd, ulong* item);

    [LibraryImport("libc")]
    private static unsafe partial int epoll_wait(int epfd, ulong* events, int maxEvents, int timeout);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
