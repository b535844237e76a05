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
    private readonly byte[] _buffer = new byte[2 * FrameHeader.MaxFrameSize]; // received bytes not yet taken as frames
    private int _start;
    private int _end;

    /// <summary>Wraps <paramref name="socket"/>, which this object then owns.</summary>
    public FrameSocket(Socket socket) => _socket = socket;

    /// <summary>
    /// Connects to the host's Unix domain socket at <paramref name="path"/> and checks, before
    /// anything is sent, that the host runs as this process's user (<see cref="PeerCredentials.VerifyHost"/>).
    /// </summary>
    /// <exception cref="SocketException">Nobody listens there.</exception>
    /// <exception cref="PeerIdentityException">Another user's process listens there.</exception>
    public static FrameSocket Connect(string path, TimeSpan? receiveTimeout = null)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            PeerCredentials.VerifyHost(socket, path);
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
    public void Send(ReadOnlySpan<byte> frame)
    {
        lock (_sendLock)
        {
            SocketIO.Send(_socket, frame);
        }
    }

    /// <summary>Receives the next frame; null when the peer closed the connection between frames.</summary>
    /// <exception cref="ProtocolException">The peer sent a malformed frame, or closed inside one.</exception>
    /// <exception cref="SocketException">The connection failed or the receive timed out.</exception>
    public Frame? Receive()
    {
        if (!Buffer(FrameHeader.Size))
        {
            return null;
        }

        FrameHeader.TryRead(_buffer.AsSpan(_start), out var header);
        if (FrameCodec.CheckLength(header) is { } bad)
        {
            throw new ProtocolException(bad);
        }

        if (!Buffer((int)header.Length))
        {
            throw new ProtocolException(new ProtocolError(ProtocolErrorCode.Truncated, (ushort)header.Type, "", $"The connection closed inside a {header.Length}-byte frame."));
        }

        var frame = FrameCodec.DecodeExactly(_buffer.AsSpan(_start, (int)header.Length));
        _start += (int)header.Length;
        return frame;
    }

    /// <summary>
    /// The next frame if it was received already (a whole frame in the buffer), without a system call;
    /// null when the buffer holds no whole frame.
    /// </summary>
    /// <exception cref="ProtocolException">The buffered bytes are a malformed frame.</exception>
    public Frame? ReceiveBuffered()
    {
        if (_end - _start < FrameHeader.Size)
        {
            return null;
        }

        FrameHeader.TryRead(_buffer.AsSpan(_start), out var header);
        if (FrameCodec.CheckLength(header) is { } bad)
        {
            throw new ProtocolException(bad);
        }

        return _end - _start < header.Length ? null : Receive();
    }

    /// <summary>True when a frame is buffered, or the socket has bytes or an end of stream to read (does not block).</summary>
    public bool Readable => _end > _start || _socket.Poll(0, SelectMode.SelectRead);

    /// <summary>Sends a request and reads frames until its reply; pushes that arrive first are handed to <paramref name="onPush"/>.</summary>
    /// <exception cref="ProtocolException">The reply is an error reply, or the connection closed first.</exception>
    public Frame Call(byte[] request, Action<Frame>? onPush = null)
    {
        FrameHeader.TryRead(request, out var sent);
        Send(request);
        while (true)
        {
            var frame = Receive() ?? throw new ProtocolException(new ProtocolError(ProtocolErrorCode.Truncated, (ushort)sent.Type, "", "The host closed the connection before replying."));
            // An error reply with sequence 0 refuses the connection as a whole (sent before the host read anything).
            if (frame.IsReply && (frame.Sequence == sent.Sequence || (frame.IsError && frame.Sequence == 0)))
            {
                return frame.IsError ? throw new ProtocolException(ProtocolError.Read(frame)) : frame;
            }

            onPush?.Invoke(frame);
        }
    }

    /// <summary>Sends a declared request with <paramref name="sequence"/> and reads its declared reply; pushes that arrive first are dropped.</summary>
    /// <exception cref="ProtocolException">The reply is an error reply, or the connection closed first.</exception>
    public TReply Request<TRequest, TReply>(in TRequest request, uint sequence)
        where TRequest : struct, IRequest<TRequest, TReply> where TReply : struct, IPayload<TReply> =>
        Call(MessageCodec.Encode(in request, sequence)).Read<TReply>();

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();

    /// <summary>Makes at least <paramref name="count"/> bytes available from <c>_start</c>, reading as much as the socket has; false at end of stream.</summary>
    private bool Buffer(int count)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_buffer.Length - _start < count)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        while (_end - _start < count)
        {
            var n = SocketIO.Receive(_socket, _buffer.AsSpan(_end));
            if (n == 0)
            {
                if (_end == _start)
                {
                    return false;
                }

                throw new ProtocolException(new ProtocolError(ProtocolErrorCode.Truncated, 0, "", $"The connection closed {_end - _start} bytes into a frame."));
            }

            _end += n;
        }

        return true;
    }
}
