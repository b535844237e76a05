using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using TspHost.Core.Events;
using TspHost.Core.Tapi;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Ipc;

/// <summary>
/// TAPI's callbacks as the engine sees them, implemented by pushing frames to the provider
/// connection (and copies to subscribed monitors). LINE_NEWCALL waits for the provider's reply with
/// TAPI's htCall, bounded by a timeout; without a provider, or after the timeout, the call is refused (0).
/// The copies for monitors cost the engine one queue write, however many monitors there are: a
/// fan-out task hands them on, and each monitor's own bounded output takes them without blocking.
/// </summary>
internal sealed class ProviderCallbacks : ITapiCallbacks
{
    private const int FanoutFrames = 65_536;
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<nint>> _newCalls = new();
    private readonly Lock _monitorsLock = new();
    private readonly Channel<byte[]> _fanout = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(FanoutFrames) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly IpcServerOptions _options;
    private readonly ILogger _logger;
    private volatile ClientConnection[] _monitors = [];
    private volatile ClientConnection? _provider;
    private int _nextPush;

    public ProviderCallbacks(IpcServerOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _ = Task.Run(FanOutAsync);
    }

    public ClientConnection? Provider => _provider;

    /// <summary>Makes <paramref name="connection"/> the provider connection unless another one is.</summary>
    public bool TryClaim(ClientConnection connection) => Interlocked.CompareExchange(ref _provider, connection, null) is null;

    /// <summary>Ends <paramref name="connection"/>'s turn as provider: LINE_NEWCALLs waiting on it are refused.</summary>
    public void Release(ClientConnection connection)
    {
        if (Interlocked.CompareExchange(ref _provider, null, connection) == connection)
        {
            foreach (var pending in _newCalls.Values)
            {
                pending.TrySetResult(0);
            }
        }
    }

    public void Subscribe(ClientConnection monitor)
    {
        lock (_monitorsLock)
        {
            if (!_monitors.Contains(monitor))
            {
                _monitors = [.. _monitors, monitor];
            }
        }
    }

    public void Unsubscribe(ClientConnection monitor)
    {
        lock (_monitorsLock)
        {
            if (_monitors.Contains(monitor))
            {
                _monitors = [.. _monitors.Where(m => m != monitor)];
            }
        }
    }

    /// <summary>True while a monitor watches the live events.</summary>
    public bool HasMonitors => _monitors.Length > 0;

    /// <summary>Sends a trace line to every subscribed monitor.</summary>
    public void Trace(string text) => ToMonitors(MessageCodec.Encode(new MonitorTracePush { Text = text }, NextPush()));

    public void AsyncCompletion(uint requestId, int result) =>
        Push(MessageCodec.Encode(new AsyncCompletionPush { RequestId = requestId, Result = result }, NextPush()));

    public void LineEvent(nint htLine, nint htCall, LineMessage message, nuint param1, nuint param2, nuint param3) =>
        Push(MessageCodec.Encode(new LineEventPush { HtLine = htLine, HtCall = htCall, Message = (uint)message, Param1 = param1, Param2 = param2, Param3 = param3 }, NextPush()));

    public void PhoneEvent(nint htPhone, PhoneMessage message, nuint param1, nuint param2, nuint param3) =>
        Push(MessageCodec.Encode(new PhoneEventPush { HtPhone = htPhone, Message = (uint)message, Param1 = param1, Param2 = param2, Param3 = param3 }, NextPush()));

    public async ValueTask<nint> LineNewCall(nint htLine, nint hdCall)
    {
        var sequence = NextPush();
        var frame = MessageCodec.Encode(new LineNewCallPush { HtLine = htLine, HdCall = hdCall }, sequence);
        ToMonitors(frame);
        if (_provider is not { } provider)
        {
            _logger.LogWarning("LINE_NEWCALL for call 0x{HdCall:X} with no provider connected: the call is refused", hdCall);
            return 0;
        }

        var reply = new TaskCompletionSource<nint>(TaskCreationOptions.RunContinuationsAsynchronously);
        _newCalls[sequence] = reply;
        try
        {
            provider.Send(frame);
            return await reply.Task.WaitAsync(_options.NewCallTimeout);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("The provider did not answer LINE_NEWCALL for call 0x{HdCall:X} within {Timeout}: the call is refused", hdCall, _options.NewCallTimeout);
            return 0;
        }
        finally
        {
            _newCalls.TryRemove(sequence, out _);
        }
    }

    /// <summary>The provider's reply to a LINE_NEWCALL push; false when no push with that sequence waits.</summary>
    public bool OnNewCallReply(uint sequence, nint htCall) => _newCalls.TryGetValue(sequence, out var pending) && pending.TrySetResult(htCall);

    private void Push(byte[] frame)
    {
        _provider?.Send(frame);
        ToMonitors(frame);
    }

    private void ToMonitors(byte[] frame)
    {
        if (_monitors.Length > 0 && !_fanout.Writer.TryWrite(frame))
        {
            // The fan-out itself is behind (a starved machine): every monitor misses frames, so none may stay.
            var behind = _monitors;
            _logger.LogWarning("{Count} frame(s) wait for the monitors as a whole; disconnecting all {Monitors} of them", FanoutFrames, behind.Length);
            foreach (var monitor in behind)
            {
                Unsubscribe(monitor);
                _ = monitor.DrainAndCloseAsync(TimeSpan.Zero);
            }
        }
    }

    private async Task FanOutAsync()
    {
        await foreach (var frame in _fanout.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            foreach (var monitor in _monitors)
            {
                monitor.Send(frame); // never blocks: a monitor too far behind is disconnected by its own output
            }
        }
    }

    private uint NextPush() => (uint)Interlocked.Increment(ref _nextPush);
}
