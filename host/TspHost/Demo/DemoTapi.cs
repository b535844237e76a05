using TspHost.Core.Events;
using TspHost.Core.Tapi;

namespace TspHost.Demo;

/// <summary>Plays TAPI for the demo: prints each callback as it arrives and lets the script wait for one.</summary>
internal sealed class DemoTapi(TraceWriter trace) : ITapiCallbacks
{
    private readonly Lock _lock = new();
    private readonly List<object> _seen = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextHtCall = 0xC000;

    /// <summary>The trace the callbacks are printed to.</summary>
    public TraceWriter Trace => trace;

    public sealed record Completion(uint RequestId, int Result);

    public sealed record LineEventSeen(nint HtLine, nint HtCall, LineMessage Message, nuint P1, nuint P2, nuint P3);

    public sealed record NewCallSeen(nint HtLine, nint HdCall, nint HtCall);

    public sealed record PhoneEventSeen(nint HtPhone, PhoneMessage Message, nuint P1, nuint P2, nuint P3);

    public void AsyncCompletion(uint requestId, int result)
    {
        trace.Event($"ASYNC_COMPLETION   request {requestId}: {TapiNames.Result(result)}");
        Add(new Completion(requestId, result));
    }

    public void LineEvent(nint htLine, nint htCall, LineMessage message, nuint param1, nuint param2, nuint param3)
    {
        var target = htCall != 0 ? $"htCall {TapiNames.Handle(htCall)}" : htLine != 0 ? $"htLine {TapiNames.Handle(htLine)}" : "provider";
        trace.Event($"{TapiNames.LineEvent(message, param1, param2, param3),-44} [{target}]");
        Add(new LineEventSeen(htLine, htCall, message, param1, param2, param3));
    }

    public ValueTask<nint> LineNewCall(nint htLine, nint hdCall) => ValueTask.FromResult(NewCall(htLine, hdCall));

    /// <summary>LINE_NEWCALL: prints it and returns TAPI's handle for the new call.</summary>
    public nint NewCall(nint htLine, nint hdCall)
    {
        var htCall = (nint)Interlocked.Increment(ref _nextHtCall);
        trace.Event($"{"LINE_NEWCALL       hdCall " + TapiNames.Handle(hdCall),-44} [htLine {TapiNames.Handle(htLine)}] TAPI answers htCall {TapiNames.Handle(htCall)}");
        Add(new NewCallSeen(htLine, hdCall, htCall));
        return htCall;
    }

    public void PhoneEvent(nint htPhone, PhoneMessage message, nuint param1, nuint param2, nuint param3)
    {
        var target = htPhone != 0 ? $"htPhone {TapiNames.Handle(htPhone)}" : "provider";
        trace.Event($"{TapiNames.PhoneEvent(message, param1, param2, param3),-44} [{target}]");
        Add(new PhoneEventSeen(htPhone, message, param1, param2, param3));
    }

    /// <summary>Request IDs that were completed other than exactly once, with their count.</summary>
    public IReadOnlyList<(uint RequestId, int Count)> NotCompletedExactlyOnce(IEnumerable<uint> requestIds)
    {
        lock (_lock)
        {
            return [.. requestIds
                .Select(id => (id, _seen.OfType<Completion>().Count(c => c.RequestId == id)))
                .Where(x => x.Item2 != 1)];
        }
    }

    /// <summary>The first callback seen so far that matches <paramref name="match"/>, or null.</summary>
    public T? Seen<T>(Func<T, bool> match)
        where T : class
    {
        lock (_lock)
        {
            return _seen.OfType<T>().FirstOrDefault(match);
        }
    }

    /// <summary>Waits for a callback matching <paramref name="match"/>; fails after <paramref name="timeout"/> naming what was awaited.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_seen.OfType<T>().FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                changed = _changed.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The demo waited {timeout.TotalSeconds:0} s for {what}, and it did not come.");
            }

            await Task.WhenAny(changed, Task.Delay(left)).ConfigureAwait(false);
        }
    }

    private void Add(object record)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _seen.Add(record);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }
}
