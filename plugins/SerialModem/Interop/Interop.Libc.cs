using System.Runtime.InteropServices;

namespace TspHost.Plugins.SerialModem.Interop;

/// <summary>The libc calls the serial transport needs (Linux, glibc layout).</summary>
internal static unsafe partial class Libc
{
    private const string LibraryName = "libc";

    public const int O_RDWR = 0x2;
    public const int O_NOCTTY = 0x100;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;

    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;
    public const short POLLNVAL = 0x20;

    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EAGAIN = 11;
    public const int EBUSY = 16;

    public const nuint TIOCEXCL = 0x540C;
    public const nuint TIOCNXCL = 0x540D;

    public const int TCSANOW = 0;
    public const int TCIOFLUSH = 2;

    // c_cflag bits
    public const uint CSIZE = 0x30;
    public const uint CS8 = 0x30;
    public const uint CSTOPB = 0x40;
    public const uint CREAD = 0x80;
    public const uint PARENB = 0x100;
    public const uint HUPCL = 0x400;
    public const uint CLOCAL = 0x800;
    public const uint CRTSCTS = 0x80000000;

    // c_cc indexes
    public const int VTIME = 5;
    public const int VMIN = 6;

    /// <summary>
    /// <c>struct termios</c> on x64/arm64 glibc: 60 bytes, <c>c_ispeed</c> at 52 and <c>c_ospeed</c>
    /// at 56. A shorter struct lets tcgetattr write past it.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Termios
    {
        public uint c_iflag;
        public uint c_oflag;
        public uint c_cflag;
        public uint c_lflag;
        public byte c_line;
        public fixed byte c_cc[32];
        public uint c_ispeed;
        public uint c_ospeed;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int fd;
        public short events;
        public short revents;
    }

    [LibraryImport(LibraryName, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(LibraryName, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(LibraryName, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(LibraryName, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(LibraryName, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(LibraryName, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(LibraryName, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request);

    [LibraryImport(LibraryName, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int fd, out Termios termios);

    [LibraryImport(LibraryName, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int fd, int optionalActions, in Termios termios);

    [LibraryImport(LibraryName, EntryPoint = "tcflush", SetLastError = true)]
    public static partial int TcFlush(int fd, int queueSelector);

    [LibraryImport(LibraryName, EntryPoint = "cfmakeraw")]
    public static partial void CfMakeRaw(ref Termios termios);

    [LibraryImport(LibraryName, EntryPoint = "cfsetispeed", SetLastError = true)]
    public static partial int CfSetISpeed(ref Termios termios, uint speed);

    [LibraryImport(LibraryName, EntryPoint = "cfsetospeed", SetLastError = true)]
    public static partial int CfSetOSpeed(ref Termios termios, uint speed);

    [LibraryImport(LibraryName, EntryPoint = "cfgetospeed")]
    public static partial uint CfGetOSpeed(in Termios termios);

    [LibraryImport(LibraryName, EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    /// <summary>The text of an errno value.</summary>
    public static string Describe(int errno) => $"{Marshal.PtrToStringUTF8(StrError(errno)) ?? "error"} (errno {errno})";

    /// <summary>
    /// Baud rates as <c>&lt;termios.h&gt;</c> constants (B9600 = 13, B115200 = 0x1002): the speed
    /// functions take these, not plain numbers.
    /// </summary>
    public static readonly IReadOnlyDictionary<int, uint> BaudConstants = new Dictionary<int, uint>
    {
        [1200] = 9,
        [2400] = 11,
        [4800] = 12,
        [9600] = 13,
        [19200] = 14,
        [38400] = 15,
        [57600] = 0x1001,
        [115200] = 0x1002,
        [230400] = 0x1003,
        [460800] = 0x1004,
        [921600] = 0x1007,
    };
}
