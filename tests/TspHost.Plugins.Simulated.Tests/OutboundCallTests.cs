using TspHost.Abstractions;
using TspHost.Conformance;

namespace TspHost.Plugins.Simulated.Tests;

public sealed class OutboundCallTests
{
    [Fact]
    public async Task MakeCall_ToOrdinaryNumber_RingsThenConnectsAfterRingsBeforeAnswer()
    {
        await using var x = await StartOpenAsync();

        var (_, events) = await x.CallAsync(1, "555-1000");

        Assert.Equal([CallState.Dialing, CallState.Proceeding, CallState.Ringback], events.States);
        Assert.Equal(new CallPartyEvent(PartyRole.Called, new PartyId { Number = "5551000" }), events.Parties[0]);
        x.Clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(CallState.Ringback, events.Last?.State);
        x.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(CallState.Connected, events.Last?.State);
        Assert.Contains(events.Parties, p => p.Role == PartyRole.Connected && p.Party.Number == "5551000");
    }

    [Fact]
    public async Task MakeCall_ToBusyNumber_ReportsBusyThenDisconnectedBusy()
    {
        await using var x = await StartOpenAsync();

        var (_, events) = await x.CallAsync(1, "5550199");

        Assert.Equal([CallState.Dialing, CallState.Proceeding, CallState.Busy, CallState.Disconnected], events.States);
        Assert.Equal(DisconnectMode.Busy, events.Last?.Mode);
    }

    [Fact]
    public async Task MakeCall_ToNoAnswerNumber_DisconnectsNoAnswerAfterNoAnswerRings()
    {
        await using var x = await StartOpenAsync();

        var (_, events) = await x.CallAsync(1, "5550198");
        x.Rings(4);
        Assert.Equal(CallState.Ringback, events.Last?.State);
        x.Rings(1);

        Assert.Equal(new CallStateEvent(CallState.Disconnected, DisconnectMode.NoAnswer), events.Last);
    }

    [Fact]
    public async Task MakeCall_ToUnreachableNumber_DisconnectsUnreachable()
    {
        await using var x = await StartOpenAsync();

        var (_, events) = await x.CallAsync(1, "5550197");

        Assert.Equal(new CallStateEvent(CallState.Disconnected, DisconnectMode.Unreachable), events.Last);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("12")]
    public async Task MakeCall_ToFewerThanThreeDigits_DisconnectsBadAddress(string destination)
    {
        await using var x = await StartOpenAsync();

        var (_, events) = await x.CallAsync(1, destination);

        Assert.Equal([CallState.Dialing, CallState.Disconnected], events.States);
        Assert.Equal(DisconnectMode.BadAddress, events.Last?.Mode);
    }

    [Fact]
    public async Task MakeCall_WithoutDestination_GivesDialTone_ThenDialingProceeds()
    {
        await using var x = await StartOpenAsync();

        var (call, events) = await x.CallAsync(1, null);
        Assert.Equal([CallState.DialTone], events.States);
        await call.DialAsync("5551000", Token);
        x.Rings(2);

        Assert.Equal([CallState.DialTone, CallState.Dialing, CallState.Proceeding, CallState.Ringback, CallState.Connected], events.States);
    }

    [Fact]
    public async Task MakeCall_WithMoreDigitsFollow_WaitsInDialingUntilTheRestIsDialled()
    {
        await using var x = await StartOpenAsync();

        var (call, events) = await x.CallAsync(1, "555", moreDigitsFollow: true);
        x.Rings(10);
        Assert.Equal([CallState.Dialing], events.States);
        await call.DialAsync("01;", Token);
        Assert.Equal([CallState.Dialing], events.States);
        await call.DialAsync("99", Token);

        Assert.Equal(CallState.Disconnected, events.Last?.State);
        Assert.Equal(DisconnectMode.Busy, events.Last?.Mode);
        Assert.Equal("5550199", events.Parties[0].Party.Number);
    }

    [Fact]
    public async Task MakeCall_WithTrailingSemicolon_TreatsDestinationAsPartial()
    {
        await using var x = await StartOpenAsync();

        var (_, events) = await x.CallAsync(1, "555;");

        Assert.Equal([CallState.Dialing], events.States);
    }

    [Fact]
    public async Task MakeCall_WithUndiallableCharacters_FailsInvalidAddress()
    {
        await using var x = await StartOpenAsync();

        await AssertFailsAsync(TelephonyError.InvalidAddress, async () => await x.CallAsync(1, "555-CALL"));
    }

    [Fact]
    public async Task MakeCall_OnClosedLine_FailsOperationFailed()
    {
        await using var x = await StartAsync();

        await AssertFailsAsync(TelephonyError.OperationFailed, async () => await x.CallAsync(1, "5551000"));
    }

    [Fact]
    public async Task MakeCall_WithFaxMedia_FailsInvalidParameter()
    {
        await using var x = await StartOpenAsync();

        await AssertFailsAsync(TelephonyError.InvalidParameter, async () =>
            await x.Line(1).MakeCallAsync(new MakeCallRequest { Destination = "5551000", MediaMode = MediaModes.G3Fax }, new RecordingCallEvents(), Token));
    }

    [Fact]
    public async Task MakeCall_BeyondMaxActiveCalls_FailsResourceUnavailable()
    {
        await using var x = await StartOpenAsync();
        for (var i = 0; i < x.Line(1).Capabilities.MaxActiveCalls; i++)
        {
            await x.CallAsync(1, "5551000");
        }

        await AssertFailsAsync(TelephonyError.ResourceUnavailable, async () => await x.CallAsync(1, "5551000"));
    }

    [Fact]
    public async Task MakeCall_WithConfiguredNumbersAndCadence_FollowsTheSettings()
    {
        await using var x = await StartOpenAsync(1, ("BusyNumbers", "111222, 333444"), ("RingInterval", "500"), ("RingsBeforeAnswer", "3"));

        var (_, busy) = await x.CallAsync(1, "333444");
        var (_, ordinary) = await x.CallAsync(1, "5550199");
        x.Clock.Advance(TimeSpan.FromMilliseconds(1499));
        Assert.Equal(CallState.Ringback, ordinary.Last?.State);
        x.Clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(DisconnectMode.Busy, busy.Last?.Mode);
        Assert.Equal(CallState.Connected, ordinary.Last?.State);
    }

    [Fact]
    public async Task Answer_OnOutgoingCall_FailsInvalidCallState()
    {
        await using var x = await StartOpenAsync();
        var (call, _) = await x.CallAsync(1, "5551000");

        await AssertFailsAsync(TelephonyError.InvalidCallState, async () => await call.AnswerAsync(Token));
    }

    [Fact]
    public async Task Release_WhileRinging_StopsTheCallWithoutFurtherEvents()
    {
        await using var x = await StartOpenAsync();
        var (call, events) = await x.CallAsync(1, "5551000");

        await call.ReleaseAsync(Token);
        x.Rings(10);

        Assert.Equal(CallState.Ringback, events.Last?.State);
        Assert.Empty(x.Exchange.GetCalls("line-1"));
        await AssertFailsAsync(TelephonyError.InvalidCallState, async () => await call.DropAsync(Token));
    }

    [Fact]
    public async Task Drop_IdleCall_FailsInvalidCallState()
    {
        await using var x = await StartOpenAsync();
        var (call, events) = await x.CallAsync(1, "5551000");
        await call.DropAsync(Token);

        await AssertFailsAsync(TelephonyError.InvalidCallState, async () => await call.DropAsync(Token));
        Assert.Equal(CallState.Idle, events.Last?.State);
    }
}
