using Microsoft.Extensions.Logging.Abstractions;
using TspHost.Core.Events;
using TspHost.Core.Requests;
using TspHost.Core.Tapi;
using TspHost.Core.Tests.Fakes;

namespace TspHost.Core.Tests;

/// <summary>The ledger (R6: exactly once) and the dispatcher on their own, without an engine around them.</summary>
public sealed class AsyncRequestLedgerTests : IAsyncDisposable
{
    private readonly RecordingTapi _tapi = new();
    private readonly TapiEventDispatcher _dispatcher;
    private readonly AsyncRequestLedger _ledger;
    private readonly Owner _line = new();

    public AsyncRequestLedgerTests()
    {
        _dispatcher = new TapiEventDispatcher(_tapi, NullLogger.Instance);
        _ledger = new AsyncRequestLedger(_dispatcher, new Lock());
    }

    [Fact, Trait("Rule", "R6")]
    public async Task R6_CompletionAfterFailAll_IsRefused_AndTapiSeesOnlyTheFailure()
    {
        var request = _ledger.Begin(7, "lineMakeCall", _line)!;

        Assert.Equal(1, _ledger.FailAll(_line, LineErr.OperationFailed));
        Assert.False(_ledger.TryComplete(request, 0)); // the backend's late success
        await _dispatcher.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(new CompletionRecord(7, LineErr.OperationFailed), Assert.Single(_tapi.CompletionsOf(7)));
        Assert.Equal(0, _ledger.Count);
    }

    [Fact, Trait("Rule", "R6")]
    public async Task R6_CompletedTwice_OnlyTheFirstCounts_AndItsInOrderStepRunsOnce()
    {
        var request = _ledger.Begin(8, "lineDrop", _line)!;
        var inOrder = 0;

        Assert.True(_ledger.TryComplete(request, 0, () => inOrder++));
        Assert.False(_ledger.TryComplete(request, LineErr.OperationFailed, () => inOrder++));
        await _dispatcher.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, inOrder);
        Assert.Equal(0, Assert.Single(_tapi.CompletionsOf(8)).Result);
    }

    [Fact, Trait("Rule", "R6")]
    public async Task R6_CompletionsRacingFailAll_CompleteEveryRequestExactlyOnce()
    {
        const int Requests = 2000;
        var requests = Enumerable.Range(1, Requests).Select(i => _ledger.Begin((uint)i, "lineHold", _line)!).ToArray();
        var wins = new int[Requests + 1];
        using var start = new Barrier(3);

        var completing = Task.Run(() =>
        {
            start.SignalAndWait(TestContext.Current.CancellationToken);
            foreach (var r in requests)
            {
                if (_ledger.TryComplete(r, 0))
                {
                    Interlocked.Increment(ref wins[r.RequestId]);
                }
            }
        }, TestContext.Current.CancellationToken);
        var reversed = Task.Run(() =>
        {
            start.SignalAndWait(TestContext.Current.CancellationToken);
            foreach (var r in requests.Reverse())
            {
                if (_ledger.TryComplete(r, LineErr.OperationFailed))
                {
                    Interlocked.Increment(ref wins[r.RequestId]);
                }
            }
        }, TestContext.Current.CancellationToken);
        start.SignalAndWait(TestContext.Current.CancellationToken);
        var failed = _ledger.FailAll(_line, LineErr.OperationFailed); // the close, racing both
        await Task.WhenAll(completing, reversed).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await _dispatcher.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(Requests, wins.Sum() + failed);
        Assert.All(requests, r => Assert.Single(_tapi.CompletionsOf((int)r.RequestId)));
        Assert.Equal(0, _ledger.Count);
    }

    [Fact, Trait("Rule", "R6")]
    public void R6_ReusedIdWhilePending_IsRefused_AndAfterCompletionAccepted()
    {
        var first = _ledger.Begin(9, "lineDial", _line)!;

        Assert.Null(_ledger.Begin(9, "lineDial", _line));
        Assert.True(_ledger.TryComplete(first, 0));
        Assert.NotNull(_ledger.Begin(9, "lineDial", _line));
    }

    [Fact, Trait("Rule", "R6")]
    public async Task R6_FailAll_OfOneOwner_LeavesTheOthersPending()
    {
        var other = new Owner();
        _ledger.Begin(10, "lineHold", _line);
        var kept = _ledger.Begin(11, "lineHold", other)!;

        Assert.Equal(1, _ledger.FailAll(_line, LineErr.OperationFailed));
        await _dispatcher.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Single(_tapi.CompletionsOf(10));
        Assert.Empty(_tapi.CompletionsOf(11));
        Assert.Equal(kept, Assert.Single(_ledger.Snapshot()));
    }

    public async ValueTask DisposeAsync() => await _dispatcher.DisposeAsync();

    private sealed class Owner : IRequestOwner
    {
        public CancellationToken Closing => CancellationToken.None;
    }
}

public sealed class TapiEventDispatcherTests : IAsyncDisposable
{
    private readonly RecordingTapi _tapi = new();
    private readonly TapiEventDispatcher _dispatcher;

    public TapiEventDispatcherTests() => _dispatcher = new TapiEventDispatcher(_tapi, NullLogger.Instance);

    [Fact]
    public async Task PostedEvents_AreDeliveredInOrder_OneAtATime()
    {
        var line = new Target(0x10);
        for (nuint i = 1; i <= 100; i++)
        {
            _dispatcher.PostLine(line, null, LineMessage.CallState, i);
        }

        await _dispatcher.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (nuint)i), _tapi.Records.OfType<LineEventRecord>().Select(e => e.P1));
        Assert.Equal(0, _tapi.OverlappingCallbacks);
    }

    [Fact]
    public async Task EventForATargetClosedBeforeDelivery_IsDropped_TheNextOneStillDelivered()
    {
        var gate = new TaskCompletionSource();
        var closed = new Target(0x20);
        var open = new Target(0x21);
        _tapi.OnLineEvent = e =>
        {
            if (e.P1 == 1)
            {
                gate.Task.Wait(TimeSpan.FromSeconds(10)); // holds the loop while the call closes
            }
        };
        _dispatcher.PostLine(open, null, LineMessage.CallState, 1);
        _dispatcher.PostLine(open, closed, LineMessage.CallState, 2); // queued while the call is open
        _dispatcher.PostPhone(closed, PhoneMessage.State, 3);
        _dispatcher.PostLine(open, null, LineMessage.CallState, 4); // the marker behind them

        closed.AcceptsMessages = false;
        gate.SetResult();
        await _dispatcher.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([(nuint)1, 4], _tapi.Records.OfType<LineEventRecord>().Select(e => e.P1));
        Assert.Empty(_tapi.Records.OfType<PhoneEventRecord>());
    }

    [Fact]
    public async Task NewCallOnAClosedLine_IsAnsweredZero_WithoutAskingTapi()
    {
        var line = new Target(0x30) { AcceptsMessages = false };
        var answered = new TaskCompletionSource<nint>(TaskCreationOptions.RunContinuationsAsynchronously);

        _dispatcher.PostNewCall(line, 0x99, htCall => answered.SetResult(htCall));

        Assert.Equal(0, await answered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        await _dispatcher.FlushAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(_tapi.Records.OfType<NewCallRecord>());
    }

    [Fact]
    public async Task Flush_ReturnsOnlyAfterEverythingPostedBeforeItWasDelivered()
    {
        var line = new Target(0x40);
        _tapi.OnLineEvent = _ => Thread.Sleep(1); // a slow TAPI: the flush must still wait for all of it
        for (nuint i = 1; i <= 20; i++)
        {
            _dispatcher.PostLine(line, null, LineMessage.CallState, i);
        }

        _dispatcher.PostCompletion(5, 0);
        await _dispatcher.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(21, _tapi.Records.Count);
        Assert.IsType<CompletionRecord>(_tapi.Records[^1]);
    }

    [Fact]
    public async Task AfterClose_NothingMoreIsPosted_WhatWasQueuedIsStillDelivered()
    {
        var line = new Target(0x50);
        _dispatcher.PostLine(line, null, LineMessage.CallState, 1);

        _dispatcher.Close();
        _dispatcher.PostLine(line, null, LineMessage.CallState, 2);
        _dispatcher.PostCompletion(6, 0);
        await _dispatcher.DisposeAsync(); // ends once everything queued was delivered: nothing can come later

        Assert.Equal([(nuint)1], _tapi.Records.OfType<LineEventRecord>().Select(e => e.P1));
        Assert.Empty(_tapi.CompletionsOf(6));
    }

    public async ValueTask DisposeAsync() => await _dispatcher.DisposeAsync();

    private sealed class Target(nint handle) : IMessageTarget
    {
        public nint TapiHandle { get; } = handle;

        public bool AcceptsMessages { get; set; } = true;
    }
}
