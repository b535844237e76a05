using System.Runtime.InteropServices;

namespace TspHost.Plugins.UsbHandset.Transport;

internal static partial class Interop
{
    /// <summary>The few libc calls hidraw needs: plain file I/O on a non-blocking descriptor, and poll.</summary>
    internal static partial class Libc
    {
        private const string Library = "libc";

        // Resolve libc calls through the process's global symbol scope, not libc.so.6 itself, so an
        // interposing library (LD_PRELOAD: umockdev in tests, sandboxes in production) sees them,
        // exactly as it sees calls from C code.
        static Libc()
        {
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(Libc).Assembly, static (name, _, _) =>
                    name == Library ? NativeLibrary.GetMainProgramHandle() : 0);
            }
            catch (InvalidOperationException)
            {
                // A resolver is already set for this assembly: it has made its choice.
            }
        }

        public const int O_RDWR = 0x2;
        public const int O_NOCTTY = 0x100;
        public const int O_NONBLOCK = 0x800;
        public const int O_CLOEXEC = 0x80000;

        public const short POLLIN = 0x1;
        public const short POLLERR = 0x8;
        public const short POLLHUP = 0x10;
        public const short POLLNVAL = 0x20;

        public const int EINTR = 4;
        public const int EAGAIN = 11;

        [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Open(string path, int flags);

        [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
        public static partial int Close(int fd);

        [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
        public static unsafe partial nint Read(SafeFileDescriptorHandle fd, byte* buffer, nint count);

        [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
        public static unsafe partial nint Write(SafeFileDescriptorHandle fd, byte* buffer, nint count);

        [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
        public static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

        [StructLayout(LayoutKind.Sequential)]
        public struct PollFd
        {
            public int Fd;
            public short Events;
            public short ReturnedEvents;
        }
    }
}
