using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Ipc;

/// <summary>
/// The provider connection (the shim inside the TAPI service), the one that drives the engine. Its
/// frames are read on a thread of its own that blocks in <c>recv</c> and serves each request where it
/// arrives, with no hand-off to the thread pool (one wake-up per request, as in a plain socket
/// server); having answered, it looks for the next request for a while before it sleeps
/// (<see cref="IpcServerOptions.RequestPoll"/>). Replies made while one read is served go out in one
/// write; pushes go through a bounded output written off the engine's threads.
/// </summary>
internal sealed class ProviderConnection : ClientConnection
{
    private readonly TspiRequestHandler _handler;
    private readonly ConnectionOutput _pushes;
    private readonly Lock _writeLock = new();
    private readonly ArrayBufferWriter<byte> _replies = new(4096); // replies ready while one read is processed: sent in one write
    private readonly long _pollTicks;
    private readonly byte[] _buffer = new byte[2 * FrameHeader.MaxFrameSize]; // received bytes not yet taken as frames; always room for one whole frame
    private int _start;
    private int _end;
    private volatile bool _ended;

    /// <summary>A provider whose Hello was read; <paramref name="received"/> is what came after it, <paramref name="helloReply"/> goes out first.</summary>
    public ProviderConnection(Socket socket, int id, IpcContext context, ReadOnlySpan<byte> received, byte[] helloReply)
        : base(socket, id, ClientRole.Provider, context)
    {
        _handler = new TspiRequestHandler(context.Engine, context.Callbacks);
        _pushes = new ConnectionOutput(context.Options.OutputLimitBytes, frame =>
        {
            WriteNow(frame.Span);
            return ValueTask.CompletedTask;
        }, e => Logger.LogDebug("Client {Id}: writing pushes failed: {Reason}", Id, e.Message));
        socket.SendTimeout = (int)context.Options.SendTimeout.TotalMilliseconds; // a provider that stops reading is dropped, not waited for
        _pollTicks = (long)(context.Options.RequestPoll.TotalSeconds * Stopwatch.Frequency);
        received.CopyTo(_buffer);
        _end = received.Length;
        Reply(helloReply);
    }

    protected override ConnectionOutput Output => _pushes;

    public override void Send(byte[] frame)
    {
        if (_ended)
        {
            return; // the connection is closing: what comes now has nobody to read it
        }

        if (_pushes.TryEnqueue(frame) == Enqueued.Overflow)
        {
            LogFellBehind();
            Abort();
        }
    }

    public override Task RunAsync()
    {
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
            Name = $"tsphost provider {Id}",
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
            await _pushes.CompleteAsync(TimeSpan.FromSeconds(1)); // let a last push go out before the connection closes
            await EndAsync();
        }
    }

    /// <summary>Reads, checks and serves frames until the connection ends or a frame breaks the framing.</summary>
    private void ReadLoop()
    {
        // The Hello's reply, and whatever the client sent right behind its Hello.
        var close = Serve();
        FlushReplies();
        while (!close && !Closing.IsCancellationRequested)
        {
            int received;
            try
            {
                received = PollForRequest(_buffer.AsSpan(_end));
                if (received < 0)
                {
                    received = SocketIO.Receive(Socket, _buffer.AsSpan(_end));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                Logger.LogDebug("Client {Id}: connection ended: {Reason}", Id, e.Message);
                return;
            }

            if (received == 0)
            {
                if (_end > _start)
                {
                    Logger.LogWarning("Client {Id} closed the connection inside a frame ({Bytes} bytes left)", Id, _end - _start);
                }

                return;
            }

            _end += received;
            close = Serve();
            FlushReplies();
        }
    }

    /// <summary>Serves the whole frames received; keeps room for the rest of a frame begun.</summary>
    private bool Serve()
    {
        var close = ServeFrames(_buffer.AsSpan(_start, _end - _start), out var consumed);
        _start += consumed;
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_buffer.Length - _start < FrameHeader.MaxFrameSize)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        return close;
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
            var received = SocketIO.TryReceive(Socket, free);
            if (received >= 0)
            {
                return received;
            }

            Thread.Yield();
        }
        while (Stopwatch.GetTimestamp() < until);
        return -1;
    }

    public override Task DrainAndCloseAsync(TimeSpan timeout)
    {
        _ended = true;
        return base.DrainAndCloseAsync(timeout);
    }

    protected override bool OnFrame(Frame frame)
    {
        var callbacks = Context.Callbacks;
        if (frame.IsReply)
        {
            if (frame.Type == FrameType.LineNewCall && !frame.IsError && callbacks.OnNewCallReply(frame.Sequence, frame.Read<LineNewCallReply>().HtCall))
            {
                return true;
            }

            Refuse(frame, "sequence", $"No {frame.Type} push with sequence {frame.Sequence} awaits a reply.");
            return true;
        }

        if (RefusedAsSecondHello(frame))
        {
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
            if (Context.Callbacks.HasMonitors)
            {
                Context.Callbacks.Trace($"{frame.Type} (sequence {frame.Sequence})");
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
        Logger.LogError(e, "Client {Id}: {Type} failed in the host", Id, frame.Type);
        return new ProtocolError(ProtocolErrorCode.HostFailure, (ushort)frame.Type, "", $"The host failed serving {frame.Type}: {e.Message}").ToFrame(frame.Sequence);
    }

    /// <summary>
    /// Queues a reply made on the read loop; it goes out, in order with the loop's other replies, when
    /// the frames of the current read are all served.
    /// </summary>
    protected override void Reply(byte[] frame) => _replies.Write(frame);

    /// <summary>Sends the replies gathered while one read was processed, in one write: fewer system calls under load.</summary>
    private void FlushReplies()
    {
        if (_replies.WrittenCount > 0)
        {
            WriteNow(_replies.WrittenSpan);
            _replies.ResetWrittenCount();
        }
    }

    /// <summary>Writes whole frames; replies (from the read loop) and pushes (from the output's writer) never interleave inside a frame.</summary>
    private void WriteNow(ReadOnlySpan<byte> frames)
    {
        try
        {
            lock (_writeLock)
            {
                SocketIO.Send(Socket, frames);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Logger.LogDebug("Client {Id}: write failed: {Reason}", Id, e.Message);
            Abort();
        }
    }

    private async Task EndAsync()
    {
        var callbacks = Context.Callbacks;
        var engine = Context.Engine;
        if (callbacks.Provider == this)
        {
            callbacks.Release(this);
            if (engine.Session is not null)
            {
                // The TAPI side is gone: end its session so every pending request completes and a new provider can start afresh (R1, R6).
                Logger.LogWarning("Provider client {Id} disconnected during a session; shutting the session down", Id);
                await engine.ProviderShutdownAsync(0, engine.PermanentProviderId);
            }
        }

        Logger.LogInformation("Client {Id} disconnected", Id);
    }
}
