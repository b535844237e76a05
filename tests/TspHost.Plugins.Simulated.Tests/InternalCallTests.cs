using TspHost.Abstractions;
using TspHost.Conformance;

namespace TspHost.Plugins.Simulated.Tests;

public sealed class InternalCallTests
{
    [Fact]
    public async Task CallToAnotherLine_OffersItWithCallerAndRingsEveryInterval()
    {
        await using var x = await StartOpenAsync(2);

        var (_, caller, callee) = await x.InternalCallAsync();
        x.Rings(2);

        Assert.Equal(CallState.Ringback, caller.Last?.State);
        Assert.Equal(new NewCallInfo { InitialState = CallState.Offering, Origin = CallOrigin.Inbound, MediaMode = MediaModes.InteractiveVoice, Caller = new PartyId { Number = "201", Name = "Line 1" } }, callee.Info);
        Assert.Equal([1, 2, 3], x.OpenLines[1].Rings);
        Assert.Equal("202", caller.Parties[0].Party.Number);
    }

    [Fact]
    public async Task Answer_ByCalledLine_ConnectsBothSidesAndStopsRinging()
    {
        await using var x = await StartOpenAsync(2);

        var (_, caller, callee) = await x.InternalCallAsync(answer: true);
        x.Rings(10);

        Assert.Equal(CallState.Connected, caller.Last?.State);
        Assert.Equal([CallState.Connected], callee.Events.States);
        Assert.Contains(caller.Parties, p => p.Role == PartyRole.Connected && p.Party.Number == "202");
        Assert.Equal([1], x.OpenLines[1].Rings);
    }

    [Fact]
    public async Task Drop_ByCalledLine_DisconnectsCallerNormally()
    {
        await using var x = await StartOpenAsync(2);
        var (_, caller, callee) = await x.InternalCallAsync(answer: true);

        await callee.Call.DropAsync(Token);

        Assert.Equal(new CallStateEvent(CallState.Disconnected, DisconnectMode.Normal), caller.Last);
        Assert.Equal(CallState.Idle, callee.Events.Last?.State);
    }

    [Fact]
    public async Task Drop_ByCaller_DisconnectsCalledLineNormally()
    {
        await using var x = await StartOpenAsync(2);
        var (call, _, callee) = await x.InternalCallAsync(answer: true);

        await call.DropAsync(Token);

        Assert.Equal(new CallStateEvent(CallState.Disconnected, DisconnectMode.Normal), callee.Events.Last);
    }

    [Fact]
    public async Task Drop_OfOfferingCallByCalledLine_IsARejection()
    {
        await using var x = await StartOpenAsync(2);
        var (_, caller, callee) = await x.InternalCallAsync();

        await callee.Call.DropAsync(Token);
        x.Rings(10);

        Assert.Equal(new CallStateEvent(CallState.Disconnected, DisconnectMode.Reject), caller.Last);
        Assert.Equal([1], x.OpenLines[1].Rings);
    }

    [Theory]
    [InlineData("202")] // line 2 is closed
    [InlineData("201")] // the caller's own number
    public async Task CallToClosedLineOrOwnNumber_IsBusy(string number)
    {
        await using var x = await StartOpenAsync();

        var (_, caller) = await x.CallAsync(1, number);

        Assert.Equal([CallState.Dialing, CallState.Proceeding, CallState.Busy, CallState.Disconnected], caller.States);
        Assert.Equal(DisconnectMode.Busy, caller.Last?.Mode);
    }

    [Fact]
    public async Task Unanswered_AfterNoAnswerRings_CallerHearsNoAnswerAndCalledLineAHangUp()
    {
        await using var x = await StartOpenAsync(2);
        var (_, caller, callee) = await x.InternalCallAsync();

        x.Rings(5);

        Assert.Equal(new CallStateEvent(CallState.Disconnected, DisconnectMode.NoAnswer), caller.Last);
        Assert.Equal(new CallStateEvent(CallState.Disconnected, DisconnectMode.Normal), callee.Events.Last);
        Assert.Equal([1, 2, 3, 4, 5], x.OpenLines[1].Rings);
    }

    [Fact]
    public async Task Dial_OnConnectedInternalCall_DeliversDigitsToTheOtherSide()
    {
        await using var x = await StartOpenAsync(2);
        var (call, _, callee) = await x.InternalCallAsync(answer: true);

        await call.DialAsync("12#", Token);

        Assert.Equal("12#", callee.Events.Digits);
    }

    [Fact]
    public async Task CloseLine_WithConnectedInternalCall_DisconnectsTheOtherSideAndSilencesItsOwn()
    {
        await using var x = await StartOpenAsync(2);
        var (_, caller, _) = await x.InternalCallAsync(answer: true);
        var seen = x.OpenLines[1].TotalCount;

        await x.Line(2).CloseAsync(Token);

        Assert.Equal(new CallStateEvent(CallState.Disconnected, DisconnectMode.Normal), caller.Last);
        Assert.Equal(seen, x.OpenLines[1].TotalCount);
        Assert.False(x.Exchange.IsLineOpen("line-2"));
    }

    [Fact]
    public async Task RemoteHangUp_OfInternalCall_IsTheOtherLineDropping()
    {
        await using var x = await StartOpenAsync(2);
        var (call, caller, callee) = await x.InternalCallAsync(answer: true);

        x.Exchange.RemoteHangUp(call);

        Assert.Equal(CallState.Idle, callee.Events.Last?.State);
        Assert.Equal(new CallStateEvent(CallState.Disconnected, DisconnectMode.Normal), caller.Last);
    }

    [Fact]
    public async Task SinkThatAnswersInsideNewCall_GetsConnectedAfterNewCall_WithoutDeadlock()
    {
        await using var x = await StartOpenAsync();
        var callee = new AnsweringLineEvents();
        await x.Line(2).OpenAsync(callee, Token);

        var (_, caller) = await x.CallAsync(1, "202");

        Assert.Equal(CallState.Connected, caller.Last?.State);
        Assert.Equal([CallState.Connected], callee.CallEvents.States);
        Assert.Equal(0, callee.Rings);
    }

    /// <summary>A line sink that answers every new call from inside NewCall, as an eager host might.</summary>
    private sealed class AnsweringLineEvents : ILineEvents
    {
        public RecordingCallEvents CallEvents { get; } = new();

        public int Rings { get; private set; }

        public ICallEvents NewCall(IBackendCall call, NewCallInfo info)
        {
            var answering = call.AnswerAsync(CancellationToken.None);
            Assert.True(answering.IsCompletedSuccessfully);
            return CallEvents;
        }

        public void Ringing(int ringCount) => Rings++;

        public void ServiceChanged(bool inService)
        {
        }
    }
}
