using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TspHost.Protocol;

namespace TspHost.Ipc;

/// <summary>
/// One client on the socket after its handshake (which <see cref="FrontDoor"/> read): a provider
/// (<see cref="ProviderConnection"/>) or a monitor (<see cref="MonitorConnection"/>). Frames are
/// checked here; a malformed one is answered with an error naming the frame type and field, and one
/// that breaks the framing also closes the connection. Nothing a client sends can stop the host.
/// </summary>
internal abstract class ClientConnection : IAsyncDisposable
{
    protected ClientConnection(Socket socket, int id, ClientRole role, IpcContext context)
    {
        Socket = socket;
        Id = id;
        Role = role;
        Context = context;
    }

    public int Id { get; }

    public ClientRole Role { get; }

    protected Socket Socket { get; }

    protected IpcContext Context { get; }

    protected ILogger Logger => Context.Logger;

    /// <summary>Queues a frame the host pushes; never blocks. A client too far behind is disconnected, saying so once.</summary>
    public abstract void Send(byte[] frame);

    /// <summary>Serves the client until it disconnects, breaks the framing, or the host closes it.</summary>
    public abstract Task RunAsync();

    /// <summary>Cancelled when the connection ends: what runs for it stops.</summary>
    protected CancellationTokenSource Closing { get; } = new();

    /// <summary>What the connection still has to send (all of it for a monitor, the pushes for the provider).</summary>
    protected abstract ConnectionOutput Output { get; }

    /// <summary>Lets what is queued reach the client (bounded), then closes the connection.</summary>
    public virtual async Task DrainAndCloseAsync(TimeSpan timeout)
    {
        await Output.CompleteAsync(timeout).ConfigureAwait(false);
        Abort();
    }

    public ValueTask DisposeAsync()
    {
        Abort();
        Socket.Dispose();
        Closing.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Ends the connection: cancels what runs for it, drops what it had still to send, and shuts the socket down, which ends a read blocked on it.</summary>
    protected void Abort()
    {
        try
        {
            Closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // disposed already
        }

        Output.Abandon();
        Shutdown();
    }

    /// <summary>Queues the answer to a frame of this client's (in order with the other replies).</summary>
    protected abstract void Reply(byte[] frame);

    /// <summary>Handles one valid frame; false closes the connection.</summary>
    protected abstract bool OnFrame(Frame frame);

    /// <summary>Serves every whole frame in <paramref name="data"/>; <paramref name="consumed"/> is what they took. True when the connection must close.</summary>
    protected bool ServeFrames(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        while (true)
        {
            var span = data[consumed..];
            var status = FrameCodec.TryDecode(span, out var frame, out var length, out var error);
            switch (status)
            {
                case DecodeStatus.NeedMore:
                    return false;
                case DecodeStatus.Frame:
                    consumed += length;
                    if (!OnFrame(frame!))
                    {
                        return true;
                    }

                    break;
                default:
                    FrameHeader.TryRead(span, out var header);
                    if (Context.Throttle.Admit($"refused frame: {error!.Code} in {ProtocolError.TypeName(error.FrameType)}.{error.Field}"))
                    {
                        Logger.LogWarning("Client {Id}: refused a frame: {Error}", Id, error);
                    }

                    Reply(error!.ToFrame(header.Sequence));
                    if (status == DecodeStatus.Fatal)
                    {
                        return true; // a header that cannot be trusted: nor can the rest of the buffer
                    }

                    consumed += length;
                    break;
            }
        }
    }

    /// <summary>Answers a frame that is well formed but not allowed here with <see cref="ProtocolErrorCode.NotAllowed"/>.</summary>
    protected void Refuse(Frame frame, string field, string message)
    {
        if (Context.Throttle.Admit($"not allowed: {frame.Type}.{field}"))
        {
            Logger.LogWarning("Client {Id}: {Type}: {Message}", Id, frame.Type, message);
        }

        Reply(new ProtocolError(ProtocolErrorCode.NotAllowed, (ushort)frame.Type, field, message).ToFrame(frame.Sequence));
    }

    /// <summary>The first check of every frame after the handshake: another Hello is refused. True when the frame was handled so.</summary>
    protected bool RefusedAsSecondHello(Frame frame)
    {
        if (frame.Type != FrameType.Hello || frame.IsReply)
        {
            return false;
        }

        Refuse(frame, "type", "The handshake was done already.");
        return true;
    }

    /// <summary>Shuts the socket down both ways, which ends a read blocked on it; a client that left first is no news.</summary>
    private void Shutdown()
    {
        try
        {
            Socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // the client left first: nothing to close
        }
    }

    /// <summary>The one line that says a client was disconnected for not reading its frames.</summary>
    protected void LogFellBehind() => Logger.LogWarning(
        "Client {Id} ({Role}) fell more than {Limit} KiB behind in reading what the host sends; disconnecting it", Id, Role, Context.Options.OutputLimitBytes / 1024);
}

/// <summary>What every connection shares: the engine, the callbacks, the options and the log.</summary>
internal sealed record IpcContext(Core.Lifecycle.ProviderEngine Engine, ProviderCallbacks Callbacks, IpcServerOptions Options, ILogger Logger, LogThrottle Throttle);
