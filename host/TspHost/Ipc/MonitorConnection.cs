using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Ipc;

/// <summary>
/// A monitor (<c>tsphost status</c>, <c>tsphost watch</c>): reads the host's state and events and
/// changes nothing. Served without a thread of its own: reads and writes are asynchronous socket
/// operations, and everything it is sent, its replies and the pushes it subscribed to, goes through
/// one bounded output, so a monitor that stops reading is disconnected, never waited for.
/// </summary>
internal sealed class MonitorConnection : ClientConnection
{
    private const int InitialBuffer = 1024; // a monitor's requests are a header each; a larger frame grows the buffer for itself
    private readonly ConnectionOutput _output;
    private byte[] _buffer;
    private int _start;
    private int _end;

    /// <summary>A monitor whose Hello was read; <paramref name="received"/> is what came after it, <paramref name="helloReply"/> goes out first.</summary>
    public MonitorConnection(Socket socket, int id, IpcContext context, ReadOnlySpan<byte> received, byte[] helloReply)
        : base(socket, id, ClientRole.Monitor, context)
    {
        _output = new ConnectionOutput(context.Options.OutputLimitBytes,
            frame => Socket.SendAsync(frame, SocketFlags.None, Closing.Token) is var sending && sending.IsCompletedSuccessfully ? ValueTask.CompletedTask : Sent(sending),
            e => Logger.LogDebug("Client {Id}: write failed: {Reason}", Id, e.Message));
        _buffer = new byte[Math.Max(InitialBuffer, received.Length)];
        received.CopyTo(_buffer);
        _end = received.Length;
        Reply(helloReply);
    }

    protected override ConnectionOutput Output => _output;

    private static async ValueTask Sent(ValueTask<int> sending) => await sending.ConfigureAwait(false);

    public override void Send(byte[] frame) => Reply(frame);

    protected override void Reply(byte[] frame)
    {
        if (_output.TryEnqueue(frame) == Enqueued.Overflow)
        {
            LogFellBehind();
            Abort();
        }
    }

    public override async Task RunAsync()
    {
        try
        {
            var close = Serve();
            while (!close && !Closing.IsCancellationRequested)
            {
                var received = await Socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, Closing.Token).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                _end += received;
                close = Serve();
            }

            await _output.CompleteAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false); // a last error reply goes out before the close
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Logger.LogDebug("Client {Id}: connection ended: {Reason}", Id, e.Message);
        }
        finally
        {
            Context.Callbacks.Unsubscribe(this);
            Logger.LogInformation("Client {Id} disconnected", Id);
        }
    }

    /// <summary>Serves the whole frames received; makes room (growing the buffer only for a frame larger than it) for the next.</summary>
    private bool Serve()
    {
        var close = ServeFrames(_buffer.AsSpan(_start, _end - _start), out var consumed);
        _start += consumed;
        if (_start == _end)
        {
            _start = _end = 0;
            return close;
        }

        // Part of a frame: bring it to the front, and grow for what its header announces.
        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        _end -= _start;
        _start = 0;
        var needed = FrameHeader.TryRead(_buffer.AsSpan(0, _end), out var header) ? (int)Math.Min(header.Length, FrameHeader.MaxFrameSize) : FrameHeader.Size;
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, needed);
        }
        else if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        return close;
    }

    protected override bool OnFrame(Frame frame)
    {
        if (frame.IsReply)
        {
            Refuse(frame, "sequence", $"No {frame.Type} push awaits a reply from a monitor.");
            return true;
        }

        if (RefusedAsSecondHello(frame))
        {
            return true;
        }

        switch (frame.Type)
        {
            case FrameType.MonitorSnapshot:
                Reply(MonitorView.Snapshot(Context.Engine.Snapshot(), frame));
                break;
            case FrameType.MonitorSubscribe:
                Context.Callbacks.Subscribe(this);
                Reply(MessageCodec.EncodeReply(new ResultReply { Result = 0 }, frame));
                break;
            default:
                Refuse(frame, "type", $"A monitor may not send {frame.Type}; it only reads the host's state.");
                break;
        }

        return true;
    }
}
