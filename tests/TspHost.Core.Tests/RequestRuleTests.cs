using System.Diagnostics;
using TspHost.Abstractions;
using TspHost.Core.Lifecycle;
using TspHost.Core.Tapi;
using TspHost.Core.Tests.Fakes;
using TspHost.Testing;

namespace TspHost.Core.Tests;

/// <summary>R6: every asynchronous request completes exactly once, whatever the backend does.</summary>
public sealed class RequestRuleTests
{
    [Fact, Trait("Rule", "R6")]
    public async Task R6_AsyncRequest_ReturnsItsIdAtOnce_AndCompletesOnceWithSuccess()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var requestId = h.NextRequestId();

        var returned = h.Engine.LineMakeCall(requestId, hdLine, 0x99, out _, "5550100");

        Assert.Equal((int)requestId, returned);
        Assert.Equal(0, await h.Tapi.CompletionAsync(returned));
        await h.Engine.ProviderShutdownAsync(0, 0);
        Assert.Single(h.Tapi.CompletionsOf(returned));
    }

    [Fact, Trait("Rule", "R6")]
    public async Task R6_BackendThrows_RequestCompletesOnceWithFailure()
    {
        await using var h = new EngineHarness(new FakeBackend { OnMakeCall = (_, _, _) => throw new IOException("port gone") });
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();

        var (requestId, hdCall, _) = h.MakeCall(hdLine);

        Assert.Equal(LineErr.OperationFailed, await h.Tapi.CompletionAsync(requestId));
        Assert.Equal(LineErr.InvalCallHandle, h.Engine.LineGetCallStatus(hdCall, out _));
        await h.Engine.LineCloseAsync(hdLine);
        Assert.Single(h.Tapi.CompletionsOf(requestId));
    }

    [Theory, Trait("Rule", "R6")]
    [InlineData(TelephonyError.InvalidCallState, LineErr.InvalCallState)]
    [InlineData(TelephonyError.InvalidAddress, LineErr.InvalAddress)]
    [InlineData(TelephonyError.ResourceUnavailable, LineErr.ResourceUnavail)]
    [InlineData(TelephonyError.OperationUnavailable, LineErr.OperationUnavail)]
    public async Task R6_BackendReportsTelephonyError_RequestCompletesWithTheMatchingLineError(TelephonyError error, int expected)
    {
        await using var h = new EngineHarness(new FakeBackend { OnMakeCall = (_, _, _) => throw new TelephonyException(error, "no") });
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();

        var (requestId, _, _) = h.MakeCall(hdLine);

        Assert.Equal(expected, await h.Tapi.CompletionAsync(requestId));
    }

    [Fact, Trait("Rule", "R6")]
    public async Task R6_BackendHangs_RequestCompletesWithFailureWhenTheTimeoutExpires_AndNeverAgain()
    {
        var never = new TaskCompletionSource<IBackendCall>();
        var entered = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var backend = new FakeBackend
        {
            OnMakeCall = (_, _, ct) =>
            {
                entered.SetResult(ct);
                return new ValueTask<IBackendCall>(never.Task); // ignores cancellation, like a stuck driver
            },
        };
        await using var h = new EngineHarness(backend, options: new ProviderEngineOptions { OperationTimeout = TimeSpan.FromSeconds(5) });
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (requestId, _, htCall) = h.MakeCall(hdLine);
        var seen = await entered.Task.WithTimeout("the backend to be asked to make the call");
        await Eventually.WaitAsync(() => h.Time.ArmedTimers > 0, "the request's timeout to be armed");
        Assert.Empty(h.Tapi.CompletionsOf(requestId));

        h.Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(LineErr.OperationFailed, await h.Tapi.CompletionAsync(requestId));
        Assert.True(seen.IsCancellationRequested);
        never.SetResult(new FakeCall(backend, "late")); // the backend wakes up much later
        await Eventually.WaitAsync(() => backend.ReleasedCalls.Any(c => c.Id == "late"), "the late call to be released");
        Assert.Single(h.Tapi.CompletionsOf(requestId));
        Assert.Empty(h.Tapi.LineEventsFor(htCall));
    }

    [Fact, Trait("Rule", "R6")]
    public async Task R6_CloseLine_WithPendingRequests_CompletesThemWithFailureBeforeReturning()
    {
        // The backend ignores cancellation, like a stuck driver: only the close itself can complete these.
        var gate = new TaskCompletionSource<IBackendCall>();
        await using var h = new EngineHarness(new FakeBackend { OnMakeCall = (_, _, _) => new ValueTask<IBackendCall>(gate.Task) });
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var first = h.MakeCall(hdLine);
        var second = h.MakeCall(hdLine);

        Assert.Equal(0, await h.Engine.LineCloseAsync(hdLine));

        // Completed before lineClose returned: no waiting needed.
        Assert.Equal(LineErr.OperationFailed, Assert.Single(h.Tapi.CompletionsOf(first.RequestId)).Result);
        Assert.Equal(LineErr.OperationFailed, Assert.Single(h.Tapi.CompletionsOf(second.RequestId)).Result);
        Assert.Equal(0, h.Engine.Session!.PendingRequestCount);

        // The stuck driver wakes up and succeeds after all: its late result must not complete either request again.
        gate.SetResult(new FakeCall(h.Backend, "late"));
        await h.SettleAsync();
        Assert.Single(h.Tapi.CompletionsOf(first.RequestId));
        Assert.Single(h.Tapi.CompletionsOf(second.RequestId));
        Assert.Empty(h.Tapi.LineEventsFor(first.HtCall));
    }

    [Fact, Trait("Rule", "R6")]
    public async Task R6_CloseLine_WhileTheBackendHonoursCancellation_TheCancelledOperationDoesNotCompleteTheRequestAgain()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var backend = new FakeBackend
        {
            OnMakeCall = async (_, _, ct) =>
            {
                await using (ct.Register(() => cancelled.TrySetResult()))
                {
                    await Task.Delay(Timeout.Infinite, ct); // ends only by the close's cancellation, then throws
                }

                throw new UnreachableException();
            },
        };
        await using var h = new EngineHarness(backend);
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (requestId, _, _) = h.MakeCall(hdLine);

        Assert.Equal(0, await h.Engine.LineCloseAsync(hdLine));
        await cancelled.Task.WithTimeout("the backend to see the close's cancellation");
        await h.SettleAsync();

        Assert.Equal(LineErr.OperationFailed, Assert.Single(h.Tapi.CompletionsOf(requestId)).Result);
    }

    [Fact, Trait("Rule", "R6")]
    public async Task R6_OverlappingRequests_CompleteIndependentlyInAnyOrder()
    {
        var gates = new Dictionary<string, TaskCompletionSource>
        {
            ["hold"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["dial"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        var backend = new FakeBackend { OnCallOperation = (name, ct) => gates.TryGetValue(name, out var g) ? new ValueTask(g.Task.WaitAsync(ct)) : ValueTask.CompletedTask };
        await using var h = new EngineHarness(backend);
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (a, _) = await h.ConnectedCallAsync(hdLine);
        var (b, _) = await h.ConnectedCallAsync(hdLine);

        var hold = h.Engine.LineHold(h.NextRequestId(), a);
        var dial = h.Engine.LineDial(h.NextRequestId(), b, "123");
        gates["dial"].SetResult();
        Assert.Equal(0, await h.Tapi.CompletionAsync(dial));
        Assert.Empty(h.Tapi.CompletionsOf(hold));
        gates["hold"].SetResult();
        Assert.Equal(0, await h.Tapi.CompletionAsync(hold));
    }

    [Fact, Trait("Rule", "R6")]
    public async Task R6_DuplicateRequestId_WhileTheFirstIsPending_IsRefused()
    {
        var gate = new TaskCompletionSource<IBackendCall>();
        await using var h = new EngineHarness(new FakeBackend { OnMakeCall = (_, _, ct) => new ValueTask<IBackendCall>(gate.Task.WaitAsync(ct)) });
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var id = h.NextRequestId();

        Assert.Equal((int)id, h.Engine.LineMakeCall(id, hdLine, 0x1, out _, "1"));
        Assert.Equal(LineErr.InvalParam, h.Engine.LineMakeCall(id, hdLine, 0x2, out var hdCall, "2"));
        Assert.Equal((nint)0, hdCall);
    }

    [Fact, Trait("Rule", "R6")]
    public async Task R6_ClosePhone_WithPendingRequest_CompletesItWithPhoneFailure()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdPhone, _) = await h.OpenPhoneAsync();
        var gate = new TaskCompletionSource();
        h.Session.Phone(0).OnSetRing = _ => new ValueTask(gate.Task); // ignores cancellation: only the close completes it
        var requestId = h.Engine.PhoneSetRing(h.NextRequestId(), hdPhone, 1, 0x8000);

        Assert.Equal(0, await h.Engine.PhoneCloseAsync(hdPhone));

        Assert.Equal(PhoneErr.OperationFailed, Assert.Single(h.Tapi.CompletionsOf(requestId)).Result);
        gate.SetResult(); // the ring finishes late, with success: the request stays completed once, with the failure
        await h.SettleAsync();
        Assert.Equal(PhoneErr.OperationFailed, Assert.Single(h.Tapi.CompletionsOf(requestId)).Result);
    }
}
