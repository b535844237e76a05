using System.Collections.Concurrent;
using System.Threading.Channels;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Integration.Tests;

/// <summary>
/// A provider connection spoken from C#: requests with replies matched by sequence number, pushes
/// collected in order, LINE_NEWCALL answered with a fresh htCall. For protocol-level tests.
/// </summary>
public sealed class ProviderClient : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private readonly FrameSocket _socket;
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<Frame>> _replies = new();
    private readonly Channel<Frame> _pushes = Channel.CreateUnbounded<Frame>();
    private readonly List<Frame> _seen = [];
    private readonly List<Frame> _all = [];
    private readonly Thread _reader;
    private int _sequence = 100;
    private long _nextHtCall = 0x7000;

    public ProviderClient(FrameSocket socket)
    {
        _socket = socket;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "provider-client reader" };
        _reader.Start();
    }

    /// <summary>Sends a declared request and waits for its declared reply.</summary>
    public TReply Call<TRequest, TReply>(TRequest request)
        where TRequest : struct, IRequest<TRequest, TReply> where TReply : struct, IPayload<TReply>
    {
        var sequence = (uint)Interlocked.Increment(ref _sequence);
        var reply = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _replies[sequence] = reply;
        _socket.Send(MessageCodec.Encode(request, sequence));
        var frame = reply.Task.WaitAsync(s_wait).GetAwaiter().GetResult();
        return frame.IsError ? throw new ProtocolException(ProtocolError.Read(frame)) : frame.Read<TReply>();
    }

    /// <summary>Sends raw bytes (for tests that break the protocol on purpose).</summary>
    public void SendRaw(byte[] bytes) => _socket.Send(bytes);

    /// <summary>Waits for a push matching <paramref name="match"/>, keeping the others for later waits.</summary>
    public async Task<Frame> WaitForPushAsync(Func<Frame, bool> match, string what)
    {
        lock (_seen)
        {
            var index = _seen.FindIndex(f => match(f));
            if (index >= 0)
            {
                var found = _seen[index];
                _seen.RemoveAt(index);
                return found;
            }
        }

        using var timeout = new CancellationTokenSource(s_wait);
        try
        {
            while (true)
            {
                var frame = await _pushes.Reader.ReadAsync(timeout.Token);
                if (match(frame))
                {
                    return frame;
                }

                lock (_seen)
                {
                    _seen.Add(frame);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Timed out waiting for {what}");
        }
    }

    /// <summary>The completion of <paramref name="requestId"/>: its result.</summary>
    public async Task<int> CompletionAsync(int requestId)
    {
        var frame = await WaitForPushAsync(f => f.Type == FrameType.AsyncCompletion && f.Read<AsyncCompletionPush>().RequestId == (uint)requestId,
            $"the completion of request {requestId}");
        return frame.Read<AsyncCompletionPush>().Result;
    }

    /// <summary>How many completions of <paramref name="requestId"/> arrived so far (every push is kept for this).</summary>
    public int CountCompletions(int requestId)
    {
        lock (_all)
        {
            return _all.Count(f => f.Type == FrameType.AsyncCompletion && f.Read<AsyncCompletionPush>().RequestId == (uint)requestId);
        }
    }

    /// <summary>Every push so far, in order.</summary>
    public IReadOnlyList<Frame> Pushes
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _reader.Join(TimeSpan.FromSeconds(5));
    }

    private void ReadLoop()
    {
        try
        {
            while (_socket.Receive() is { } frame)
            {
                if (frame.IsReply && _replies.TryRemove(frame.Sequence, out var waiter))
                {
                    waiter.TrySetResult(frame);
                    continue;
                }

                if (frame.Type == FrameType.LineNewCall && frame.IsPush)
                {
                    _socket.Send(MessageCodec.EncodeReply(new LineNewCallReply { HtCall = (nint)Interlocked.Increment(ref _nextHtCall) }, frame));
                }

                lock (_all)
                {
                    _all.Add(frame);
                }

                _pushes.Writer.TryWrite(frame);
            }
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or ProtocolException or ObjectDisposedException)
        {
            // the connection ended
        }
        finally
        {
            _pushes.Writer.TryComplete();
            foreach (var waiter in _replies.Values)
            {
                waiter.TrySetException(new IOException("The host closed the connection."));
            }
        }
    }
}
