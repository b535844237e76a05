using System.Net.Sockets;
using TspHost.Protocol;

namespace TspHost.Shim;

/// <summary>
/// The shim's one connection to the host. TAPI's threads send requests and block for their replies
/// (bounded); a reader thread owns the socket's receiving side and hands replies to their waiters and
/// pushes to the callback thread, which alone calls TAPI's callbacks, one at a time, in order.
/// When the host goes away every waiter fails at once, every request TAPI still waits for is
/// completed with a failure, the open devices are reported out of service, and a reconnect loop
/// waits for the host to come back, then asks TAPI to re-initialise.
/// </summary>
internal static unsafe class HostLink
{
    public const uint PermanentProviderIdUnknown = 0;
    private static readonly TimeSpan s_replyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_reconnectInterval = TimeSpan.FromMilliseconds(100);
    private static readonly object s_gate = new();
    private static readonly object s_connecting = new(); // one handshake at a time: a second provider connection would be refused as busy
    private static readonly Dictionary<uint, Waiter> s_waiters = [];
    private static readonly Queue<Action> s_callbacks = new();
    private static FrameSocket? s_socket;
    private static int s_sequence;
    private static Thread? s_callbackThread;
    private static bool s_reconnecting;

    /// <summary>The provider ID the handshake names (the one TAPI gave last).</summary>
    public static uint ProviderId { get; set; }

    /// <summary>True while a connection to the host is up.</summary>
    public static bool Connected
    {
        get
        {
            lock (s_gate)
            {
                return s_socket is not null;
            }
        }
    }

    /// <summary>
    /// Sends a request built by <paramref name="build"/> and waits for its reply. Null when there is
    /// no host (not running, gone, or not answering in time): the caller fails fast.
    /// </summary>
    public static Frame? Call(FrameType type, Func<FrameWriter, FrameWriter> build)
    {
        var socket = EnsureConnected();
        if (socket is null)
        {
            return null;
        }

        var sequence = (uint)Interlocked.Increment(ref s_sequence);
        var waiter = new Waiter();
        lock (s_gate)
        {
            s_waiters[sequence] = waiter;
        }

        try
        {
            socket.Send(build(new FrameWriter(type, FrameFlags.None, sequence)).ToArray());
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Forget(sequence);
            return null;
        }

        var reply = waiter.Wait(s_replyTimeout);
        Forget(sequence);
        if (reply is { IsError: true })
        {
            ShimLog.Message($"The host refused {type}: {ProtocolError.Read(reply)}");
            return null;
        }

        return reply;
    }

    /// <summary>Queues work for the callback thread (the only thread that calls TAPI).</summary>
    public static void Post(Action callback)
    {
        lock (s_gate)
        {
            s_callbacks.Enqueue(callback);
            if (s_callbackThread is null)
            {
                s_callbackThread = new Thread(CallbackLoop) { IsBackground = true, Name = "tsphost-shim callbacks" };
                s_callbackThread.Start();
            }

            Monitor.PulseAll(s_gate);
        }
    }

    /// <summary>Sends a frame without waiting (the reply to LINE_NEWCALL).</summary>
    public static void SendQuietly(byte[] frame)
    {
        FrameSocket? socket;
        lock (s_gate)
        {
            socket = s_socket;
        }

        try
        {
            socket?.Send(frame);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            ShimLog.Message($"Could not send to the host: {e.Message}");
        }
    }

    private static FrameSocket? EnsureConnected()
    {
        lock (s_gate)
        {
            if (s_socket is not null)
            {
                return s_socket;
            }

            if (s_reconnecting)
            {
                return null; // the host is gone; fail fast until the reconnect loop has it back
            }
        }

        return TryConnect();
    }

    private static FrameSocket? TryConnect()
    {
        lock (s_connecting)
        {
            lock (s_gate)
            {
                if (s_socket is not null)
                {
                    return s_socket; // another thread connected while this one waited
                }
            }

            return Handshake();
        }
    }

    private static FrameSocket? Handshake()
    {
        var path = SocketPath.Resolve();
        FrameSocket? socket = null;
        try
        {
            socket = FrameSocket.Connect(path, TimeSpan.FromSeconds(5));
            var hello = socket.Call(Protocol.Handshake.Hello(0, ProviderId, ClientRole.Provider)).Reader();
            hello.U32();
            if (hello.I32() != 0)
            {
                socket.Dispose();
                return null;
            }

            socket.Socket.ReceiveTimeout = 0;
        }
        catch (Exception e) when (e is SocketException or ProtocolException or IOException)
        {
            ShimLog.Message($"No host on {path}: {e.Message}");
            socket?.Dispose();
            return null;
        }

        lock (s_gate)
        {
            s_socket = socket;
        }

        var reader = new Thread(() => ReadLoop(socket)) { IsBackground = true, Name = "tsphost-shim reader" };
        reader.Start();
        return socket;
    }

    private static void ReadLoop(FrameSocket socket)
    {
        try
        {
            while (socket.Receive() is { } frame)
            {
                if (frame.IsReply)
                {
                    Waiter? waiter;
                    lock (s_gate)
                    {
                        s_waiters.TryGetValue(frame.Sequence, out waiter);
                    }

                    waiter?.Set(frame);
                }
                else if (frame.IsPush)
                {
                    Post(() => TapiCallbacks.Dispatch(frame));
                }
            }
        }
        catch (Exception e) when (e is SocketException or ProtocolException or ObjectDisposedException or IOException)
        {
            ShimLog.Message($"The connection to the host failed: {e.Message}");
        }

        HostLost(socket);
    }

    private static void HostLost(FrameSocket socket)
    {
        Waiter[] waiters;
        lock (s_gate)
        {
            if (s_socket != socket)
            {
                return;
            }

            s_socket = null;
            s_reconnecting = true;
            waiters = [.. s_waiters.Values];
        }

        socket.Dispose();
        foreach (var waiter in waiters)
        {
            waiter.Set(null);
        }

        ShimLog.Message("The host is gone: failing pending requests, reporting devices out of service, reconnecting");
        Post(TapiCallbacks.HostLost);
        new Thread(ReconnectLoop) { IsBackground = true, Name = "tsphost-shim reconnect" }.Start();
    }

    private static void ReconnectLoop()
    {
        while (true)
        {
            Thread.Sleep(s_reconnectInterval);
            lock (s_gate)
            {
                s_reconnecting = false; // let TryConnect through; EnsureConnected still fails fast until s_socket is set
            }

            if (TryConnect() is not null)
            {
                ShimLog.Message("The host is back: asking TAPI to re-initialise");
                Post(TapiCallbacks.HostBack);
                return;
            }

            lock (s_gate)
            {
                s_reconnecting = true;
            }
        }
    }

    private static void CallbackLoop()
    {
        while (true)
        {
            Action next;
            lock (s_gate)
            {
                while (s_callbacks.Count == 0)
                {
                    Monitor.Wait(s_gate);
                }

                next = s_callbacks.Dequeue();
            }

            try
            {
                next();
            }
            catch (Exception e)
            {
                ShimLog.Message($"A callback failed: {e.Message}");
            }
        }
    }

    private static void Forget(uint sequence)
    {
        lock (s_gate)
        {
            s_waiters.Remove(sequence);
        }
    }

    private sealed class Waiter
    {
        private readonly ManualResetEventSlim _done = new();
        private Frame? _reply;

        public void Set(Frame? reply)
        {
            _reply = reply;
            _done.Set();
        }

        public Frame? Wait(TimeSpan timeout)
        {
            // Not disposed: a late reply may still Set it after a timeout.
            return _done.Wait(timeout) ? _reply : null;
        }
    }
}

/// <summary>Diagnostics to standard error when <c>TSPHOST_SHIM_LOG</c> is set, and the last message for <c>TspHostShim_LastMessage</c>.</summary>
internal static class ShimLog
{
    private static readonly bool s_enabled = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TSPHOST_SHIM_LOG"));

    public static string LastMessage { get; private set; } = "";

    public static void Message(string text)
    {
        LastMessage = text;
        if (s_enabled)
        {
            Console.Error.WriteLine($"tsphost-shim: {text}");
        }
    }
}
