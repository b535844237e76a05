using System.Net.Sockets;

namespace TspHost.Protocol;

/// <summary>
/// Blocking frame I/O on a connected socket, for clients (the shim's reader thread, monitors, tests):
/// one reader at a time, senders serialised.
/// </summary>
public sealed class FrameSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly object _sendLock = new();
    private readonly byte[] _header = new byte[FrameHeader.Size];

    /// <summary>Wraps <paramref name="socket"/>, which this object then owns.</summary>
    public FrameSocket(Socket socket) => _socket = socket;

    /// <summary>Connects to the Unix domain socket at <paramref name="path"/>.</summary>
    /// <exception cref="SocketException">Nobody listens there.</exception>
    public static FrameSocket Connect(string path, TimeSpan? receiveTimeout = null)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.ReceiveTimeout = (int)(receiveTimeout ?? TimeSpan.Zero).TotalMilliseconds;
            return new FrameSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The underlying socket.</summary>
    public Socket Socket => _socket;

    /// <summary>Sends a whole frame (thread-safe).</summary>
    public void Send(byte[] frame)
    {
        lock (_sendLock)
        {
            var sent = 0;
            while (sent < frame.Length)
            {
                sent += _socket.Send(frame, sent, frame.Length - sent, SocketFlags.None);
            }
        }
    }

    /// <summary>Receives the next frame; null when the peer closed the connection between frames.</summary>
    /// <exception cref="ProtocolException">The peer sent a malformed frame, or closed inside one.</exception>
    /// <exception cref="SocketException">The connection failed or the receive timed out.</exception>
    public Frame? Receive()
    {
        if (!ReadExactly(_header, 0, FrameHeader.Size, allowEof: true))
        {
            return null;
        }

        FrameHeader.TryRead(_header, out var header);
        if (FrameCodec.CheckLength(header) is { } bad)
        {
            throw new ProtocolException(bad);
        }

        var buffer = new byte[header.Length];
        _header.CopyTo(buffer, 0);
        ReadExactly(buffer, FrameHeader.Size, buffer.Length - FrameHeader.Size, allowEof: false);
        return FrameCodec.DecodeExactly(buffer);
    }

    /// <summary>Sends a request and reads frames until its reply; pushes that arrive first are handed to <paramref name="onPush"/>.</summary>
    /// <exception cref="ProtocolException">The reply is an error reply, or the connection closed first.</exception>
    public Frame Call(byte[] request, Action<Frame>? onPush = null)
    {
        FrameHeader.TryRead(request, out var sent);
        Send(request);
        while (true)
        {
            var frame = Receive() ?? throw new ProtocolException(new ProtocolError(ProtocolErrorCode.Truncated, (ushort)sent.Type, "", "The host closed the connection before replying."));
            if (frame.IsReply && frame.Sequence == sent.Sequence)
            {
                return frame.IsError ? throw new ProtocolException(ProtocolError.Read(frame)) : frame;
            }

            onPush?.Invoke(frame);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();

    private bool ReadExactly(byte[] buffer, int offset, int count, bool allowEof)
    {
        var read = 0;
        while (read < count)
        {
            var n = _socket.Receive(buffer, offset + read, count - read, SocketFlags.None);
            if (n == 0)
            {
                if (allowEof && read == 0)
                {
                    return false;
                }

                throw new ProtocolException(new ProtocolError(ProtocolErrorCode.Truncated, 0, "", $"The connection closed {read} bytes into a {count}-byte read."));
            }

            read += n;
        }

        return true;
    }
}
