using System.Collections.Concurrent;
using System.Net.Sockets;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Shim;

/// <summary>
/// The shim's one connection to the host. TAPI's threads send requests and block for their replies
/// (bounded). A caller that finds nobody reading the socket reads it itself until its own reply
/// comes (the leader), handing on the replies of other callers and the pushes it meets; otherwise
/// it waits for whoever reads. While no caller reads, a watcher thread does, woken by epoll when
/// bytes arrive: pushes reach TAPI when no call is in flight, and a single caller's round trip wakes
/// one thread in the shim, not two. Pushes go to the callback thread, which alone calls TAPI's
/// callbacks, one at a time, in order. Where there is no epoll the watcher is the only reader.
/// When the host goes away every waiter fails at once, every request TAPI still waits for is
/// completed with a failure, the open devices are reported out of service, and a reconnect loop
/// waits for the host to come back, then asks TAPI to re-initialise.
/// </summary>
internal static unsafe class HostLink
{
    public const uint PermanentProviderIdUnknown = 0;
    private const int StackFrameBytes = 512; // a request up to this size is built on the caller's stack: no allocation
    private static readonly TimeSpan s_replyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long providerShutdown waits for the host's answer: the host answers within its own
    /// shutdown deadline (20 s by default), so this only bounds a host that hangs. Until the answer
    /// comes TAPI is not told the session ended.
    /// </summary>
    public static readonly TimeSpan ShutdownReplyTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_callbackTimeout = TimeSpan.FromSeconds(5); // a TAPI callback that blocks must not block a close for ever
    private static readonly TimeSpan s_reconnectInterval = TimeSpan.FromMilliseconds(100);
    private static readonly object s_gate = new();
    private static readonly object s_connecting = new(); // one handshake at a time: a second provider connection would be refused as busy
    private static readonly ConcurrentDictionary<uint, Waiter> s_waiters = new();
    private static readonly Queue<Action> s_callbacks = new();
    private static Link? s_link;
    private static int s_sequence;
    private static Thread? s_callbackThread;
    private static long s_callbacksPosted;
    private static long s_callbacksDone;
    private static int s_unanswered; // requests sent whose reply has not been handed on: while any, the watcher keeps reading
    private static bool s_reconnecting;

    [ThreadStatic]
    private static int t_lastLink;
    private static int s_links;

    /// <summary>The number of the connection this thread's last <see cref="Call"/> went over (connections are numbered from 1, in order).</summary>
    public static int LastLink => t_lastLink;

    /// <summary>The provider ID the handshake names (the one TAPI gave last).</summary>
    public static uint ProviderId { get; set; }

    /// <summary>True while a connection to the host is up.</summary>
    public static bool Connected
    {
        get
        {
            lock (s_gate)
            {
                return s_link is not null;
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> and waits for its reply. False when there is no host (not
    /// running, gone, or not answering in time) or it refused the request: the caller fails fast. With
    /// <paramref name="deliverEarlierPushes"/> (the closes), the pushes the host sent before the reply
    /// reach TAPI before the call returns: the completions a close forces, and the last events of what
    /// it closes, come before TAPI's close returns, never after.
    /// </summary>
    /// <exception cref="FrameTooLargeException">A field (a string TAPI passed) is too long for a frame; nothing was sent.</exception>
    public static bool Call<TRequest, TReply>(in TRequest request, out TReply reply, bool deliverEarlierPushes = false, TimeSpan? replyTimeout = null)
        where TRequest : struct, IRequest<TRequest, TReply> where TReply : struct, IPayload<TReply>
    {
        reply = default;
        var link = EnsureConnected();
        if (link is null)
        {
            return false;
        }

        t_lastLink = link.Id;
        var sequence = (uint)Interlocked.Increment(ref s_sequence);
        var length = MessageCodec.FrameLength(in request, TRequest.Type); // throws for a field too long for a frame: before anything is held
        Span<byte> frame = length <= StackFrameBytes ? stackalloc byte[StackFrameBytes] : new byte[length];
        MessageCodec.Write(in request, TRequest.Type, TRequest.Flags, sequence, frame);
        if (Exchange(link, TRequest.Type, sequence, frame[..length], deliverEarlierPushes, replyTimeout ?? s_replyTimeout) is not { } answer)
        {
            return false;
        }

        reply = answer.Read<TReply>();
        return true;
    }

    /// <summary>Sends one request frame and waits for the reply with its sequence number; null when none comes, or it is an error reply.</summary>
    private static Frame? Exchange(Link link, FrameType type, uint sequence, ReadOnlySpan<byte> request, bool deliverEarlierPushes, TimeSpan timeout)
    {
        var waiter = new Waiter();
        s_waiters[sequence] = waiter;
        Interlocked.Increment(ref s_unanswered);
        Frame? reply;
        try
        {
            // Lead before sending: the reply is then this thread's to read.
            var leading = link.TryBeginLead();
            try
            {
                link.Socket.Send(request);
            }
            catch (Exception e)
            {
                if (leading)
                {
                    link.EndLead();
                }

                if (e is not (SocketException or ObjectDisposedException))
                {
                    throw;
                }

                ShimLog.Message($"Could not send {type} to the host: {e.Message}");
                HostLost(link); // the connection is broken: every caller waiting on it fails now, not after the reply timeout
                return null;
            }

            reply = leading ? link.Lead(waiter, timeout) : waiter.Wait(timeout);
        }
        finally
        {
            waiter.Answered();
            Forget(sequence);
        }

        if (deliverEarlierPushes && reply is not null)
        {
            AwaitCallbacks(waiter.CallbacksBefore);
        }

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
            Volatile.Write(ref s_callbacksPosted, s_callbacksPosted + 1);
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
        Link? link;
        lock (s_gate)
        {
            link = s_link;
        }

        try
        {
            link?.Socket.Send(frame);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            ShimLog.Message($"Could not send to the host: {e.Message}");
        }
    }

    private static Link? EnsureConnected()
    {
        if (Volatile.Read(ref s_link) is { } up)
        {
            return up;
        }

        lock (s_gate)
        {
            if (s_link is not null)
            {
                return s_link;
            }

            if (s_reconnecting)
            {
                return null; // the host is gone; fail fast until the reconnect loop has it back
            }
        }

        return TryConnect();
    }

    private static Link? TryConnect()
    {
        lock (s_connecting)
        {
            lock (s_gate)
            {
                if (s_link is not null)
                {
                    return s_link; // another thread connected while this one waited
                }
            }

            return Handshake();
        }
    }

    private static Link? Handshake()
    {
        var path = SocketPath.Resolve();
        FrameSocket? socket = null;
        try
        {
            socket = FrameSocket.Connect(path, TimeSpan.FromSeconds(5));
            var hello = socket.Call(Protocol.Handshake.Hello(0, ProviderId, ClientRole.Provider)).Read<HelloReply>();
            if (hello.Result != 0)
            {
                socket.Dispose();
                return null;
            }

            socket.Socket.ReceiveTimeout = (int)s_replyTimeout.TotalMilliseconds; // bounds a leader's wait for a host that stops answering
        }
        catch (Exception e) when (e is SocketException or ProtocolException or IOException)
        {
            ShimLog.Message($"No host on {path}: {e.Message}");
            socket?.Dispose();
            return null;
        }

        var link = new Link(socket);
        lock (s_gate)
        {
            s_link = link;
        }

        new Thread(link.Watch) { IsBackground = true, Name = "tsphost-shim reader" }.Start();
        return link;
    }

    /// <summary>Hands a received frame on: a reply to its waiter, a push to the callback thread.</summary>
    private static void Dispatch(Frame frame)
    {
        if (frame.IsReply)
        {
            // The pushes before this reply were posted by this thread already: the count covers them.
            if (s_waiters.TryGetValue(frame.Sequence, out var waiter))
            {
                waiter.Answered();
                waiter.Set(frame, Volatile.Read(ref s_callbacksPosted));
            }
        }
        else if (frame.IsPush)
        {
            Post(() => TapiCallbacks.Dispatch(frame));
        }
    }

    private static void HostLost(Link link)
    {
        lock (s_gate)
        {
            if (s_link != link)
            {
                return;
            }

            s_link = null;
            s_reconnecting = true;
        }

        // After the close: a caller that registers later finds the socket closed when it sends.
        link.Close();
        foreach (var waiter in s_waiters.Values)
        {
            waiter.Set(null);
        }

        ShimLog.Message("The host is gone: failing pending requests, reporting devices out of service, reconnecting");
        Post(() => TapiCallbacks.HostLost(link.Id));
        new Thread(ReconnectLoop) { IsBackground = true, Name = "tsphost-shim reconnect" }.Start();
    }

    private static void ReconnectLoop()
    {
        while (true)
        {
            Thread.Sleep(s_reconnectInterval);
            lock (s_gate)
            {
                s_reconnecting = false; // let TryConnect through; EnsureConnected still fails fast until s_link is set
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

            lock (s_gate)
            {
                s_callbacksDone++;
                Monitor.PulseAll(s_gate);
            }
        }
    }

    /// <summary>
    /// Waits (bounded) until the callback thread has run the first <paramref name="count"/> callbacks;
    /// at once on the callback thread itself, which is running one of them.
    /// </summary>
    private static void AwaitCallbacks(long count)
    {
        if (Thread.CurrentThread == s_callbackThread)
        {
            return;
        }

        var deadline = Environment.TickCount64 + (long)s_callbackTimeout.TotalMilliseconds;
        lock (s_gate)
        {
            while (s_callbacksDone < count)
            {
                var left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    ShimLog.Message($"TAPI's callbacks are {count - s_callbacksDone} behind after {s_callbackTimeout.TotalSeconds:0} s; returning without them");
                    return;
                }

                Monitor.Wait(s_gate, (int)left);
            }
        }
    }

    private static void Forget(uint sequence) => s_waiters.TryRemove(sequence, out _);

    /// <summary>
    /// One connection and who reads it. The read lock is held by whoever receives: a leading caller
    /// or the watcher. The epoll watch (one-shot) wakes the watcher for bytes: it is armed while the
    /// connection is idle, and whenever a leader leaves requests unanswered behind it. The first reply
    /// after an idle spell wakes the watcher as well as its caller, and that wake-up takes the watch;
    /// while calls follow one another it stays disarmed, so a lone caller's round trip wakes no other
    /// thread and costs no <c>epoll_ctl</c>. The watcher then looks every
    /// <see cref="BusyCheckMilliseconds"/> for a push that came after the last reply, and arms the watch
    /// again once a whole such wait has passed with no lead ending.
    /// </summary>
    private sealed class Link(FrameSocket socket)
    {
        private const int IdleCheckMilliseconds = 1000;
        private const int BusyCheckMilliseconds = 1;
        private readonly object _readLock = new();
        private readonly Epoll? _epoll = Epoll.Supported ? Epoll.Create((int)socket.Socket.Handle) : null;
        private volatile bool _closed;
        private bool _armed; // under the read lock
        private long _leadsEnded; // under the read lock
        private long _leadsSeen; // the watcher's: _leadsEnded when it last looked

        /// <summary>This connection's number: 1 for the first, then one more for each reconnection.</summary>
        public int Id { get; } = Interlocked.Increment(ref s_links);

        public FrameSocket Socket { get; } = socket;

        /// <summary>
        /// Makes the calling thread the one that reads the socket, when nobody else is reading. False
        /// when someone is reading; the caller then waits for them to hand its reply on.
        /// </summary>
        public bool TryBeginLead() => _epoll is not null && Monitor.TryEnter(_readLock);

        /// <summary>As the reader (after <see cref="TryBeginLead"/>): reads until <paramref name="waiter"/> has its reply, then hands reading back.</summary>
        public Frame? Lead(Waiter waiter, TimeSpan timeout)
        {
            try
            {
                var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
                while (!waiter.IsSet)
                {
                    if (Environment.TickCount64 > deadline)
                    {
                        waiter.Set(null);
                        break;
                    }

                    if (!ReceiveOne())
                    {
                        break;
                    }
                }

                DispatchBuffered();
            }
            finally
            {
                EndLead();
            }

            return waiter.Reply;
        }

        /// <summary>
        /// Hands reading back. Callers that found the socket being read wait for a reader: when there
        /// are any, the watch is armed so the watcher reads for them now. (Their count is read after the
        /// lock is let go: a caller that failed to lead while this thread held it is counted by then.)
        /// </summary>
        public void EndLead()
        {
            _leadsEnded++;
            Monitor.Exit(_readLock);

            // If the lock is taken again meanwhile, its holder serves them: a leader checks the same on
            // leaving, and the watcher reads while requests are unanswered.
            if (Interlocked.CompareExchange(ref s_unanswered, 0, 0) > 0 && Monitor.TryEnter(_readLock))
            {
                Arm();
                Monitor.Exit(_readLock);
            }
        }

        /// <summary>The watcher: reads whatever arrives while no caller leads (the only reader where there is no epoll).</summary>
        public void Watch()
        {
            try
            {
                lock (_readLock)
                {
                    DispatchBuffered(); // what the handshake's read may have taken with its reply
                }

                while (!_closed)
                {
                    if (_epoll is not null)
                    {
                        bool armed;
                        lock (_readLock)
                        {
                            if (!_armed && _leadsEnded == _leadsSeen)
                            {
                                Arm(); // no lead ended during the last wait: calls have stopped, sleep until bytes come
                            }

                            _leadsSeen = _leadsEnded;
                            armed = _armed;
                        }

                        if (_epoll.Wait(armed ? IdleCheckMilliseconds : BusyCheckMilliseconds))
                        {
                            lock (_readLock)
                            {
                                _armed = false; // one-shot: the wake-up took the watch
                            }
                        }
                        else if (armed)
                        {
                            continue; // the idle check: nothing came
                        }
                    }

                    lock (_readLock)
                    {
                        // A leader may have taken the bytes that woke this thread: read only what is there,
                        // but go on reading while requests wait for replies: under load this thread reads
                        // them in batches for every caller, as a lone reader would.
                        while (!_closed && (_epoll is null || Volatile.Read(ref s_unanswered) > 0 || Socket.Readable) && ReceiveOne())
                        {
                            DispatchBuffered();
                        }
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                // closed under the watcher
            }
            catch (Exception e)
            {
                // Nothing may escape this thread: an unhandled exception would end the process that loaded the shim (the TAPI service).
                ShimLog.Message($"The reader failed: {e.Message}");
                HostLost(this);
            }
            finally
            {
                lock (_readLock)
                {
                    _closed = true; // a leader's EndLead must not arm a closed descriptor
                    _epoll?.Dispose();
                }
            }
        }

        /// <summary>Shuts the connection (the watcher sees it within its idle check).</summary>
        public void Close()
        {
            _closed = true;
            try
            {
                Socket.Socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // gone already
            }

            Socket.Dispose();
        }

        /// <summary>Arms the watch (under the read lock), unless the connection is closed. If epoll refuses, the watcher goes on looking every millisecond.</summary>
        private void Arm()
        {
            if (!_armed && !_closed)
            {
                _armed = _epoll!.Arm();
            }
        }

        /// <summary>Receives and dispatches one frame; false when the connection is lost (reported once).</summary>
        private bool ReceiveOne()
        {
            try
            {
                if (Socket.Receive() is { } frame)
                {
                    Dispatch(frame);
                    return true;
                }
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                return true; // nothing for a while: the caller checks its deadline
            }
            catch (Exception e) when (e is SocketException or ProtocolException or ObjectDisposedException or IOException)
            {
                ShimLog.Message($"The connection to the host failed: {e.Message}");
            }

            HostLost(this);
            return false;
        }

        /// <summary>Dispatches the whole frames a large read left in the buffer: they would wake nobody.</summary>
        private void DispatchBuffered()
        {
            try
            {
                while (Socket.ReceiveBuffered() is { } frame)
                {
                    Dispatch(frame);
                }
            }
            catch (ProtocolException e)
            {
                ShimLog.Message($"The connection to the host failed: {e.Message}");
                HostLost(this);
            }
        }
    }

    private sealed class Waiter
    {
        private readonly ManualResetEventSlim _done = new();
        private Frame? _reply;
        private int _answered;
        private int _set;

        public bool IsSet => _done.IsSet;

        /// <summary>Counts this request as answered, once (by the reply, or by the caller giving up).</summary>
        public void Answered()
        {
            if (Interlocked.Exchange(ref _answered, 1) == 0)
            {
                Interlocked.Decrement(ref s_unanswered);
            }
        }

        public Frame? Reply => _reply;

        /// <summary>How many callbacks were queued when the reply came: those are the pushes sent before it.</summary>
        public long CallbacksBefore { get; private set; }

        /// <summary>Hands the reply over (null: none will come); only the first value counts, so a lost host cannot take back a reply that came.</summary>
        public void Set(Frame? reply, long callbacksBefore = 0)
        {
            if (Interlocked.Exchange(ref _set, 1) != 0)
            {
                return;
            }

            _reply = reply;
            CallbacksBefore = callbacksBefore;
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
