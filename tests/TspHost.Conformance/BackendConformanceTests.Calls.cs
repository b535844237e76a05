using TspHost.Abstractions;

namespace TspHost.Conformance;

// Calls: placing, answering, dropping, releasing (R6, R8, R9, R10), cancellation and the session's end (R1).
public abstract partial class BackendConformanceTests
{
    // The order an outgoing call moves through until it is answered; a state may repeat or be skipped, never go back.
    private static readonly CallState[] s_outboundProgress = [CallState.DialTone, CallState.Dialing, CallState.Proceeding, CallState.Ringback, CallState.Connected];

    /// <summary>A call to a number that answers reaches CONNECTED, moving only forward through the outbound states.</summary>
    [Fact]
    public async Task MakeCall_ToAnsweringNumber_ReachesConnectedInValidOrder()
    {
        var (session, line, _) = await OpenCallingLineAsync();
        var events = new RecordingCallEvents();
        await ConnectCallAsync(session, line, events);

        var states = events.States;
        Assert.True(states.Count > 0 && states[^1] == CallState.Connected, $"The call ended as {string.Join(" → ", states)}, not CONNECTED.");
        var rank = -1;
        foreach (var state in states)
        {
            var next = Array.IndexOf(s_outboundProgress, state);
            Assert.True(next >= rank, $"Invalid outbound order: {string.Join(" → ", states)}.");
            rank = next;
        }
    }

    /// <summary>A dropped call ends IDLE and stays there (no late timer connects it).</summary>
    [Fact]
    public async Task Drop_ConnectedCall_EndsIdleAndStaysIdle()
    {
        var (session, line, _) = await OpenCallingLineAsync();
        var events = new RecordingCallEvents();
        var call = await ConnectCallAsync(session, line, events);

        await DropAndExpectIdleAsync(call, events);
        await WithinAsync(call.ReleaseAsync(TestToken), "ReleaseAsync");
    }

    /// <summary>A call dropped while it is still being set up ends IDLE and stays there.</summary>
    [Fact]
    public async Task Drop_CallBeingSetUp_EndsIdleAndStaysIdle()
    {
        var (_, line, _) = await OpenCallingLineAsync();
        var events = new RecordingCallEvents();
        var call = await WithinAsync(line.MakeCallAsync(new MakeCallRequest { Destination = AnsweringNumber }, events, TestToken), "MakeCallAsync");

        await DropAndExpectIdleAsync(call, events);
    }

    /// <summary>R9: release silences the call for good, and a second release does no harm.</summary>
    [Fact]
    public async Task Release_CallInProgress_SilencesItAndIsSafeToRepeat()
    {
        var (_, line, _) = await OpenCallingLineAsync();
        var events = new RecordingCallEvents();
        var call = await WithinAsync(line.MakeCallAsync(new MakeCallRequest { Destination = AnsweringNumber }, events, TestToken), "MakeCallAsync");

        await WithinAsync(call.ReleaseAsync(TestToken), "ReleaseAsync");
        var seen = events.Count;
        await WithinAsync(call.ReleaseAsync(TestToken), "ReleaseAsync a second time");
        await LetTimePassAsync();
        Assert.Equal(seen, events.Count);
    }

    /// <summary>What a line advertises for a connected call works; what it does not advertise fails as a telephony error.</summary>
    [Fact]
    public async Task HoldUnhold_AdvertisedWork_UnadvertisedFailAsTelephonyErrors()
    {
        var (session, line, _) = await OpenCallingLineAsync();
        var events = new RecordingCallEvents();
        var call = await ConnectCallAsync(session, line, events);
        var features = line.Capabilities.Features;

        await CheckCallOperationAsync(features.HasFlag(LineFeatures.Hold), "HoldAsync", () => call.HoldAsync(TestToken).AsTask());
        if (features.HasFlag(LineFeatures.Hold))
        {
            await WaitUntilAsync(() => events.Last?.State == CallState.OnHold, "the call to be ONHOLD");
            await CheckCallOperationAsync(features.HasFlag(LineFeatures.Unhold), "UnholdAsync", () => call.UnholdAsync(TestToken).AsTask());
            if (features.HasFlag(LineFeatures.Unhold))
            {
                await WaitUntilAsync(() => events.Last?.State == CallState.Connected, "the retrieved call to be CONNECTED");
            }
        }

        await WithinAsync(call.ReleaseAsync(TestToken), "ReleaseAsync");
    }

    /// <summary>
    /// SetupTransfer, when advertised, puts the call ONHOLDPENDTRANSFER and starts the consultation call in
    /// DIALTONE; when not advertised it fails as a telephony error.
    /// </summary>
    [Fact]
    public async Task SetupTransfer_Advertised_HoldsCallAndGivesConsultationDialTone()
    {
        var (session, line, _) = await OpenCallingLineAsync();
        var events = new RecordingCallEvents();
        var call = await ConnectCallAsync(session, line, events);
        var advertised = line.Capabilities.Features.HasFlag(LineFeatures.SetupTransfer);
        var consultationEvents = new RecordingCallEvents();
        IBackendCall? consultation = null;

        await CheckCallOperationAsync(advertised, "SetupTransferAsync", async () => consultation = await call.SetupTransferAsync(consultationEvents, TestToken));
        if (advertised)
        {
            await WaitUntilAsync(() => events.Last?.State == CallState.OnHoldPendingTransfer, "the call to be ONHOLDPENDTRANSFER");
            await WaitUntilAsync(() => consultationEvents.HasReached(CallState.DialTone), "the consultation call to be DIALTONE");
            Assert.NotNull(consultation);
            await WithinAsync(consultation.ReleaseAsync(TestToken), "ReleaseAsync of the consultation call");
        }

        await WithinAsync(call.ReleaseAsync(TestToken), "ReleaseAsync");
    }

    /// <summary>R10: an incoming call is announced with NewCall in OFFERING, and it can be answered.</summary>
    [Fact]
    public async Task IncomingCall_ArrivesAsNewCallOffering_AndCanBeAnswered()
    {
        SkipLineFactUnless(CanTriggerIncomingCall);
        Assert.SkipUnless(CanTriggerIncomingCall, "The backend cannot trigger incoming calls in a test.");
        var session = await StartSessionAsync();
        var line = SelectAnsweringLine(session);
        Assert.SkipWhen(line is null, "The backend has no lines.");
        var lineEvents = new RecordingLineEvents();
        await WithinAsync(line!.OpenAsync(lineEvents, TestToken), "OpenAsync");

        await TriggerIncomingCallAsync(session, line);
        await WaitUntilAsync(() => lineEvents.NewCalls.Count > 0, "NewCall for the incoming call");
        var announced = lineEvents.NewCalls[0];
        Assert.Equal(CallState.Offering, announced.Info.InitialState);
        Assert.Equal(CallOrigin.Inbound, announced.Info.Origin);
        Assert.False(string.IsNullOrEmpty(announced.Call.Id), "The incoming call has no Id.");

        Assert.SkipUnless(line.Capabilities.Features.HasFlag(LineFeatures.Answer), "The line does not advertise Answer.");
        await WithinAsync(announced.Call.AnswerAsync(TestToken), "AnswerAsync");
        await WaitUntilAsync(() => announced.Events.HasReached(CallState.Connected), "the answered call to be CONNECTED");
        await WithinAsync(announced.Call.ReleaseAsync(TestToken), "ReleaseAsync");
    }

    /// <summary>
    /// R9: a closed line raises no events, for itself or for any of its calls. A line that takes one call
    /// at a time (a modem) cannot be offered a call while it places one, so it is closed once with each.
    /// </summary>
    [Fact]
    public async Task Line_AfterClose_RaisesNoEvents()
    {
        SkipLineFactUnless(AnsweringNumber is not null || CanTriggerIncomingCall);
        Assert.SkipWhen(AnsweringNumber is null && !CanTriggerIncomingCall, "The backend can neither place nor receive calls in a test.");
        var session = await StartSessionAsync();
        var line = AnsweringNumber is null ? SelectAnsweringLine(session) : SelectCallingLine(session);
        Assert.SkipWhen(line is null, "No suitable line.");
        var placeCall = AnsweringNumber is not null;
        if (placeCall && CanTriggerIncomingCall && line!.Capabilities.MaxActiveCalls < 2)
        {
            await CloseWithCallsAndExpectSilenceAsync(session, line, placeCall: true, incomingCall: false);
            placeCall = false;
        }

        await CloseWithCallsAndExpectSilenceAsync(session, line!, placeCall, CanTriggerIncomingCall);
    }

    /// <summary>R6: an operation whose token is already cancelled ends cancelled or completes; it never hangs or fails otherwise.</summary>
    [Fact]
    public async Task Operations_WithCancelledToken_EndCancelledOrComplete()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        IBackendSession? early = null;
        var context = new BackendSessionContext { Settings = Settings, Log = Log, Time = Time, Events = SessionEvents };
        await EndsCancelledOrCompletesAsync(async () => early = await Backend.StartSessionAsync(context, cancelled.Token), "StartSessionAsync");
        if (early is not null)
        {
            await WithinAsync(early.DisposeAsync(), "DisposeAsync");
        }

        var session = await StartSessionAsync();
        foreach (var line in session.Lines)
        {
            var opened = await EndsCancelledOrCompletesAsync(() => line.OpenAsync(new RecordingLineEvents(), cancelled.Token), $"{line.Key} OpenAsync");
            if (!opened)
            {
                await WithinAsync(line.OpenAsync(new RecordingLineEvents(), TestToken), $"{line.Key} OpenAsync");
            }

            if (AnsweringNumber is not null && line.Capabilities.Features.HasFlag(LineFeatures.MakeCall))
            {
                IBackendCall? call = null;
                await EndsCancelledOrCompletesAsync(async () => call = await line.MakeCallAsync(new MakeCallRequest { Destination = AnsweringNumber }, new RecordingCallEvents(), cancelled.Token), $"{line.Key} MakeCallAsync");
                if (call is not null)
                {
                    await WithinAsync(call.ReleaseAsync(TestToken), "ReleaseAsync");
                }
            }

            await WithinAsync(line.CloseAsync(TestToken), $"{line.Key} CloseAsync");
        }

        foreach (var phone in session.Phones)
        {
            if (await EndsCancelledOrCompletesAsync(() => phone.OpenAsync(new RecordingPhoneEvents(), cancelled.Token), $"{phone.Key} OpenAsync"))
            {
                await WithinAsync(phone.CloseAsync(TestToken), $"{phone.Key} CloseAsync");
            }
        }
    }

    /// <summary>R6: cancelling a call placement while it runs ends it cancelled or completed, never hanging.</summary>
    [Fact]
    public async Task MakeCall_CancelledWhileRunning_EndsCancelledOrCompletes()
    {
        var (_, line, _) = await OpenCallingLineAsync();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        IBackendCall? call = null;
        await EndsCancelledOrCompletesAsync(
            async () =>
            {
                var placing = line.MakeCallAsync(new MakeCallRequest { Destination = AnsweringNumber }, new RecordingCallEvents(), cancellation.Token);
                await cancellation.CancelAsync();
                call = await placing;
            },
            "MakeCallAsync");
        if (call is not null)
        {
            await WithinAsync(call.ReleaseAsync(TestToken), "ReleaseAsync");
        }
    }

    /// <summary>R1: disposing the session ends everything: no events afterwards, a second dispose is harmless, operations do not hang.</summary>
    [Fact]
    public async Task DisposeSession_EndsEverything()
    {
        var session = await StartSessionAsync();
        var lineEvents = session.Lines.Select(_ => new RecordingLineEvents()).ToList();
        for (var i = 0; i < session.Lines.Count; i++)
        {
            await WithinAsync(session.Lines[i].OpenAsync(lineEvents[i], TestToken), "OpenAsync");
        }

        var phoneEvents = new RecordingPhoneEvents();
        if (session.Phones.Count > 0)
        {
            await WithinAsync(session.Phones[0].OpenAsync(phoneEvents, TestToken), "phone OpenAsync");
        }

        var callEvents = new RecordingCallEvents();
        var line = SelectCallingLine(session);
        if (AnsweringNumber is not null && line is not null)
        {
            await WithinAsync(line.MakeCallAsync(new MakeCallRequest { Destination = AnsweringNumber }, callEvents, TestToken), "MakeCallAsync");
        }

        if (CanTriggerIncomingCall && SelectAnsweringLine(session) is { } answering && answering != line)
        {
            await TriggerIncomingCallAsync(session, answering);
        }

        await WithinAsync(session.DisposeAsync(), "DisposeAsync");
        int Seen() => lineEvents.Sum(e => e.TotalCount) + phoneEvents.Count + callEvents.Count;
        var seen = Seen();
        await WithinAsync(session.DisposeAsync(), "DisposeAsync a second time");
        await LetTimePassAsync();
        Assert.Equal(seen, Seen());

        if (line is not null && AnsweringNumber is not null)
        {
            // After the end an operation may fail, but it must end.
            await EndsAsync(() => line.MakeCallAsync(new MakeCallRequest { Destination = AnsweringNumber }, new RecordingCallEvents(), TestToken).AsTask(), "MakeCallAsync after the session ended");
        }
    }

    private async Task CloseWithCallsAndExpectSilenceAsync(IBackendSession session, ILineDevice line, bool placeCall, bool incomingCall)
    {
        var lineEvents = new RecordingLineEvents();
        await WithinAsync(line.OpenAsync(lineEvents, TestToken), "OpenAsync");
        var callEvents = new RecordingCallEvents();
        if (placeCall)
        {
            await WithinAsync(line.MakeCallAsync(new MakeCallRequest { Destination = AnsweringNumber }, callEvents, TestToken), "MakeCallAsync");
        }

        if (incomingCall)
        {
            await TriggerIncomingCallAsync(session, line);
            await WaitUntilAsync(() => lineEvents.NewCalls.Count > 0, "NewCall for the incoming call");
        }

        await WithinAsync(line.CloseAsync(TestToken), "CloseAsync");
        var seen = lineEvents.TotalCount + callEvents.Count;
        await LetTimePassAsync();
        Assert.Equal(seen, lineEvents.TotalCount + callEvents.Count);
    }

    private async Task DropAndExpectIdleAsync(IBackendCall call, RecordingCallEvents events)
    {
        await WithinAsync(call.DropAsync(TestToken), "DropAsync");
        await WaitUntilAsync(() => events.Last?.State == CallState.Idle, "the dropped call to be IDLE");
        await LetTimePassAsync();
        Assert.Equal(CallState.Idle, events.Last?.State);
    }

    private async Task CheckCallOperationAsync(bool advertised, string what, Func<Task> operation)
    {
        try
        {
            await WithinAsync(new ValueTask(operation()), what);
            return;
        }
        catch (TelephonyException ex) when (advertised)
        {
            Assert.Fail($"The line advertises {what}, but it failed with {ex.Error}: {ex.Message}");
        }
        catch (TelephonyException)
        {
            // Not advertised: a telephony error is the right answer (the host would not have asked).
        }
    }

    /// <summary>Runs <paramref name="operation"/>; true when it completed, false when it ended cancelled. Anything else fails the test.</summary>
    private async Task<bool> EndsCancelledOrCompletesAsync(Func<ValueTask> operation, string what)
    {
        Task task;
        try
        {
            task = operation().AsTask();
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        await WaitUntilAsync(() => task.IsCompleted, $"{what} to end");
        try
        {
            await task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task EndsAsync(Func<Task> operation, string what)
    {
        Task task;
        try
        {
            task = operation();
        }
#pragma warning disable CA1031 // Failing is allowed here; hanging is not.
        catch (Exception)
        {
            return;
        }

        await WaitUntilAsync(() => task.IsCompleted, $"{what} to end");
        try
        {
            await task;
        }
        catch (Exception)
        {
        }
#pragma warning restore CA1031
    }
}
