using TspHost.Abstractions;
using TspHost.Conformance;

namespace TspHost.Plugins.Simulated.Tests;

public sealed class IncomingCallTests
{
    [Fact]
    public async Task InjectIncomingCall_AnnouncesOfferingWithCaller_AndRingsEveryInterval()
    {
        await using var x = await StartOpenAsync();
        var alice = new PartyId { Number = "5551234", Name = "Alice" };

        var call = x.Exchange.InjectIncomingCall("line-1", alice);
        x.Rings(3);

        var announced = Assert.Single(x.OpenLines[0].NewCalls);
        Assert.Same(call, announced.Call);
        Assert.Equal(new NewCallInfo { InitialState = CallState.Offering, Origin = CallOrigin.Inbound, MediaMode = MediaModes.InteractiveVoice, Caller = alice }, announced.Info);
        Assert.Equal([1, 2, 3, 4], x.OpenLines[0].Rings);
        Assert.Equal(CallState.Offering, x.Exchange.GetCallState(call));
    }

    [Fact]
    public async Task InjectedCall_Answered_IsConnected_AndRemoteHangUpDisconnectsItNormally()
    {
        await using var x = await StartOpenAsync();
        var call = x.Exchange.InjectIncomingCall("line-1", new PartyId { Number = "5551234" });
        await call.AnswerAsync(Token);
        var events = x.OpenLines[0].NewCalls[0].Events;

        x.Exchange.RemoteHangUp(call);

        Assert.Equal([CallState.Connected, CallState.Disconnected], events.States);
        Assert.Equal(DisconnectMode.Normal, events.Last?.Mode);
        await call.DropAsync(Token);
        Assert.Equal(CallState.Idle, events.Last?.State);
    }

    [Fact]
    public async Task InjectedCall_Unanswered_CallerGivesUpAfterNoAnswerRings()
    {
        await using var x = await StartOpenAsync();
        x.Exchange.InjectIncomingCall("line-1", new PartyId { Number = null, Name = null, Availability = PartyAvailability.Blocked });

        x.Rings(5);

        Assert.Equal(new CallStateEvent(CallState.Disconnected, DisconnectMode.Normal), x.OpenLines[0].NewCalls[0].Events.Last);
        Assert.Equal(5, x.OpenLines[0].Rings.Count);
    }

    [Fact]
    public async Task InjectIncomingCall_OnClosedLine_Throws()
    {
        await using var x = await StartAsync();

        Assert.Throws<InvalidOperationException>(() => x.Exchange.InjectIncomingCall("line-1", new PartyId { Number = "5551234" }));
    }

    [Fact]
    public async Task InjectIncomingCall_OnUnknownLine_ThrowsNamingTheLines()
    {
        await using var x = await StartAsync();

        var error = Assert.Throws<ArgumentException>(() => x.Exchange.InjectIncomingCall("line-7", new PartyId { Number = "5551234" }));

        Assert.Contains("line-1, line-2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoteHangUp_OfIdleCall_Throws()
    {
        await using var x = await StartOpenAsync();
        var (call, _) = await x.CallAsync(1, null);

        Assert.Throws<InvalidOperationException>(() => x.Exchange.RemoteHangUp(call));
    }

    [Fact]
    public async Task Script_RingsEachLineAtItsTime_WithTheScriptedCaller()
    {
        await using var x = await StartOpenAsync(2, ("IncomingCalls", "3000:line-1:5551234:Alice; 8000:line-2:P"));

        x.Clock.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.Empty(x.OpenLines[0].NewCalls);
        x.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(new PartyId { Number = "5551234", Name = "Alice" }, Assert.Single(x.OpenLines[0].NewCalls).Info.Caller);
        Assert.Empty(x.OpenLines[1].NewCalls);
        x.Clock.Advance(TimeSpan.FromMilliseconds(5000));

        Assert.Equal(new PartyId { Number = null, Name = null, Availability = PartyAvailability.Blocked }, Assert.Single(x.OpenLines[1].NewCalls).Info.Caller);
    }

    [Fact]
    public async Task Script_ForLineThatIsNotOpen_SkipsTheCallWithAWarning()
    {
        await using var x = await StartOpenAsync(1, ("IncomingCalls", "100:line-2:5551234"));

        x.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Contains(x.Log.Events, e => e.Level == BackendLogLevel.Warning && e.Message.Contains("line-2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Script_AfterSessionEnded_RaisesNothing()
    {
        var x = await StartOpenAsync(1, ("IncomingCalls", "100:line-1:5551234"));
        await x.DisposeAsync();

        x.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0, x.OpenLines[0].TotalCount);
    }

    [Theory]
    [InlineData("0:line-2:O:Bob", 0, "line-2", null, "Bob", PartyAvailability.OutOfArea)]
    [InlineData(" 1500 : line-1 : +1 (555) 123-4567 ", 1500, "line-1", "15551234567", null, PartyAvailability.Available)]
    [InlineData("10:line-1:555:Smith: John", 10, "line-1", "555", "Smith: John", PartyAvailability.Available)]
    [InlineData("10:line-1:p", 10, "line-1", null, null, PartyAvailability.Blocked)]
    public void ScriptParse_ValidEntry_GivesTheScheduledCall(string script, int delayMs, string line, string? number, string? name, PartyAvailability availability)
    {
        var calls = IncomingCallScript.Parse(Settings(("IncomingCalls", script)), "IncomingCalls", lines: 2);

        Assert.Equal(new ScriptedIncomingCall(TimeSpan.FromMilliseconds(delayMs), line, new PartyId { Number = number, Name = name, Availability = availability }), Assert.Single(calls));
    }

    [Fact]
    public void ScriptParse_EmptyEntries_AreIgnored()
    {
        var calls = IncomingCallScript.Parse(Settings(("IncomingCalls", " ; 1:line-1:555 ;; ")), "IncomingCalls", lines: 2);

        Assert.Single(calls);
    }

    [Theory]
    [InlineData("abc:line-1:5551234", "entry 2", "delay 'abc'")]
    [InlineData("-5:line-1:5551234", "entry 2", "delay '-5'")]
    [InlineData("100:line-3:5551234", "entry 2", "no line 'line-3'")]
    [InlineData("100:phone-1:5551234", "entry 2", "no line 'phone-1'")]
    [InlineData("100:line-1", "entry 2", "at least a delay, a line and a number")]
    [InlineData("100:line-1:55x5", "entry 2", "number '55x5'")]
    [InlineData("100:line-1:", "entry 2", "number ''")]
    public void ScriptParse_BadEntry_FailsNamingTheKeyTheEntryAndTheProblem(string badEntry, string entryName, string problem)
    {
        var settings = Settings(("IncomingCalls", $"1000:line-1:5551111; {badEntry}"));

        var error = Assert.Throws<BackendConfigurationException>(() => IncomingCallScript.Parse(settings, "IncomingCalls", lines: 2));

        Assert.Equal("Plugins:Simulated:IncomingCalls", error.Key);
        Assert.Equal(badEntry, error.ActualValue);
        Assert.Contains(entryName, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
