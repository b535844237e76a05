using TspHost.Abstractions;
using TspHost.Conformance;
using TspHost.Testing;

namespace TspHost.Plugins.Simulated.Tests;

/// <summary>ResponseDelay: asynchronous requests wait out the delay on the session's clock, then act.</summary>
public sealed class ResponseDelayTests
{
    private static readonly TimeSpan s_delay = TimeSpan.FromMilliseconds(2000);
    private static readonly TimeSpan s_justBefore = s_delay - TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task ResponseDelay_IsZeroByDefault_AndRequestsCompleteAtOnce()
    {
        await using var x = await StartOpenAsync();

        var making = x.Line(1).MakeCallAsync(new MakeCallRequest { Destination = "5551000" }, new RecordingCallEvents(), Token);

        Assert.Equal(TimeSpan.Zero, x.Exchange.Options.ResponseDelay);
        Assert.True(making.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task ResponseDelay_MakeCall_ActsAndCompletesOnlyWhenTheDelayHasPassed()
    {
        await using var x = await StartOpenAsync(1, ("ResponseDelay", "2000"));
        var events = new RecordingCallEvents();

        var making = x.Line(1).MakeCallAsync(new MakeCallRequest { Destination = "5551000" }, events, Token).AsTask();
        x.Clock.Advance(s_justBefore);

        Assert.False(making.IsCompleted);
        Assert.Equal(0, events.Count);
        Assert.Empty(x.Exchange.GetCalls("line-1"));
        x.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var call = await making.WithTimeout("MakeCallAsync once the delay has passed");
        Assert.Equal([CallState.Dialing, CallState.Proceeding, CallState.Ringback], events.States);
        Assert.Equal(call, Assert.Single(x.Exchange.GetCalls("line-1")).Call);
    }

    [Fact]
    public async Task ResponseDelay_Answer_ConnectsOnlyWhenTheDelayHasPassed()
    {
        await using var x = await StartOpenAsync(1, ("ResponseDelay", "2000"), ("RingInterval", "60000"));
        x.Exchange.InjectIncomingCall("line-1", new PartyId { Number = "5551234", Name = "Alice" }); // the outside world is not delayed
        var offered = Assert.Single(x.OpenLines[0].NewCalls);

        var answering = offered.Call.AnswerAsync(Token).AsTask();
        x.Clock.Advance(s_justBefore);

        Assert.False(answering.IsCompleted);
        Assert.Equal(CallState.Offering, x.Exchange.GetCallState(offered.Call));
        x.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await answering.WaitAsync(Eventually.DefaultTimeout, Token);
        Assert.Equal(CallState.Connected, offered.Events.Last?.State);
    }

    [Fact]
    public async Task ResponseDelay_Drop_EndsTheCallOnlyWhenTheDelayHasPassed()
    {
        await using var x = await StartOpenAsync(1, ("ResponseDelay", "2000"), ("RingInterval", "60000"));
        var events = new RecordingCallEvents();
        var making = x.Line(1).MakeCallAsync(new MakeCallRequest { Destination = "5551000" }, events, Token).AsTask();
        x.Clock.Advance(s_delay);
        var call = await making.WithTimeout("MakeCallAsync once the delay has passed");

        var dropping = call.DropAsync(Token).AsTask();
        x.Clock.Advance(s_justBefore);

        Assert.False(dropping.IsCompleted);
        Assert.Equal(CallState.Ringback, events.Last?.State);
        x.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await dropping.WaitAsync(Eventually.DefaultTimeout, Token);
        Assert.Equal(CallState.Idle, events.Last?.State);
    }

    [Fact]
    public async Task ResponseDelay_PhoneSetRing_ChangesTheRingerOnlyWhenTheDelayHasPassed()
    {
        await using var x = await StartAsync(("ResponseDelay", "2000"));
        await x.OpenPhoneAsync(1);

        var ringing = x.Phone(1).SetRingAsync(2, 0x8000, Token).AsTask();
        x.Clock.Advance(s_justBefore);

        Assert.False(ringing.IsCompleted);
        Assert.False(x.Exchange.GetPhoneState("phone-1").IsRinging);
        x.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await ringing.WaitAsync(Eventually.DefaultTimeout, Token);
        Assert.Equal(2, x.Exchange.GetPhoneState("phone-1").RingMode);
    }

    [Fact]
    public async Task ResponseDelay_FailingRequest_FailsOnlyWhenTheDelayHasPassed()
    {
        await using var x = await StartOpenAsync(1, ("ResponseDelay", "2000"));

        var making = x.Line(1).MakeCallAsync(new MakeCallRequest { Destination = "555x" }, new RecordingCallEvents(), Token).AsTask();
        x.Clock.Advance(s_justBefore);

        Assert.False(making.IsCompleted);
        x.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await AssertFailsAsync(TelephonyError.InvalidAddress, () => making.WithTimeout("MakeCallAsync once the delay has passed"));
    }

    [Fact]
    public async Task ResponseDelay_DoesNotDelayOpenCloseOrRelease()
    {
        await using var x = await StartAsync(("ResponseDelay", "2000"));

        Assert.True(x.Line(1).OpenAsync(new RecordingLineEvents(), Token).IsCompletedSuccessfully);
        Assert.True(x.Phone(1).OpenAsync(new RecordingPhoneEvents(), Token).IsCompletedSuccessfully);
        var making = x.Line(1).MakeCallAsync(new MakeCallRequest { Destination = "5551000" }, new RecordingCallEvents(), Token).AsTask();
        x.Clock.Advance(s_delay);
        var call = await making.WithTimeout("MakeCallAsync once the delay has passed");
        Assert.True(call.ReleaseAsync(Token).IsCompletedSuccessfully);
        Assert.True(x.Phone(1).CloseAsync(Token).IsCompletedSuccessfully);
        Assert.True(x.Line(1).CloseAsync(Token).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task ResponseDelay_TokenCancelledDuringTheDelay_CancelsTheRequest_WithNothingChanged()
    {
        await using var x = await StartOpenAsync(1, ("ResponseDelay", "2000"));
        using var cancel = new CancellationTokenSource();
        var events = new RecordingCallEvents();

        var making = x.Line(1).MakeCallAsync(new MakeCallRequest { Destination = "5551000" }, events, cancel.Token).AsTask();
        x.Clock.Advance(TimeSpan.FromMilliseconds(500));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => making.WithTimeout("MakeCallAsync after its token was cancelled"));
        x.Clock.Advance(s_delay);
        Assert.Equal(0, events.Count);
        Assert.Empty(x.Exchange.GetCalls("line-1"));
    }

    [Fact]
    public async Task ResponseDelay_SessionEndingDuringTheDelay_FailsTheRequestAtOnce()
    {
        var x = await StartOpenAsync(1, ("ResponseDelay", "2000"));
        var events = new RecordingCallEvents();
        var making = x.Line(1).MakeCallAsync(new MakeCallRequest { Destination = "5551000" }, events, Token).AsTask();

        await x.DisposeAsync();

        await AssertFailsAsync(TelephonyError.NoDevice, () => making.WithTimeout("MakeCallAsync after the session ended"));
        Assert.Equal(0, x.Clock.ArmedTimers);
        Assert.Equal(0, events.Count);
    }
}
