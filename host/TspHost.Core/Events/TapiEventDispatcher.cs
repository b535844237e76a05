using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using TspHost.Core.Tapi;

namespace TspHost.Core.Events;

/// <summary>Something addressed to a line, phone or call that may stop accepting messages (closed, refused).</summary>
public interface IMessageTarget
{
    /// <summary>TAPI's handle for the target, or 0 while it has none.</summary>
    nint TapiHandle { get; }

    /// <summary>Whether messages for the target are still delivered.</summary>
    bool AcceptsMessages { get; }
}

/// <summary>
/// Delivers completions and events to TAPI from a single loop: in the order they were posted (so per
/// device, too), never under an engine lock, never re-entrantly. A message whose line or call has
/// closed by the time it would be delivered is dropped, so nothing reaches TAPI after a close.
/// </summary>
public sealed class TapiEventDispatcher : IAsyncDisposable
{
    private static readonly AsyncLocal<TapiEventDispatcher?> s_delivering = new();

    private readonly Channel<Outgoing> _queue = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ITapiCallbacks _callbacks;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public TapiEventDispatcher(ITapiCallbacks callbacks, ILogger logger)
    {
        _callbacks = callbacks;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Whether the current code runs inside a TAPI callback delivered by this dispatcher.</summary>
    public bool IsDelivering => s_delivering.Value == this;

    public void PostCompletion(uint requestId, int result) => Post(new Completion(requestId, result));

    public void PostLine(IMessageTarget? line, IMessageTarget? call, LineMessage message, nuint p1 = 0, nuint p2 = 0, nuint p3 = 0) =>
        Post(new LineEventMessage(line, call, message, p1, p2, p3));

    public void PostPhone(IMessageTarget? phone, PhoneMessage message, nuint p1 = 0, nuint p2 = 0, nuint p3 = 0) =>
        Post(new PhoneEventMessage(phone, message, p1, p2, p3));

    /// <summary>Posts LINE_NEWCALL; <paramref name="answered"/> receives TAPI's htCall (0 = refused) before anything else is delivered.</summary>
    public void PostNewCall(IMessageTarget line, nint hdCall, Action<nint> answered) => Post(new NewCall(line, hdCall, answered));

    /// <summary>Waits until everything posted so far has been delivered (bounded by <paramref name="timeout"/>).</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        if (IsDelivering)
        {
            return; // called from a callback: the loop is busy running the caller, waiting would deadlock
        }

        var barrier = new Barrier(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(barrier))
        {
            return;
        }

        try
        {
            await barrier.Done.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("TAPI callbacks did not drain within {Timeout}", timeout);
        }
    }

    /// <summary>Takes no more messages; what is queued is still delivered.</summary>
    public void Close() => _queue.Writer.TryComplete();

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private void Post(Outgoing message)
    {
        if (!_queue.Writer.TryWrite(message))
        {
            _logger.LogDebug("Dropped {Message}: the session has ended", message);
        }
    }

    private async Task RunAsync()
    {
        s_delivering.Value = this;
        await foreach (var message in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await DeliverAsync(message).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // A failing callback must not stop delivery of everything that follows.
                _logger.LogError(e, "TAPI callback for {Message} threw", message);
            }
        }
    }

    private async ValueTask DeliverAsync(Outgoing message)
    {
        switch (message)
        {
            case Completion c:
                _callbacks.AsyncCompletion(c.RequestId, c.Result);
                break;
            case LineEventMessage m when Accepts(m.Line) && Accepts(m.Call):
                _callbacks.LineEvent(m.Line?.TapiHandle ?? 0, m.Call?.TapiHandle ?? 0, m.Message, m.P1, m.P2, m.P3);
                break;
            case PhoneEventMessage m when Accepts(m.Phone):
                _callbacks.PhoneEvent(m.Phone?.TapiHandle ?? 0, m.Message, m.P1, m.P2, m.P3);
                break;
            case NewCall n when Accepts(n.Line):
                nint htCall = 0;
                try
                {
                    htCall = await _callbacks.LineNewCall(n.Line.TapiHandle, n.HdCall).ConfigureAwait(false);
                }
                finally
                {
                    n.Answered(htCall);
                }

                break;
            case NewCall n:
                n.Answered(0);
                break;
            case Barrier b:
                b.Done.TrySetResult();
                break;
            default:
                _logger.LogDebug("Dropped {Message}: its line, phone or call has closed", message);
                break;
        }
    }

    private static bool Accepts(IMessageTarget? target) => target is null || target.AcceptsMessages;

    private abstract record Outgoing;

    private sealed record Completion(uint RequestId, int Result) : Outgoing;

    private sealed record LineEventMessage(IMessageTarget? Line, IMessageTarget? Call, LineMessage Message, nuint P1, nuint P2, nuint P3) : Outgoing;

    private sealed record PhoneEventMessage(IMessageTarget? Phone, PhoneMessage Message, nuint P1, nuint P2, nuint P3) : Outgoing;

    private sealed record NewCall(IMessageTarget Line, nint HdCall, Action<nint> Answered) : Outgoing;

    private sealed record Barrier(TaskCompletionSource Done) : Outgoing;
}
