using TspHost.Abstractions;
using TspHost.Core.Tapi;
using TspHost.Core.Tests.Fakes;
using TspHost.Testing;

namespace TspHost.Core.Tests;

/// <summary>R8-R10: call lifetimes, overlap and end, and the handle exchange.</summary>
public sealed class CallRuleTests
{
    [Fact, Trait("Rule", "R10")]
    public async Task R10_TapiOriginatedCall_HandleInvalidAndSilentUntilTheRequestCompletes()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var backend = new FakeBackend();
        backend.OnMakeCall = async (_, events, ct) =>
        {
            events.StateChanged(CallState.Dialing); // reported before the request has completed
            events.StateChanged(CallState.Ringback);
            reported.SetResult();
            await gate.Task.WaitAsync(ct);
            var call = new FakeCall(backend, "c") { Events = events };
            return call;
        };
        await using var h = new EngineHarness(backend);
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (requestId, hdCall, htCall) = h.MakeCall(hdLine);
        await reported.Task.WithTimeout("the backend to report the call's first states");
        await h.Engine.Session!.Dispatcher.FlushAsync(TimeSpan.FromSeconds(10)); // a marker behind anything posted: had the states gone out, they are delivered now

        Assert.NotEqual((nint)0, hdCall);
        Assert.Empty(h.Tapi.LineEventsFor(htCall));
        Assert.Equal(LineErr.InvalCallHandle, h.Engine.LineGetCallStatus(hdCall, out _));
        Assert.Equal(LineErr.InvalCallHandle, h.Engine.LineDrop(h.NextRequestId(), hdCall));

        gate.SetResult();
        Assert.Equal(0, await h.Tapi.CompletionAsync(requestId));
        await h.Tapi.WaitForCallStateAsync(htCall, CallState.Ringback);

        var records = h.Tapi.Records.ToList();
        var completionAt = records.FindIndex(r => r is CompletionRecord c && c.RequestId == (uint)requestId);
        var firstEventAt = records.FindIndex(r => r is LineEventRecord e && e.HtCall == htCall);
        Assert.True(completionAt < firstEventAt, "the completion must precede every event of the call it made valid");
        Assert.Equal([(nuint)CallState.Dialing, (nuint)CallState.Ringback], h.Tapi.LineEventsFor(htCall).Select(e => e.P1));
        Assert.Equal(0, h.Engine.LineGetCallStatus(hdCall, out var status));
        Assert.Equal((uint)CallState.Ringback, status!.CallState);
    }

    [Fact, Trait("Rule", "R10")]
    public async Task R10_FailedMakeCall_NeverSendsAnEventForTheCall()
    {
        var backend = new FakeBackend();
        backend.OnMakeCall = (_, events, _) =>
        {
            events.StateChanged(CallState.Dialing);
            events.StateChanged(CallState.Disconnected, DisconnectMode.BadAddress);
            throw new TelephonyException(TelephonyError.InvalidAddress, "bad number");
        };
        await using var h = new EngineHarness(backend);
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();

        var (requestId, hdCall, htCall) = h.MakeCall(hdLine);

        Assert.Equal(LineErr.InvalAddress, await h.Tapi.CompletionAsync(requestId));
        await h.Engine.LineCloseAsync(hdLine); // flushes the dispatcher
        Assert.Empty(h.Tapi.LineEventsFor(htCall));
    }

    [Fact, Trait("Rule", "R10")]
    public async Task R10_BackendOriginatedCall_NewCallFirst_ThenCallStateCarryingTapisHandle()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (_, htLine) = await h.OpenLineAsync();

        var (_, events) = h.Session.Line(0).Ring("5551234", "Alice");
        events.StateChanged(CallState.Offering); // a repeat, as some hardware does

        await Eventually.WaitAsync(() => h.Tapi.Records.OfType<NewCallRecord>().Any(), "LINE_NEWCALL");
        var newCall = h.Tapi.Records.OfType<NewCallRecord>().Single();
        Assert.Equal(htLine, newCall.HtLine);
        await h.Tapi.WaitForCallStateAsync(newCall.HtCall, CallState.Offering);
        var records = h.Tapi.Records.ToList();
        var newCallAt = records.IndexOf(newCall);
        var forCall = records.Select((r, i) => (r, i)).Where(x => x.r is LineEventRecord e && e.HtCall == newCall.HtCall).ToList();
        Assert.True(forCall.All(x => x.i > newCallAt));
        Assert.Equal(LineMessage.CallState, ((LineEventRecord)forCall[0].r).Message);
        Assert.Equal(0, h.Engine.LineGetCallInfo(newCall.HdCall, out var info));
        Assert.Equal("5551234", info!.CallerId);
        Assert.Equal("Alice", info.CallerIdName);
        Assert.Equal(CallOriginFlags.Inbound, info.Origin);
    }

    [Fact, Trait("Rule", "R10")]
    public async Task R10_TapiRefusesANewCall_TheCallIsReleasedAndNothingMoreIsSent()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        await h.OpenLineAsync();
        h.Tapi.AcceptNewCalls = false;

        var (call, events) = h.Session.Line(0).Ring();

        await Eventually.WaitAsync(() => call.Releases == 1, "the refused call to be released");
        events.StateChanged(CallState.Connected);
        var newCall = h.Tapi.Records.OfType<NewCallRecord>().Single();
        Assert.Equal(LineErr.InvalCallHandle, h.Engine.LineAnswer(h.NextRequestId(), newCall.HdCall));
        Assert.DoesNotContain(h.Tapi.Records, r => r is LineEventRecord { Message: LineMessage.CallState });
    }

    [Fact, Trait("Rule", "R8")]
    public async Task R8_CallsLiveOnlyInsideTheirLinesOpenClosePair()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (hdCall, htCall) = await h.ConnectedCallAsync(hdLine);
        var line = h.Session.Line(0);

        await h.Engine.LineCloseAsync(hdLine);

        Assert.Equal(LineErr.InvalCallHandle, h.Engine.LineGetCallStatus(hdCall, out _));
        Assert.Equal(LineErr.InvalLineHandle, h.Engine.LineMakeCall(h.NextRequestId(), hdLine, 0x1, out _, "1"));
        var before = h.Tapi.Records.Count;
        var (late, events) = line.Ring(); // the hardware announces a call after close
        events.StateChanged(CallState.Connected);
        await Eventually.WaitAsync(() => late.Releases == 1, "a call announced on a closed line to be released");
        Assert.Equal(before, h.Tapi.Records.Count);
    }

    [Fact, Trait("Rule", "R8")]
    public async Task R8_SetupTransferAndConference_CreateNewCallsWithTheirOwnHandles()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (hdCall, htCall) = await h.ConnectedCallAsync(hdLine);

        var setup = h.Engine.LineSetupTransfer(h.NextRequestId(), hdCall, 0x61, out var hdConsult);
        Assert.Equal(0, await h.Tapi.CompletionAsync(setup));
        await h.Tapi.WaitForCallStateAsync(0x61, CallState.DialTone);
        await h.Tapi.WaitForCallStateAsync(htCall, CallState.OnHoldPendingTransfer);
        Assert.Equal(0, h.Engine.LineDial(h.NextRequestId(), hdConsult, "200") > 0 ? 0 : -1);

        var complete = h.Engine.LineCompleteTransfer(h.NextRequestId(), hdCall, hdConsult, 0x62, out var hdConf, (uint)TransferMode.Conference);
        Assert.Equal(0, await h.Tapi.CompletionAsync(complete));
        await h.Tapi.WaitForCallStateAsync(0x62, CallState.Connected);
        Assert.NotEqual((nint)0, hdConf);
        Assert.Equal(0, h.Engine.LineGetCallInfo(hdConf, out var info));
        Assert.Equal(CallOriginFlags.Conference, info!.Origin);

        var (hdOther, _) = await h.ConnectedCallAsync(hdLine);
        var conf = h.Engine.LineSetupConference(h.NextRequestId(), hdOther, hdLine, 0x63, out var hdConf2, 0x64, out var hdConsult2, 3);
        Assert.Equal(0, await h.Tapi.CompletionAsync(conf));
        await h.Tapi.WaitForCallStateAsync(0x63, CallState.OnHoldPendingConference);
        await h.Tapi.WaitForCallStateAsync(0x64, CallState.DialTone);
        Assert.NotEqual(hdConf2, hdConsult2);
    }

    [Fact, Trait("Rule", "R9")]
    public async Task R9_CloseCall_IsIdempotent_AlsoAfterAFailedRequest()
    {
        var fail = false;
        var backend = new FakeBackend();
        backend.OnMakeCall = (_, events, _) =>
            fail ? throw new TelephonyException(TelephonyError.OperationFailed, "no") : new ValueTask<IBackendCall>(new FakeCall(backend, "c") { Events = events });
        await using var h = new EngineHarness(backend);
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (requestId, hdCall, _) = h.MakeCall(hdLine);
        Assert.Equal(0, await h.Tapi.CompletionAsync(requestId));

        Assert.Equal(0, await h.Engine.LineCloseCallAsync(hdCall));
        Assert.Equal(0, await h.Engine.LineCloseCallAsync(hdCall));
        Assert.Single(backend.ReleasedCalls);

        fail = true;
        var (failedId, failedCall, _) = h.MakeCall(hdLine);
        Assert.Equal(LineErr.OperationFailed, await h.Tapi.CompletionAsync(failedId));
        Assert.Equal(0, await h.Engine.LineCloseCallAsync(failedCall));
        Assert.Equal(LineErr.InvalCallHandle, await h.Engine.LineCloseCallAsync(0x12345));
    }

    [Fact, Trait("Rule", "R9"), Trait("Rule", "R6")]
    public async Task R9_CloseCall_WithPendingRequest_CompletesItFirst_AndSilencesTheCall()
    {
        var gate = new TaskCompletionSource();
        var backend = new FakeBackend { OnCallOperation = (name, ct) => name == "hold" ? new ValueTask(gate.Task.WaitAsync(ct)) : ValueTask.CompletedTask };
        await using var h = new EngineHarness(backend);
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (hdCall, htCall) = await h.ConnectedCallAsync(hdLine);
        var hold = h.Engine.LineHold(h.NextRequestId(), hdCall);
        var call = (FakeCall)h.Engine.Session!.LineEntries[0].Open!.Calls[0].Backend!;

        Assert.Equal(0, await h.Engine.LineCloseCallAsync(hdCall));
        await h.SettleAsync(); // the cancelled hold has ended: had it completed the request again, that is delivered now

        Assert.Equal(LineErr.OperationFailed, Assert.Single(h.Tapi.CompletionsOf(hold)).Result);
        var eventsBefore = h.Tapi.LineEventsFor(htCall).Count;
        call.Events!.StateChanged(CallState.Idle);
        await h.Engine.LineCloseAsync(hdLine);
        Assert.Equal(eventsBefore, h.Tapi.LineEventsFor(htCall).Count);
    }

    [Fact, Trait("Rule", "R9")]
    public async Task R9_CallsOverlapOnOneLine_AndClosingTheLineEndsThemAll()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (a, _) = await h.ConnectedCallAsync(hdLine);
        Assert.Equal(0, await h.Tapi.CompletionAsync(h.Engine.LineHold(h.NextRequestId(), a)));
        var (b, _) = await h.ConnectedCallAsync(hdLine);
        var (incoming, _) = h.Session.Line(0).Ring();
        await Eventually.WaitAsync(() => h.Tapi.Records.OfType<NewCallRecord>().Any(), "LINE_NEWCALL");
        var c = h.Tapi.Records.OfType<NewCallRecord>().Single().HdCall;

        Assert.Equal(0, h.Engine.LineGetCallStatus(a, out var statusA));
        Assert.Equal((uint)CallState.OnHold, statusA!.CallState);
        Assert.Equal(0, h.Engine.LineGetCallStatus(b, out _));
        Assert.Equal(0, h.Engine.LineGetCallStatus(c, out _));

        await h.Engine.LineCloseAsync(hdLine);

        foreach (var hd in new[] { a, b, c })
        {
            Assert.Equal(LineErr.InvalCallHandle, h.Engine.LineGetCallStatus(hd, out _));
            Assert.Equal(0, await h.Engine.LineCloseCallAsync(hd)); // closing an ended call is harmless
        }

        Assert.Equal(1, incoming.Releases);
        Assert.Equal(3, h.Backend.ReleasedCalls.Count);
    }

    [Fact]
    public async Task CallFeatures_FollowTheState_AndOperationsInTheWrongStateAreRefused()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (hdCall, _) = await h.ConnectedCallAsync(hdLine);

        Assert.Equal(LineErr.InvalCallState, h.Engine.LineAnswer(h.NextRequestId(), hdCall));
        Assert.Equal(LineErr.InvalCallState, h.Engine.LineUnhold(h.NextRequestId(), hdCall));
        Assert.Equal(0, h.Engine.LineGetCallStatus(hdCall, out var status));
        Assert.Equal((uint)(CallFeatures.Drop | CallFeatures.Hold | CallFeatures.SetupTransfer | CallFeatures.SetupConference | CallFeatures.Dial), status!.CallFeatures);
    }

    [Fact]
    public async Task UnsupportedOperation_IsRejectedWithOperationUnavail()
    {
        await using var h = new EngineHarness(new FakeBackend { LineCaps = new() { Name = "basic", Features = LineFeatures.MakeCall | LineFeatures.Drop } });
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (hdCall, _) = await h.ConnectedCallAsync(hdLine);

        Assert.Equal(LineErr.OperationUnavail, h.Engine.LineHold(h.NextRequestId(), hdCall));
        Assert.Equal(LineErr.OperationUnavail, h.Engine.LineSetupTransfer(h.NextRequestId(), hdCall, 0x1, out _));
        Assert.Equal(LineErr.OperationUnavail, h.Engine.LineSetupConference(h.NextRequestId(), 0, hdLine, 0x1, out _, 0x2, out _, 3));
    }
}
