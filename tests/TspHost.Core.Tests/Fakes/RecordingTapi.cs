using TspHost.Core.Events;
using TspHost.Core.Tapi;
using TspHost.Testing;

namespace TspHost.Core.Tests.Fakes;

/// <summary>One thing TAPI received, in arrival order.</summary>
public abstract record TapiRecord;

public sealed record CompletionRecord(uint RequestId, int Result) : TapiRecord;

public sealed record LineEventRecord(nint HtLine, nint HtCall, LineMessage Message, nuint P1, nuint P2, nuint P3) : TapiRecord;

public sealed record NewCallRecord(nint HtLine, nint HdCall, nint HtCall) : TapiRecord;

public sealed record PhoneEventRecord(nint HtPhone, PhoneMessage Message, nuint P1, nuint P2, nuint P3) : TapiRecord;

/// <summary>
/// Plays TAPI: records every completion and event, answers LINE_NEWCALL with a fresh htCall (or 0
/// when told to refuse), and checks that callbacks never overlap (they come from one loop).
/// </summary>
public sealed class RecordingTapi : ITapiCallbacks
{
    private readonly Lock _lock = new();
    private readonly List<TapiRecord> _records = [];
    private int _inside;
    private long _nextHtCall = 0x7000;

    /// <summary>When false, LINE_NEWCALL is answered with 0 (TAPI refuses the call).</summary>
    public bool AcceptNewCalls { get; set; } = true;

    /// <summary>Runs inside every line event callback (to test re-entry from a callback).</summary>
    public Action<LineEventRecord>? OnLineEvent { get; set; }

    public int OverlappingCallbacks { get; private set; }

    public IReadOnlyList<TapiRecord> Records
    {
        get
        {
            lock (_lock)
            {
                return [.. _records];
            }
        }
    }

    public void AsyncCompletion(uint requestId, int result) => Record(new CompletionRecord(requestId, result));

    public void LineEvent(nint htLine, nint htCall, LineMessage message, nuint param1, nuint param2, nuint param3)
    {
        var record = new LineEventRecord(htLine, htCall, message, param1, param2, param3);
        Record(record, () => OnLineEvent?.Invoke(record));
    }

    public ValueTask<nint> LineNewCall(nint htLine, nint hdCall)
    {
        var htCall = AcceptNewCalls ? (nint)Interlocked.Increment(ref _nextHtCall) : 0;
        Record(new NewCallRecord(htLine, hdCall, htCall));
        return ValueTask.FromResult(htCall);
    }

    public void PhoneEvent(nint htPhone, PhoneMessage message, nuint param1, nuint param2, nuint param3) =>
        Record(new PhoneEventRecord(htPhone, message, param1, param2, param3));

    public IReadOnlyList<CompletionRecord> CompletionsOf(int requestId) =>
        [.. Records.OfType<CompletionRecord>().Where(c => c.RequestId == (uint)requestId)];

    /// <summary>Waits until request <paramref name="requestId"/> completed; returns its result.</summary>
    public async Task<int> CompletionAsync(int requestId)
    {
        Assert.True(requestId > 0, $"expected a request ID, got error 0x{requestId:X8}");
        await Eventually.WaitAsync(() => CompletionsOf(requestId).Count > 0, $"completion of request {requestId}");
        return CompletionsOf(requestId)[0].Result;
    }

    public Task WaitForAsync(Func<TapiRecord, bool> match, string what) =>
        Eventually.WaitAsync(() => Records.Any(match), what);

    public Task WaitForCallStateAsync(nint htCall, Abstractions.CallState state) =>
        WaitForAsync(r => r is LineEventRecord { Message: LineMessage.CallState } e && e.HtCall == htCall && e.P1 == (uint)state,
            $"LINE_CALLSTATE {state} for htCall 0x{htCall:X}");

    public IReadOnlyList<LineEventRecord> LineEventsFor(nint htCall) =>
        [.. Records.OfType<LineEventRecord>().Where(e => e.HtCall == htCall)];

    private void Record(TapiRecord record, Action? inside = null)
    {
        if (Interlocked.Increment(ref _inside) > 1)
        {
            OverlappingCallbacks++;
        }

        try
        {
            lock (_lock)
            {
                _records.Add(record);
            }

            inside?.Invoke();
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }
}
