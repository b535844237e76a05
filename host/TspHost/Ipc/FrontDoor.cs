using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Ipc;

/// <summary>
/// Accepts connections and reads their handshakes, all on one thread that waits for any of them to
/// be ready (<c>Socket.Select</c>, which is <c>poll</c>): a connection costs no thread until it is the provider's.
/// A client of another uid is refused at once; beyond <see cref="IpcServerOptions.MaxClients"/>
/// connections (besides the provider's) or <see cref="IpcServerOptions.MaxMonitors"/> monitors a new
/// one is refused with <see cref="ProtocolErrorCode.TooManyConnections"/>; one that has not sent a
/// valid Hello within <see cref="IpcServerOptions.HandshakeTimeout"/> is closed. When the process is
/// out of file descriptors (EMFILE, ENFILE) accepting pauses with a growing backoff, said once per
/// episode, rather than spinning on the error.
/// </summary>
internal sealed class FrontDoor(Socket listener, string path, IpcContext context, Func<ClientConnection, Task> serve)
{
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxWait = TimeSpan.FromMilliseconds(250); // how soon a stop is seen when the wake-up connection cannot be made
    private readonly List<Handshaking> _handshaking = [];
    private readonly uint _hostUid = SocketPath.CurrentUserId();
    private readonly TimeProvider _time = TimeProvider.System;
    private Thread? _thread;
    private volatile bool _stopping;
    private int _nextId;
    private int _clients; // every connection but the provider's: handshaking ones and monitors
    private int _monitors;
    private long _backoffUntil;
    private TimeSpan _backoff;
    private int _refusedAccepts;
    private long _episodeStarted;

    private ILogger Logger => context.Logger;

    private IpcServerOptions Options => context.Options;

    /// <summary>Connections open now besides the provider's.</summary>
    public int Clients => Volatile.Read(ref _clients);

    public void Start()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "tsphost front door" };
        _thread.Start();
    }

    /// <summary>Stops accepting, closes the connections still handshaking, and waits (bounded) for the thread.</summary>
    public void Stop()
    {
        _stopping = true;
        try
        {
            using var wake = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            wake.Connect(new UnixDomainSocketEndPoint(path)); // makes the listener readable: the loop wakes and sees the stop
        }
        catch (SocketException)
        {
            // out of descriptors, or gone: the loop sees the stop within its longest wait
        }

        _thread?.Join(TimeSpan.FromSeconds(2));
    }

    /// <summary>A connection the front door handed on has ended: its place is free.</summary>
    public void Ended(ClientConnection connection)
    {
        if (connection.Role == ClientRole.Monitor)
        {
            Interlocked.Decrement(ref _monitors);
            Interlocked.Decrement(ref _clients);
        }
    }

    private void Loop()
    {
        var ready = new List<Socket>();
        while (!_stopping)
        {
            var now = _time.GetTimestamp();
            ExpireHandshakes(now);
            ready.Clear();
            var accepting = now >= _backoffUntil;
            if (accepting)
            {
                ready.Add(listener);
            }

            foreach (var pending in _handshaking)
            {
                ready.Add(pending.Socket);
            }

            var wait = Wait(now, accepting);
            try
            {
                if (ready.Count == 0)
                {
                    Thread.Sleep(wait);
                    continue;
                }

                Socket.Select(ready, null, null, (int)Math.Max(1, wait.TotalMicroseconds));
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (_stopping)
                {
                    break;
                }

                Logger.LogWarning("Waiting for connections failed: {Reason}", e.Message);
                Thread.Sleep(s_firstBackoff);
                continue;
            }

            if (_stopping)
            {
                break;
            }

            foreach (var socket in ready)
            {
                if (socket == listener)
                {
                    Accept();
                }
                else
                {
                    Read(_handshaking.Find(h => h.Socket == socket)!);
                }
            }
        }

        foreach (var pending in _handshaking)
        {
            pending.Socket.Dispose();
        }

        _handshaking.Clear();
    }

    /// <summary>How long the loop may wait: until the next handshake deadline, the end of a backoff, or the longest wait.</summary>
    private TimeSpan Wait(long now, bool accepting)
    {
        var wait = s_maxWait;
        if (!accepting)
        {
            wait = Min(wait, _time.GetElapsedTime(now, _backoffUntil));
        }

        foreach (var pending in _handshaking)
        {
            wait = Min(wait, _time.GetElapsedTime(now, pending.Deadline));
        }

        return wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;

        static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    }

    private void Accept()
    {
        Socket socket;
        try
        {
            socket = listener.Accept();
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
        {
            BackOff(e);
            return;
        }
        catch (SocketException e)
        {
            if (context.Throttle.Admit("accept failed"))
            {
                Logger.LogWarning("Accept failed: {Reason}", e.Message);
            }

            return;
        }
        catch (ObjectDisposedException)
        {
            return; // stopping
        }

        if (_refusedAccepts > 0)
        {
            Logger.LogInformation("Accepting connections again: {Count} attempt(s) were refused by the descriptor limit over {Seconds:0.0} s",
                _refusedAccepts, _time.GetElapsedTime(_episodeStarted).TotalSeconds);
            _refusedAccepts = 0;
        }

        _backoff = TimeSpan.Zero;
        var id = Interlocked.Increment(ref _nextId);
        if (_stopping)
        {
            socket.Dispose();
            return;
        }

        if (Refusal(socket) is { } refusal)
        {
            if (context.Throttle.Admit("peer refused"))
            {
                Logger.LogWarning("Refused client {Id}: {Reason}", id, refusal);
            }

            socket.Dispose();
            return;
        }

        if (Clients >= Options.MaxClients)
        {
            Close(socket, id, new ProtocolError(ProtocolErrorCode.TooManyConnections, (ushort)FrameType.Hello, "",
                $"The host serves at most {Options.MaxClients} connections besides the provider's (Ipc:MaxClients); try again later."), 0, "too many connections");
            return;
        }

        Interlocked.Increment(ref _clients);
        _handshaking.Add(new Handshaking(socket, id, _time.GetTimestamp() + (long)(Options.HandshakeTimeout.TotalSeconds * _time.TimestampFrequency)));
    }

    /// <summary>EMFILE, ENFILE, ENOBUFS: no descriptor for the connection. Waits before trying again, saying so once per episode.</summary>
    private void BackOff(SocketException e)
    {
        if (_refusedAccepts++ == 0)
        {
            _episodeStarted = _time.GetTimestamp();
            Logger.LogWarning("Cannot accept connections: {Reason} (out of file descriptors); pausing accepts and trying again with a backoff of up to {Max:0} ms",
                e.Message, s_maxBackoff.TotalMilliseconds);
        }

        _backoff = _backoff == TimeSpan.Zero ? s_firstBackoff : TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, s_maxBackoff.Ticks));
        _backoffUntil = _time.GetTimestamp() + (long)(_backoff.TotalSeconds * _time.TimestampFrequency);
    }

    private string? Refusal(Socket socket)
    {
        try
        {
            return PeerCredentials.Refusal(PeerCredentials.Read(socket), _hostUid);
        }
        catch (SocketException e)
        {
            return $"its credentials could not be read ({e.Message})";
        }
    }

    private void ExpireHandshakes(long now)
    {
        for (var i = _handshaking.Count - 1; i >= 0; i--)
        {
            var pending = _handshaking[i];
            if (now >= pending.Deadline)
            {
                _handshaking.RemoveAt(i);
                Interlocked.Decrement(ref _clients);
                Close(pending.Socket, pending.Id, new ProtocolError(ProtocolErrorCode.BadHandshake, (ushort)FrameType.Hello, "",
                    $"No Hello came within {Options.HandshakeTimeout.TotalMilliseconds:0} ms of connecting (Ipc:HandshakeTimeoutMilliseconds)."), 0, "handshake timed out");
            }
        }
    }

    /// <summary>Reads what a handshaking connection sent; hands it on once its Hello is whole and valid.</summary>
    private void Read(Handshaking pending)
    {
        int received;
        try
        {
            received = SocketIO.TryReceive(pending.Socket, pending.Buffer.AsSpan(pending.Count));
        }
        catch (SocketException)
        {
            received = 0;
        }

        if (received < 0)
        {
            return; // woken for nothing
        }

        if (received == 0)
        {
            _handshaking.Remove(pending);
            Interlocked.Decrement(ref _clients);
            pending.Socket.Dispose(); // gone before its handshake (a probe, such as SocketPath.IsListening)
            return;
        }

        pending.Count += received;
        if (!FrameHeader.TryRead(pending.Buffer.AsSpan(0, pending.Count), out var header))
        {
            return;
        }

        var error = Handshake.CheckFirstHeader(header);
        if (error is null && pending.Count < Handshake.HelloLength)
        {
            return;
        }

        _handshaking.Remove(pending);
        if (error is null)
        {
            var frame = FrameCodec.DecodeExactly(pending.Buffer.AsSpan(0, Handshake.HelloLength)); // the header was checked: only the payload can be wrong
            error = Handshake.Read(frame, out _, out var role) ?? HandOn(pending, role, frame);
        }

        if (error is not null)
        {
            Interlocked.Decrement(ref _clients);
            Close(pending.Socket, pending.Id, error, header.Sequence, $"handshake refused: {error.Code} in {error.Field}");
        }
    }

    /// <summary>Starts serving a connection whose Hello was valid; an error when its role has no room.</summary>
    private ProtocolError? HandOn(Handshaking pending, ClientRole role, Frame hello)
    {
        var after = pending.Buffer.AsSpan(Handshake.HelloLength, pending.Count - Handshake.HelloLength);
        var reply = MessageCodec.EncodeReply(
            new HelloReply { Version = Handshake.Version, Result = 0, Message = $"tsphost speaks protocol version {Handshake.Version}; connected as {role}." }, hello);
        ClientConnection connection;
        if (role == ClientRole.Provider)
        {
            // Only this thread claims the provider's place, so a free place stays free until the claim.
            if (context.Callbacks.Provider is { } current)
            {
                return new ProtocolError(ProtocolErrorCode.ProviderBusy, (ushort)FrameType.Hello, "role",
                    $"Client {current.Id} is the provider already; only one provider connection drives the engine at a time.");
            }

            var provider = new ProviderConnection(pending.Socket, pending.Id, context, after, reply);
            context.Callbacks.TryClaim(provider);

            Interlocked.Decrement(ref _clients); // the provider's connection is not counted against the cap
            connection = provider;
        }
        else
        {
            if (Interlocked.Increment(ref _monitors) > Options.MaxMonitors)
            {
                Interlocked.Decrement(ref _monitors);
                return new ProtocolError(ProtocolErrorCode.TooManyConnections, (ushort)FrameType.Hello, "role",
                    $"The host serves at most {Options.MaxMonitors} monitors at once (Ipc:MaxMonitors); try again later.");
            }

            connection = new MonitorConnection(pending.Socket, pending.Id, context, after, reply);
        }

        Logger.LogInformation("Client {Id} connected as {Role}", pending.Id, role);
        _ = serve(connection);
        return null;
    }

    /// <summary>Answers with <paramref name="error"/> (if the socket takes it now) and closes; the warning is rate-limited by kind.</summary>
    private void Close(Socket socket, int id, ProtocolError error, uint sequence, string kind)
    {
        if (context.Throttle.Admit(kind))
        {
            Logger.LogWarning("Client {Id}: {Error}", id, error);
        }

        try
        {
            SocketIO.TrySend(socket, error.ToFrame(sequence));
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // the client left first
        }

        socket.Dispose();
    }

    private sealed class Handshaking(Socket socket, int id, long deadline)
    {
        public Socket Socket { get; } = socket;

        public int Id { get; } = id;

        public long Deadline { get; } = deadline;

        /// <summary>A Hello and whatever the client sent right behind it, up to this much.</summary>
        public byte[] Buffer { get; } = new byte[256];

        public int Count { get; set; }
    }
}
