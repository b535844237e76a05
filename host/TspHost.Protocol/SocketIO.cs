using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace TspHost.Protocol;

/// <summary>
/// Blocking <c>send</c> and <c>recv</c> on a connected socket, straight to the C library on Linux:
/// a round trip pays for two of them on each side, and <see cref="Socket"/>'s own path adds about a
/// fifth of a microsecond to each. Only for sockets used with blocking calls alone (an asynchronous
/// operation switches the descriptor to non-blocking); elsewhere the <see cref="Socket"/> methods.
/// Errors and timeouts (<c>SO_RCVTIMEO</c>, <c>SO_SNDTIMEO</c>) surface as the <see cref="SocketException"/>
/// the <see cref="Socket"/> methods would throw, and a disposed socket as <see cref="ObjectDisposedException"/>.
/// </summary>
public static unsafe partial class SocketIO
{
    private const int NoSignal = 0x4000; // MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE in the process that loaded the shim
    private const int DontWait = 0x40; // MSG_DONTWAIT
    private const int Interrupted = 4; // EINTR
    private const int Again = 11; // EAGAIN: a blocking socket's timeout passed

    private static readonly bool s_direct = OperatingSystem.IsLinux();

    /// <summary>Receives what is there, up to <paramref name="buffer"/>'s length, blocking until at least one byte or the end of the stream (0).</summary>
    public static int Receive(Socket socket, Span<byte> buffer)
    {
        if (!s_direct)
        {
            return socket.Receive(buffer, SocketFlags.None);
        }

        fixed (byte* bytes = buffer)
        {
            return (int)Call(socket, bytes, buffer.Length, sending: false, 0);
        }
    }

    /// <summary>
    /// Receives what is there, up to <paramref name="buffer"/>'s length, without blocking: the byte
    /// count, 0 at the end of the stream, or -1 when nothing has come.
    /// </summary>
    public static int TryReceive(Socket socket, Span<byte> buffer)
    {
        if (!s_direct)
        {
            return socket.Available > 0 || socket.Poll(0, SelectMode.SelectRead) ? socket.Receive(buffer, SocketFlags.None) : -1;
        }

        fixed (byte* bytes = buffer)
        {
            return (int)Call(socket, bytes, buffer.Length, sending: false, DontWait);
        }
    }

    /// <summary>Sends all of <paramref name="data"/>, blocking while the socket's buffer is full.</summary>
    public static void Send(Socket socket, ReadOnlySpan<byte> data)
    {
        if (!s_direct)
        {
            while (!data.IsEmpty)
            {
                data = data[socket.Send(data, SocketFlags.None)..];
            }

            return;
        }

        fixed (byte* bytes = data)
        {
            for (var sent = 0; sent < data.Length;)
            {
                sent += (int)Call(socket, bytes + sent, data.Length - sent, sending: true, NoSignal);
            }
        }
    }

    /// <summary>
    /// Sends what the socket's buffer takes of <paramref name="data"/> without blocking: the byte
    /// count, or -1 when the buffer is full.
    /// </summary>
    public static int TrySend(Socket socket, ReadOnlySpan<byte> data)
    {
        if (!s_direct)
        {
            return socket.Poll(0, SelectMode.SelectWrite) ? socket.Send(data, SocketFlags.None) : -1;
        }

        fixed (byte* bytes = data)
        {
            return (int)Call(socket, bytes, data.Length, sending: true, NoSignal | DontWait);
        }
    }

    /// <summary>One send or recv, again when a signal interrupts it; -1 for a would-block with <see cref="DontWait"/>.</summary>
    private static nint Call(Socket socket, byte* bytes, int length, bool sending, int flags)
    {
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added); // ObjectDisposedException once disposed; after it, the descriptor cannot be closed, and its number reused, during the call
            var fd = (int)handle.DangerousGetHandle();
            while (true)
            {
                var n = sending ? send(fd, bytes, length, flags) : recv(fd, bytes, length, flags);
                if (n >= 0)
                {
                    return n;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == Again && (flags & DontWait) != 0)
                {
                    return -1;
                }

                if (errno != Interrupted)
                {
                    throw Error(errno);
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static SocketException Error(int errno) => errno switch
    {
        Again => new SocketException((int)SocketError.TimedOut),
        9 => new SocketException((int)SocketError.OperationAborted), // EBADF
        32 => new SocketException((int)SocketError.Shutdown), // EPIPE
        103 => new SocketException((int)SocketError.ConnectionAborted), // ECONNABORTED
        104 => new SocketException((int)SocketError.ConnectionReset), // ECONNRESET
        107 => new SocketException((int)SocketError.NotConnected), // ENOTCONN
        110 => new SocketException((int)SocketError.TimedOut), // ETIMEDOUT
        _ => new SocketException((int)SocketError.SocketError, $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})"),
    };

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, byte* buffer, nint length, int flags);
}
