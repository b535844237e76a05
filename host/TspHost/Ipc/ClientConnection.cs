using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using TspHost.Core.Lifecycle;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Ipc;

/// <summary>
/// One client on the socket: one loop reads and checks frames, one loop writes. The first frame
/// must be the handshake; then a provider's frames go to the engine, a monitor's to read-only views.
/// A malformed frame is answered with an error naming the frame type and field; one that breaks
/// the framing (bad length, bad handshake) also closes the connection. Nothing a client sends can
/// stop the host.
/// </summary>
internal sealed class ClientConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly ProviderEngine _engine;
    private readonly ProviderCallbacks _callbacks;
    private readonly TspiRequestHandler _handler;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _outbox;
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _writeLock = new();
    private readonly ArrayBufferWriter<byte> _replies = new(4096); // replies ready while one read is processed: sent in one write
    private readonly long _pollTicks;
    private Task _writer = Task.CompletedTask;
    private volatile bool _ended;

    public ClientConnection(Socket socket, int id, ProviderEngine engine, ProviderCallbacks callbacks, IpcServerOptions options, ILogger logger)
    {
        _socket = socket;
        Id = id;
        _engine = engine;
        _callbacks = callbacks;
        _handler = new TspiRequestHandler(engine, callbacks);
        _logger = logger;
        _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.MaxQueuedFrames) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        _socket.SendTimeout = (int)options.SendTimeout.TotalMilliseconds; // a client that stops reading is dropped, not waited for
        _pollTicks = (long)(options.RequestPoll.TotalSeconds * Stopwatch.Frequency);
    }

    public int Id { get; }

    public ClientRole? Role { get; private set; }

    /// <summary>Queues a frame; a client too far behind is disconnected rather than let the host's memory grow.</summary>
    public void Send(byte[] frame)
    {
        if (_ended)
        {
            return; // the connection is closing: what comes now has nobody to read it
        }

        if (!_outbox.Writer.TryWrite(frame) && !_closing.IsCancellationRequested)
        {
            _logger.LogWarning("Client {Id} is not reading its frames; disconnecting it", Id);
            Abort();
        }
    }

    /// <summary>
    /// Serves the client until it disconnects, breaks the framing, or the host closes it. The frames
    /// are read on a thread of the connection's own that blocks in <c>recv</c>: a request is served on
    /// the thread that received it, with no hand-off to the thread pool on the way (one wake-up per
    /// request, as in a plain socket server). The host's stop does not end the loop by itself: it
    /// completes the session's requests first, then closes the connection (<see cref="DrainAndCloseAsync"/>).
    /// </summary>
    public Task RunAsync()
    {
        _writer = WriteLoopAsync();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                ReadLoop();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = $"tsphost client {Id}",
        };
        thread.Start();
        return FinishAsync(done.Task);
    }

    private async Task FinishAsync(Task reading)
    {
        try
        {
            await reading;
        }
        finally
        {
            _ended = true;
            _outbox.Writer.TryComplete(); // let a last error reply go out before the connection closes
            await _writer.WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(_ => { }, TaskScheduler.Default);
            await EndAsync();
        }
    }

    /// <summary>Reads, checks and serves frames until the connection ends or a frame breaks the framing.</summary>
    private void ReadLoop()
    {
        var buffer = new byte[2 * FrameHeader.MaxFrameSize]; // received bytes not yet taken as frames; always room for one whole frame
        var start = 0;
        var end = 0;
        while (!_closing.IsCancellationRequested)
        {
            int received;
            try
            {
                received = PollForRequest(buffer.AsSpan(end));
                if (received < 0)
                {
                    received = SocketIO.Receive(_socket, buffer.AsSpan(end));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                _logger.LogDebug("Client {Id}: connection ended: {Reason}", Id, e.Message);
                return;
            }

            if (received == 0)
            {
                if (end > start)
                {
                    _logger.LogWarning("Client {Id} closed the connection inside a frame ({Bytes} bytes left)", Id, end - start);
                }

                return;
            }

            end += received;
            var close = ServeFrames(buffer, ref start, end);
            FlushReplies();
            if (close)
            {
                return;
            }

            if (start == end)
            {
                start = end = 0;
            }
            else if (buffer.Length - start < FrameHeader.MaxFrameSize)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer); // keep room for the rest of the frame begun at start
                end -= start;
                start = 0;
            }
        }
    }

    /// <summary>
    /// Looks for the next request for <see cref="IpcServerOptions.RequestPoll"/> without blocking,
    /// yielding the processor between looks: when one comes in that time it is served with no sleep
    /// and wake-up, and while other threads want the processor (many callers) they run meanwhile and
    /// their requests are then read together. What was read, or -1 when nothing came.
    /// </summary>
    private int PollForRequest(Span<byte> free)
    {
        if (_pollTicks == 0)
        {
            return -1;
        }

        var until = Stopwatch.GetTimestamp() + _pollTicks;
        do
        {
            var received = SocketIO.TryReceive(_socket, free);
            if (received >= 0)
            {
                return received;
            }

            Thread.Yield();
        }
        while (Stopwatch.GetTimestamp() < until);
        return -1;
    }

    /// <summary>Serves every whole frame in <paramref name="buffer"/> from <paramref name="start"/>; true when the connection must close.</summary>
    private bool ServeFrames(byte[] buffer, ref int start, int end)
    {
        while (true)
        {
            var span = buffer.AsSpan(start, end - start);
            var status = FrameCodec.TryDecode(span, out var frame, out var consumed, out var error);
            switch (status)
            {
                case DecodeStatus.NeedMore:
                    return false;
                case DecodeStatus.Frame:
                    start += consumed;
                    if (!OnFrame(frame!))
                    {
                        return true;
                    }

                    break;
                default:
                    FrameHeader.TryRead(span, out var header);
                    _logger.LogWarning("Client {Id}: refused a frame: {Error}", Id, error);
                    Reply(error!.ToFrame(header.Sequence));
                    if (status == DecodeStatus.Fatal)
                    {
                        return true; // a header that cannot be trusted: nor can the rest of the buffer
                    }

                    start += consumed;
                    break;
            }
        }
    }

    /// <summary>Lets what is queued reach the client (bounded), then closes the connection.</summary>
    public async Task DrainAndCloseAsync(TimeSpan timeout)
    {
        _ended = true;
        _outbox.Writer.TryComplete();
        await _writer.WaitAsync(timeout).ContinueWith(_ => { }, TaskScheduler.Default);
        Abort();
    }

    /// <summary>Ends both loops: the writer by cancellation, the reader blocked in <c>recv</c> by shutting the socket down.</summary>
    private void Abort()
    {
        try
        {
            _closing.Cancel();
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // the client left first: nothing to close
        }
    }

    public async ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        _closing.Cancel();
        await _writer.ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _closing.Dispose();
    }

    /// <summary>Handles one valid frame; false closes the connection.</summary>
    private bool OnFrame(Frame frame)
    {
        if (Role is null)
        {
            return OnHello(frame);
        }

        if (frame.IsReply)
        {
            if (Role == ClientRole.Provider && frame.Type == FrameType.LineNewCall && !frame.IsError && _callbacks.OnNewCallReply(frame.Sequence, frame.Read<LineNewCallReply>().HtCall))
            {
                return true;
            }

            Refuse(frame, "sequence", $"No {frame.Type} push with sequence {frame.Sequence} awaits a reply.");
            return true;
        }

        if (frame.Type == FrameType.Hello)
        {
            Refuse(frame, "type", "The handshake was done already.");
            return true;
        }

        if (Role == ClientRole.Monitor)
        {
            OnMonitorRequest(frame);
            return true;
        }

        if (FrameSchema.IsPush(frame.Type) || frame.Type is FrameType.MonitorSnapshot or FrameType.MonitorSubscribe)
        {
            Refuse(frame, "type", $"{frame.Type} is not a request a provider sends.");
            return true;
        }

        var reply = Serve(frame);
        if (reply.IsCompletedSuccessfully)
        {
            Reply(reply.Result);
        }
        else
        {
            _ = SendWhenDoneAsync(frame, reply.AsTask());
        }

        return true;
    }

    private ValueTask<byte[]> Serve(Frame frame)
    {
        try
        {
            var reply = _handler.HandleAsync(frame);
            if (_callbacks.HasMonitors)
            {
                _callbacks.Trace($"{frame.Type} (sequence {frame.Sequence})");
            }
            return reply;
        }
        catch (Exception e)
        {
            return ValueTask.FromResult(Failure(frame, e));
        }
    }

    private async Task SendWhenDoneAsync(Frame request, Task<byte[]> reply)
    {
        try
        {
            Send(await reply);
        }
        catch (Exception e)
        {
            // The error answers the request it belongs to: its sequence number, so the caller stops waiting at once.
            Send(Failure(request, e));
        }
    }

    private byte[] Failure(Frame frame, Exception e)
    {
        _logger.LogError(e, "Client {Id}: {Type} failed in the host", Id, frame.Type);
        return new ProtocolError(ProtocolErrorCode.HostFailure, (ushort)frame.Type, "", $"The host failed serving {frame.Type}: {e.Message}").ToFrame(frame.Sequence);
    }

    private bool OnHello(Frame frame)
    {
        var error = frame.Type != FrameType.Hello
            ? new ProtocolError(ProtocolErrorCode.BadHandshake, (ushort)frame.Type, "type", $"The first frame must be Hello, not {frame.Type}.")
            : Handshake.Read(frame, out _, out var role) ?? Claim(role);
        if (error is not null)
        {
            _logger.LogWarning("Client {Id}: handshake refused: {Error}", Id, error);
            Reply(error.ToFrame(frame.Sequence));
            return false;
        }

        _logger.LogInformation("Client {Id} connected as {Role}", Id, Role);
        Reply(MessageCodec.EncodeReply(
            new HelloReply { Version = Handshake.Version, Result = 0, Message = $"tsphost speaks protocol version {Handshake.Version}; connected as {Role}." }, frame));
        return true;
    }

    private ProtocolError? Claim(ClientRole role)
    {
        if (role == ClientRole.Provider && !_callbacks.TryClaim(this))
        {
            return new ProtocolError(ProtocolErrorCode.ProviderBusy, (ushort)FrameType.Hello, "role",
                $"Client {_callbacks.Provider?.Id} is the provider already; only one provider connection drives the engine at a time.");
        }

        Role = role;
        return null;
    }

    private void OnMonitorRequest(Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.MonitorSnapshot:
                Reply(MonitorView.Snapshot(_engine.Snapshot(), frame));
                break;
            case FrameType.MonitorSubscribe:
                _callbacks.Subscribe(this);
                Reply(MessageCodec.EncodeReply(new ResultReply { Result = 0 }, frame));
                break;
            default:
                Refuse(frame, "type", $"A monitor may not send {frame.Type}; it only reads the host's state.");
                break;
        }
    }

    private void Refuse(Frame frame, string field, string message)
    {
        _logger.LogWarning("Client {Id}: {Type}: {Message}", Id, frame.Type, message);
        Reply(new ProtocolError(ProtocolErrorCode.NotAllowed, (ushort)frame.Type, field, message).ToFrame(frame.Sequence));
    }

    /// <summary>
    /// Queues a reply made on the read loop; it goes out, in order with the loop's other replies, when
    /// the frames of the current read are all served.
    /// </summary>
    private void Reply(byte[] frame) => _replies.Write(frame);

    /// <summary>Sends the replies gathered while one read was processed, in one write: fewer system calls under load.</summary>
    private void FlushReplies()
    {
        if (_replies.WrittenCount > 0)
        {
            WriteNow(_replies.WrittenSpan);
            _replies.ResetWrittenCount();
        }
    }

    /// <summary>Writes whole frames; replies (from the read loop) and pushes (from the write loop) never interleave inside a frame.</summary>
    private void WriteNow(ReadOnlySpan<byte> frames)
    {
        try
        {
            lock (_writeLock)
            {
                SocketIO.Send(_socket, frames);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            _logger.LogDebug("Client {Id}: write failed: {Reason}", Id, e.Message);
            Abort();
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(_closing.Token))
            {
                WriteNow(frame);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            _logger.LogDebug("Client {Id}: writer ended: {Reason}", Id, e.Message);
        }
    }

    private async Task EndAsync()
    {
        _callbacks.Unsubscribe(this);
        if (Role == ClientRole.Provider && _callbacks.Provider == this)
        {
            _callbacks.Release(this);
            if (_engine.Session is not null)
            {
                // The TAPI side is gone: end its session so every pending request completes and a new provider can start afresh (R1, R6).
                _logger.LogWarning("Provider client {Id} disconnected during a session; shutting the session down", Id);
                await _engine.ProviderShutdownAsync(0, _engine.PermanentProviderId);
            }
        }

        _logger.LogInformation("Client {Id} disconnected", Id);
    }
}
