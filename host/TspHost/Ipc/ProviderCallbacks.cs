using System.Collections.Concurrent;
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
/// </summary>
internal sealed class ProviderCallbacks(IpcServerOptions options, ILogger logger) : ITapiCallbacks
{
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<nint>> _newCalls = new();
    private readonly ConcurrentDictionary<ClientConnection, byte> _monitors = new();
    private volatile ClientConnection? _provider;
    private int _nextPush;

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

    public void Subscribe(ClientConnection monitor) => _monitors[monitor] = 0;

    public void Unsubscribe(ClientConnection monitor) => _monitors.TryRemove(monitor, out _);

    /// <summary>True while a monitor watches the live events.</summary>
    public bool HasMonitors => !_monitors.IsEmpty;

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
            logger.LogWarning("LINE_NEWCALL for call 0x{HdCall:X} with no provider connected: the call is refused", hdCall);
            return 0;
        }

        var reply = new TaskCompletionSource<nint>(TaskCreationOptions.RunContinuationsAsynchronously);
        _newCalls[sequence] = reply;
        try
        {
            provider.Send(frame);
            return await reply.Task.WaitAsync(options.NewCallTimeout);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("The provider did not answer LINE_NEWCALL for call 0x{HdCall:X} within {Timeout}: the call is refused", hdCall, options.NewCallTimeout);
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
        foreach (var monitor in _monitors.Keys)
        {
            monitor.Send(frame);
        }
    }

    private uint NextPush() => (uint)Interlocked.Increment(ref _nextPush);
}
