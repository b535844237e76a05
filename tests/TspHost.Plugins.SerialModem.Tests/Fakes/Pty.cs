using System.Runtime.InteropServices;

namespace TspHost.Plugins.SerialModem.Tests.Fakes;

/// <summary>
/// A pseudo-terminal pair made by the test with libc (<c>posix_openpt</c>): the test holds the
/// master side, the slave path is a serial port to whoever opens it. The master is raw (a new pty
/// starts in cooked mode: echo, line editing). Closing the master makes the slave path vanish and
/// hangs up whoever has it open, as unplugging a USB adapter does.
/// </summary>
internal sealed unsafe partial class Pty : IDisposable
{
    private const int O_RDWR = 0x2;
    private const int O_NOCTTY = 0x100;
    private const int O_NONBLOCK = 0x800;
    private const int O_CLOEXEC = 0x80000;
    private const short POLLIN = 0x1;
    private const int TCSANOW = 0;
    private const nuint TIOCGEXCL = 0x80045440;

    private readonly Lock _lock = new();
    private int _master;

    public Pty()
    {
        var fd = PosixOpenPt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
        {
            throw Error("posix_openpt");
        }

        _master = fd;
        var name = new byte[128];
        fixed (byte* buffer = name)
        {
            if (GrantPt(fd) != 0 || UnlockPt(fd) != 0 || PtsNameR(fd, buffer, (nuint)name.Length) != 0)
            {
                throw Error("grantpt/unlockpt/ptsname_r");
            }
        }

        SlavePath = System.Text.Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0));
        var termios = stackalloc byte[TermiosSize];
        if (TcGetAttr(fd, termios) != 0)
        {
            throw Error("tcgetattr on the pty master");
        }

        CfMakeRaw(termios);
        if (TcSetAttr(fd, TCSANOW, termios) != 0)
        {
            throw Error("tcsetattr on the pty master");
        }
    }

    /// <summary><c>struct termios</c> on x64/arm64 glibc is 60 bytes; more room does no harm.</summary>
    private const int TermiosSize = 64;

    /// <summary>The slave's path (<c>/dev/pts/N</c>): the port the plugin opens.</summary>
    public string SlavePath { get; }

    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _master < 0;
            }
        }
    }

    /// <summary>Writes to the master: the slave reads it. Nothing happens once closed.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            fixed (byte* start = data)
            {
                var offset = 0;
                while (_master >= 0 && offset < data.Length)
                {
                    var n = LibcWrite(_master, start + offset, (nuint)(data.Length - offset));
                    if (n < 0)
                    {
                        return;
                    }

                    offset += (int)n;
                }
            }
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> for what the slave wrote: the count read, 0 when
    /// nothing came, -1 when no slave is open right now (between two opens by the plugin) or closed.
    /// </summary>
    public int Read(Span<byte> buffer, int timeoutMs)
    {
        int master;
        lock (_lock)
        {
            master = _master;
        }

        if (master < 0)
        {
            return -1;
        }

        var pfd = new PollFd { Fd = master, Events = POLLIN };
        var ready = Poll(&pfd, 1, timeoutMs);
        if (ready <= 0)
        {
            return 0;
        }

        if ((pfd.ReturnedEvents & POLLIN) == 0)
        {
            return -1; // POLLHUP: no slave is open
        }

        lock (_lock)
        {
            if (_master < 0)
            {
                return -1;
            }

            fixed (byte* start = buffer)
            {
                var n = LibcRead(_master, start, (nuint)buffer.Length);
                return n > 0 ? (int)n : -1; // EIO while no slave is open
            }
        }
    }

    /// <summary>Closes the master: the slave hangs up and its path vanishes.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_master >= 0)
            {
                _ = LibcClose(_master);
                _master = -1;
            }
        }
    }

    public void Dispose() => Close();

    /// <summary>Whether the tty at <paramref name="path"/> is in exclusive mode (TIOCEXCL), read with TIOCGEXCL.</summary>
    public static bool IsExclusive(string path)
    {
        // root may open an exclusive tty anyway, which is what makes this check possible.
        var fd = Open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
        {
            throw Error($"open {path}");
        }

        try
        {
            int exclusive;
            return IoctlGetInt(fd, TIOCGEXCL, &exclusive) == 0 ? exclusive != 0 : throw Error("TIOCGEXCL");
        }
        finally
        {
            _ = LibcClose(fd);
        }
    }

    private static IOException Error(string what) =>
        new($"{what} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport("libc", EntryPoint = "posix_openpt", SetLastError = true)]
    private static partial int PosixOpenPt(int flags);

    [LibraryImport("libc", EntryPoint = "grantpt", SetLastError = true)]
    private static partial int GrantPt(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    private static partial int UnlockPt(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname_r", SetLastError = true)]
    private static partial int PtsNameR(int fd, byte* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, byte* termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int TcSetAttr(int fd, int optionalActions, byte* termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static partial void CfMakeRaw(byte* termios);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int LibcClose(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint LibcRead(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint LibcWrite(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlGetInt(int fd, nuint request, int* value);
}
