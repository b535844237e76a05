using System.Runtime.InteropServices;
using TspHost.Plugins.SerialModem.Interop;

namespace TspHost.Plugins.SerialModem.Transport;

internal sealed partial class SerialPortTransport
{
    private const int WriteStallMs = 2000;

    private SafeFileDescriptorHandle? _port;
    private SafeFileDescriptorHandle? _wake;

    private void OpenPort()
    {
        if (!Libc.BaudConstants.TryGetValue(_baud, out var speed))
        {
            throw new ModemUnavailableException($"{_path}: {_baud} baud is not a standard speed.");
        }

        // O_NOCTTY: the port must never become our controlling terminal (a hang-up would send SIGHUP).
        var fd = Libc.Open(_path, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            throw new ModemUnavailableException($"{_path}: cannot open: {Libc.Describe(Marshal.GetLastPInvokeError())}.");
        }

        var port = new SafeFileDescriptorHandle(fd);
        try
        {
            if (Libc.Ioctl(fd, Libc.TIOCEXCL) != 0)
            {
                throw Error("cannot get exclusive use (TIOCEXCL)");
            }

            Configure(fd, speed);
            var wake = Libc.EventFd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (wake < 0)
            {
                throw Error("eventfd failed");
            }

            _wake = new SafeFileDescriptorHandle(wake);
            _port = port;
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }

    private void Configure(int fd, uint speed)
    {
        if (Libc.TcGetAttr(fd, out var termios) != 0)
        {
            throw Error("is not a terminal (tcgetattr failed)");
        }

        Libc.CfMakeRaw(ref termios);
        termios.c_cflag &= ~(Libc.CSIZE | Libc.PARENB | Libc.CSTOPB | Libc.CRTSCTS);
        // CLOCAL: a missing carrier must not block the port; HUPCL: closing drops DTR, which hangs a modem up.
        termios.c_cflag |= Libc.CS8 | Libc.CREAD | Libc.CLOCAL | Libc.HUPCL;
        unsafe
        {
            // VMIN 1: an empty non-blocking read fails with EAGAIN, so a read of 0 bytes means hang-up
            // (with VMIN 0 it would also mean "nothing yet").
            termios.c_cc[Libc.VMIN] = 1;
            termios.c_cc[Libc.VTIME] = 0;
        }

        if (Libc.CfSetISpeed(ref termios, speed) != 0 || Libc.CfSetOSpeed(ref termios, speed) != 0 ||
            Libc.TcSetAttr(fd, Libc.TCSANOW, termios) != 0)
        {
            throw Error("cannot set raw 8N1");
        }

        // tcsetattr succeeds when any one change applied: read back what the driver took.
        if (Libc.TcGetAttr(fd, out var actual) != 0 || (actual.c_cflag & Libc.CSIZE) != Libc.CS8 ||
            (actual.c_cflag & (Libc.PARENB | Libc.CSTOPB)) != 0 || Libc.CfGetOSpeed(actual) != speed)
        {
            throw new ModemUnavailableException($"{_path}: the driver did not accept {_baud} baud 8N1.");
        }

        _ = Libc.TcFlush(fd, Libc.TCIOFLUSH);
    }

    private ModemUnavailableException Error(string what) =>
        new($"{_path}: {what}: {Libc.Describe(Marshal.GetLastPInvokeError())}.");

    private unsafe void WritePort(ReadOnlySpan<byte> data)
    {
        var port = _port ?? throw new ModemUnavailableException($"{_path} is not open.");
        var added = false;
        try
        {
            port.DangerousAddRef(ref added);
            fixed (byte* start = data)
            {
                var offset = 0;
                while (offset < data.Length)
                {
                    var written = Libc.Write(port.Fd, start + offset, (nuint)(data.Length - offset));
                    if (written >= 0)
                    {
                        offset += (int)written;
                        continue;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Libc.EINTR)
                    {
                        continue;
                    }

                    if (errno != Libc.EAGAIN)
                    {
                        throw new ModemUnavailableException($"{_path}: write failed: {Libc.Describe(errno)}.");
                    }

                    // The output buffer is full (flow control): wait for room, but not forever.
                    var pfd = new Libc.PollFd { fd = port.Fd, events = Libc.POLLOUT };
                    if (Libc.Poll(&pfd, 1, WriteStallMs) == 0)
                    {
                        throw new ModemUnavailableException($"{_path}: the port accepted no data for {WriteStallMs} ms.");
                    }
                }
            }
        }
        catch (ObjectDisposedException error)
        {
            throw new ModemUnavailableException($"{_path} was closed.", error);
        }
        finally
        {
            if (added)
            {
                port.DangerousRelease();
            }
        }
    }

    private void WakeReader()
    {
        var wake = _wake;
        if (wake is null || wake.IsClosed)
        {
            return;
        }

        unsafe
        {
            ulong one = 1;
            _ = Libc.Write(wake.Fd, (byte*)&one, sizeof(ulong));
        }
    }

    private void ClosePort()
    {
        _port?.Dispose();
        _wake?.Dispose();
    }

    private unsafe void ReadLoop()
    {
        var port = _port!;
        var wake = _wake!;
        bool portAdded = false, wakeAdded = false;
        var buffer = new byte[4096];
        try
        {
            port.DangerousAddRef(ref portAdded);
            wake.DangerousAddRef(ref wakeAdded);
            var fds = stackalloc Libc.PollFd[2];
            fds[0] = new Libc.PollFd { fd = port.Fd, events = Libc.POLLIN };
            fds[1] = new Libc.PollFd { fd = wake.Fd, events = Libc.POLLIN };
            while (true)
            {
                fds[0].revents = 0;
                fds[1].revents = 0;
                if (Libc.Poll(fds, 2, -1) < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Libc.EINTR)
                    {
                        continue;
                    }

                    throw new ModemUnavailableException($"{_path}: poll failed: {Libc.Describe(errno)}.");
                }

                if (fds[1].revents != 0)
                {
                    return; // closed by us
                }

                if ((fds[0].revents & Libc.POLLIN) != 0)
                {
                    Drain(port.Fd, buffer);
                }

                if ((fds[0].revents & (Libc.POLLHUP | Libc.POLLERR | Libc.POLLNVAL)) != 0)
                {
                    // A USB adapter unplugged, or the other end of a pty closed.
                    throw new ModemUnavailableException($"{_path}: the port hung up.");
                }
            }
        }
        catch (Exception error)
        {
            Faulted(error);
        }
        finally
        {
            if (portAdded)
            {
                port.DangerousRelease();
            }

            if (wakeAdded)
            {
                wake.DangerousRelease();
            }
        }
    }

    /// <summary>Reads until the port has nothing more; throws when the port is gone.</summary>
    private unsafe void Drain(int fd, byte[] buffer)
    {
        fixed (byte* start = buffer)
        {
            while (true)
            {
                var count = Libc.Read(fd, start, (nuint)buffer.Length);
                if (count > 0)
                {
                    Received(buffer.AsSpan(0, (int)count));
                    continue;
                }

                if (count == 0)
                {
                    throw new ModemUnavailableException($"{_path}: the port hung up (end of file).");
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EAGAIN)
                {
                    return;
                }

                if (errno == Libc.EINTR)
                {
                    continue;
                }

                // EIO: the device is gone (unplugged, pty master closed).
                throw new ModemUnavailableException($"{_path}: read failed: {Libc.Describe(errno)}.");
            }
        }
    }
}
