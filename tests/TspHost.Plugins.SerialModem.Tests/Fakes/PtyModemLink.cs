using System.Runtime.InteropServices;
using TspHost.Plugins.SerialModem.Interop;

namespace TspHost.Plugins.SerialModem.Tests.Fakes;

/// <summary>
/// A pseudo-terminal pair made by the test: the fake modem sits on the master side, the plugin opens
/// the slave path like any serial port and goes through its real termios code.
/// </summary>
internal sealed unsafe partial class PtyModemLink : IFakeModemLink
{
    private readonly FakeModem _modem;
    private readonly SafeFileDescriptorHandle _master;
    private readonly Thread _reader;
    private volatile bool _stopping;

    public PtyModemLink(FakeModem modem)
    {
        _modem = modem;
        var fd = PosixOpenPt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            throw new IOException($"posix_openpt failed: {Libc.Describe(Marshal.GetLastPInvokeError())}");
        }

        _master = new SafeFileDescriptorHandle(fd);
        var name = new byte[128];
        fixed (byte* buffer = name)
        {
            if (GrantPt(fd) != 0 || UnlockPt(fd) != 0 || PtsNameR(fd, buffer, (nuint)name.Length) != 0)
            {
                throw new IOException($"cannot set up the pty: {Libc.Describe(Marshal.GetLastPInvokeError())}");
            }
        }

        PortSetting = System.Text.Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0));

        // A new pty starts in cooked mode (echo, line editing): raw before anything is written.
        if (Libc.TcGetAttr(fd, out var termios) != 0)
        {
            throw new IOException("tcgetattr on the pty master failed");
        }

        Libc.CfMakeRaw(ref termios);
        if (Libc.TcSetAttr(fd, Libc.TCSANOW, termios) != 0)
        {
            throw new IOException("tcsetattr on the pty master failed");
        }

        modem.Connect(Write);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "fake modem pty" };
        _reader.Start();
    }

    public string PortSetting { get; }

    public bool ReachableAfterClose => false; // the slave path vanishes with the master

    public void CloseUnderPlugin()
    {
        _stopping = true;
        _reader.Join(TimeSpan.FromSeconds(2));
        _master.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        if (!_master.IsClosed)
        {
            CloseUnderPlugin();
        }

        return ValueTask.CompletedTask;
    }

    private void Write(byte[] data)
    {
        if (_master.IsClosed)
        {
            return;
        }

        fixed (byte* start = data)
        {
            var offset = 0;
            while (offset < data.Length)
            {
                var n = Libc.Write(_master.Fd, start + offset, (nuint)(data.Length - offset));
                if (n < 0)
                {
                    return;
                }

                offset += (int)n;
            }
        }
    }

    private void ReadLoop()
    {
        var buffer = new byte[1024];
        while (!_stopping)
        {
            var pfd = new Libc.PollFd { fd = _master.Fd, events = Libc.POLLIN };
            var ready = Libc.Poll(&pfd, 1, 20);
            if (ready <= 0)
            {
                continue;
            }

            if ((pfd.revents & Libc.POLLIN) == 0)
            {
                // POLLHUP: no slave is open right now (the plugin is between two opens).
                Thread.Sleep(5);
                continue;
            }

            fixed (byte* start = buffer)
            {
                var n = Libc.Read(_master.Fd, start, (nuint)buffer.Length);
                if (n > 0)
                {
                    _modem.Received(buffer.AsSpan(0, (int)n));
                }
                else if (n < 0)
                {
                    Thread.Sleep(5); // EIO while no slave is open
                }
            }
        }
    }

    /// <summary>Whether the tty at <paramref name="path"/> is in exclusive mode (TIOCEXCL), read with TIOCGEXCL.</summary>
    public static bool IsExclusive(string path)
    {
        using var handle = new SafeFileDescriptorHandle(Libc.Open(path, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_NONBLOCK | Libc.O_CLOEXEC));
        if (handle.IsInvalid)
        {
            throw new IOException($"cannot open {path}: {Libc.Describe(Marshal.GetLastPInvokeError())}");
        }

        int exclusive;
        if (IoctlGetInt(handle.Fd, TIOCGEXCL, &exclusive) != 0)
        {
            throw new IOException($"TIOCGEXCL failed: {Libc.Describe(Marshal.GetLastPInvokeError())}");
        }

        return exclusive != 0;
    }

    private const nuint TIOCGEXCL = 0x80045440;

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlGetInt(int fd, nuint request, int* value);

    [LibraryImport("libc", EntryPoint = "posix_openpt", SetLastError = true)]
    private static partial int PosixOpenPt(int flags);

    [LibraryImport("libc", EntryPoint = "grantpt", SetLastError = true)]
    private static partial int GrantPt(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    private static partial int UnlockPt(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname_r", SetLastError = true)]
    private static partial int PtsNameR(int fd, byte* buffer, nuint length);
}
