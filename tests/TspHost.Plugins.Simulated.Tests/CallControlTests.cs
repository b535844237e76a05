using TspHost.Abstractions;
using TspHost.Conformance;

namespace TspHost.Plugins.Simulated.Tests;

public sealed class CallControlTests
{
    [Fact]
    public async Task Hold_ThenUnhold_GoesOnHoldAndBackToConnected()
    {
        await using var x = await StartOpenAsync();
        var (call, events) = await x.ConnectedCallAsync(1);

        await call.HoldAsync(Token);
        Assert.Equal(CallState.OnHold, events.Last?.State);
        await call.UnholdAsync(Token);

        Assert.Equal(CallState.Connected, events.Last?.State);
    }

    [Fact]
    public async Task Hold_WhileRinging_FailsInvalidCallState()
    {
        await using var x = await StartOpenAsync();
        var (call, _) = await x.CallAsync(1, "5551000");

        var error = await AssertFailsAsync(TelephonyError.InvalidCallState, async () => await call.HoldAsync(Token));

        Assert.Contains("Ringback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unhold_OfConnectedCall_FailsInvalidCallState()
    {
        await using var x = await StartOpenAsync();
        var (call, _) = await x.ConnectedCallAsync(1);

        await AssertFailsAsync(TelephonyError.InvalidCallState, async () => await call.UnholdAsync(Token));
    }

    [Fact]
    public async Task SetupTransfer_PutsCallOnHoldPendingTransfer_AndStartsConsultationInDialTone()
    {
        await using var x = await StartOpenAsync();
        var (call, events) = await x.ConnectedCallAsync(1);
        var consultationEvents = new RecordingCallEvents();

        var consultation = await call.SetupTransferAsync(consultationEvents, Token);

        Assert.Equal(CallState.OnHoldPendingTransfer, events.Last?.State);
        Assert.Equal([CallState.DialTone], consultationEvents.States);
        Assert.NotEqual(call.Id, consultation.Id);
        Assert.Equal(CallState.DialTone, x.Exchange.GetCallState(consultation));
    }

    [Fact]
    public async Task SetupTransfer_WhileDialling_FailsInvalidCallState()
    {
        await using var x = await StartOpenAsync();
        var (call, _) = await x.CallAsync(1, null);

        await AssertFailsAsync(TelephonyError.InvalidCallState, async () => await call.SetupTransferAsync(new RecordingCallEvents(), Token));
    }

    [Fact]
    public async Task CompleteTransfer_InTransferMode_IdlesBothCalls_AndConnectsTheFarEndsToEachOther()
    {
        // Line 2 calls line 1; line 1 consults line 3 and transfers line 2 to it.
        await using var x = await StartOpenAsync(3, ("Lines", "3"));
        var (_, line2Call) = await x.CallAsync(2, "201");
        var original = x.OpenLines[0].NewCalls[0];
        await original.Call.AnswerAsync(Token);
        var consultationEvents = new RecordingCallEvents();
        var consultation = await original.Call.SetupTransferAsync(consultationEvents, Token);
        await consultation.DialAsync("203", Token);
        var line3Call = x.OpenLines[2].NewCalls[0];
        await line3Call.Call.AnswerAsync(Token);

        var conference = await original.Call.CompleteTransferAsync(consultation, TransferMode.Transfer, null, Token);

        Assert.Null(conference);
        Assert.Equal(CallState.Idle, original.Events.Last?.State);
        Assert.Equal(CallState.Idle, consultationEvents.Last?.State);
        Assert.Equal(new CallPartyEvent(PartyRole.Connected, new PartyId { Number = "203", Name = "Line 3" }), line2Call.Parties[^1]);
        Assert.Equal(new CallPartyEvent(PartyRole.Connected, new PartyId { Number = "202", Name = "Line 2" }), line3Call.Events.Parties[^1]);

        // The transferred parties now talk to each other: one hanging up disconnects the other.
        await line3Call.Call.DropAsync(Token);
        Assert.Equal(new CallStateEvent(CallState.Disconnected, DisconnectMode.Normal), line2Call.Last);
    }

    [Fact]
    public async Task CompleteTransfer_InConferenceMode_ConferencesBothCalls_AndConnectsANewConferenceCall()
    {
        await using var x = await StartOpenAsync();
        var (call, events) = await x.ConnectedCallAsync(1);
        var consultationEvents = new RecordingCallEvents();
        var consultation = await call.SetupTransferAsync(consultationEvents, Token);
        await consultation.DialAsync("5552000", Token);
        x.Rings(2);
        var conferenceEvents = new RecordingCallEvents();

        var conference = await call.CompleteTransferAsync(consultation, TransferMode.Conference, conferenceEvents, Token);

        Assert.NotNull(conference);
        Assert.Equal(CallState.Conferenced, events.Last?.State);
        Assert.Equal(CallState.Conferenced, consultationEvents.Last?.State);
        Assert.Equal([CallState.Connected], conferenceEvents.States);

        await conference.DropAsync(Token);
        Assert.Equal(CallState.Idle, events.Last?.State);
        Assert.Equal(CallState.Idle, consultationEvents.Last?.State);
        Assert.Equal(CallState.Idle, conferenceEvents.Last?.State);
    }

    [Fact]
    public async Task CompleteTransfer_AsConferenceWithoutConferenceEvents_FailsInvalidParameter()
    {
        await using var x = await StartOpenAsync();
        var (call, _) = await x.ConnectedCallAsync(1);
        var consultation = await call.SetupTransferAsync(new RecordingCallEvents(), Token);
        await consultation.DialAsync("5552000", Token);

        await AssertFailsAsync(TelephonyError.InvalidParameter, async () => await call.CompleteTransferAsync(consultation, TransferMode.Conference, null, Token));
    }

    [Fact]
    public async Task CompleteTransfer_WithoutPendingTransfer_FailsInvalidCallState()
    {
        await using var x = await StartOpenAsync();
        var (first, _) = await x.ConnectedCallAsync(1);
        var (second, _) = await x.ConnectedCallAsync(1, "5552000");

        await AssertFailsAsync(TelephonyError.InvalidCallState, async () => await first.CompleteTransferAsync(second, TransferMode.Transfer, null, Token));
    }

    [Fact]
    public async Task CompleteTransfer_ToConsultationStillOnDialTone_FailsInvalidCallState()
    {
        await using var x = await StartOpenAsync();
        var (call, _) = await x.ConnectedCallAsync(1);
        var consultation = await call.SetupTransferAsync(new RecordingCallEvents(), Token);

        await AssertFailsAsync(TelephonyError.InvalidCallState, async () => await call.CompleteTransferAsync(consultation, TransferMode.Transfer, null, Token));
    }

    [Fact]
    public async Task Unhold_OfCallPendingTransfer_RetrievesIt_AfterTheConsultationIsDropped()
    {
        await using var x = await StartOpenAsync();
        var (call, events) = await x.ConnectedCallAsync(1);
        var consultation = await call.SetupTransferAsync(new RecordingCallEvents(), Token);
        await consultation.DropAsync(Token);

        await call.UnholdAsync(Token);

        Assert.Equal(CallState.Connected, events.Last?.State);
    }

    [Fact]
    public async Task SetupConference_WithInitialCall_ConferencesIt_HoldsConference_AndGivesConsultationDialTone()
    {
        await using var x = await StartOpenAsync();
        var (call, events) = await x.ConnectedCallAsync(1);
        var conferenceEvents = new RecordingCallEvents();
        var consultationEvents = new RecordingCallEvents();

        var setup = await x.Line(1).SetupConferenceAsync(call, conferenceEvents, consultationEvents, 3, Token);

        Assert.Equal(CallState.Conferenced, events.Last?.State);
        Assert.Equal([CallState.OnHoldPendingConference], conferenceEvents.States);
        Assert.Equal([CallState.DialTone], consultationEvents.States);
        Assert.Equal(CallState.OnHoldPendingConference, x.Exchange.GetCallState(setup.Conference));

        await setup.Conference.DropAsync(Token);
        Assert.Equal(CallState.Idle, events.Last?.State);
    }

    [Fact]
    public async Task SetupConference_WithoutInitialCall_CreatesConferenceAndConsultation()
    {
        await using var x = await StartOpenAsync();
        var consultationEvents = new RecordingCallEvents();

        var setup = await x.Line(1).SetupConferenceAsync(null, new RecordingCallEvents(), consultationEvents, 2, Token);
        await setup.Consultation.DialAsync("5551000", Token);
        x.Rings(2);

        Assert.Equal(CallState.Connected, consultationEvents.Last?.State);
        Assert.Equal(2, x.Exchange.GetCalls("line-1").Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(SimulatedExchange.MaxConferenceParties + 1)]
    public async Task SetupConference_WithBadPartyCount_FailsInvalidParameter(int parties)
    {
        await using var x = await StartOpenAsync();

        await AssertFailsAsync(TelephonyError.InvalidParameter, async () => await x.Line(1).SetupConferenceAsync(null, new RecordingCallEvents(), new RecordingCallEvents(), parties, Token));
    }

    [Fact]
    public async Task SetupConference_WithRingingCall_FailsInvalidCallState()
    {
        await using var x = await StartOpenAsync();
        var (call, _) = await x.CallAsync(1, "5551000");

        await AssertFailsAsync(TelephonyError.InvalidCallState, async () => await x.Line(1).SetupConferenceAsync(call, new RecordingCallEvents(), new RecordingCallEvents(), 3, Token));
    }

    [Fact]
    public async Task Drop_OfConferenceMember_LeavesTheConferenceUp()
    {
        await using var x = await StartOpenAsync();
        var (call, events) = await x.ConnectedCallAsync(1);
        var conferenceEvents = new RecordingCallEvents();
        await x.Line(1).SetupConferenceAsync(call, conferenceEvents, new RecordingCallEvents(), 3, Token);

        await call.DropAsync(Token);

        Assert.Equal(CallState.Idle, events.Last?.State);
        Assert.Equal(CallState.OnHoldPendingConference, conferenceEvents.Last?.State);
    }
}
