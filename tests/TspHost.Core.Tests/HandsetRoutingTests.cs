using TspHost.Abstractions;
using TspHost.Core.Tapi;
using TspHost.Core.Tests.Fakes;
using TspHost.Testing;

namespace TspHost.Core.Tests;

/// <summary>A phone associated with a line works as its handset; the engine routes it (R8: handset-placed calls are backend-originated).</summary>
public sealed class HandsetRoutingTests
{
    private static FakeBackend Backend(string? associatedLine = "line-1")
    {
        var backend = new FakeBackend
        {
            PhoneCaps = new() { Name = "Handset", Features = PhoneFeatures.SetRing, RingModes = 1, AssociatedLineKey = associatedLine },
        };
        backend.OnMakeCall = (request, events, _) =>
        {
            events.StateChanged(request.Destination is null ? CallState.DialTone : CallState.Connected);
            return new ValueTask<IBackendCall>(new FakeCall(backend, "handset-call") { Events = events });
        };
        return backend;
    }

    [Fact, Trait("Rule", "R8")]
    public async Task LiftingTheHandset_StartsACallInDialTone_AnnouncedWithLineNewCall_HashDials_HangingUpDrops()
    {
        await using var h = new EngineHarness(Backend());

        var (phone, newCall) = await OpenBothAndLiftAsync(h);

        Assert.Equal(h.Engine.Session!.LineEntries[0].Open!.HtLine, newCall.HtLine);
        await h.Tapi.WaitForCallStateAsync(newCall.HtCall, CallState.DialTone);
        Press(phone, 5, 5, 5, 11); // 5 5 5 #

        await h.Tapi.WaitForCallStateAsync(newCall.HtCall, CallState.Dialing);
        var call = HandsetCall(h);
        Assert.Equal(["555"], call.Dialled); // en bloc, '#' not dialled
        phone.Events!.HookSwitchChanged(HookSwitchDevices.Handset, HookSwitchMode.OnHook);
        await h.Tapi.WaitForCallStateAsync(newCall.HtCall, CallState.Idle);
        Assert.Equal(0, h.Engine.LineGetCallInfo(newCall.HdCall, out var info));
        Assert.Equal(CallOriginFlags.Outbound, info!.Origin);
    }

    [Fact]
    public async Task HandsetDigits_AreDialledTogetherAfterAPause_ThenOneByOneOnceConnected()
    {
        await using var h = new EngineHarness(Backend());
        await h.StartAsync();
        await h.OpenLineAsync();
        await h.OpenPhoneAsync();
        var phone = h.Session.Phone(0);
        phone.Events!.HookSwitchChanged(HookSwitchDevices.Handset, HookSwitchMode.MicSpeaker);
        await Eventually.WaitAsync(() => h.Engine.Session!.LineEntries[0].Open!.Calls.Any(c => c.Backend is not null), "the handset's call");
        var call = HandsetCall(h);

        Press(phone, 2, 0);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Press(phone, 2);
        h.Time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Empty(call.Dialled); // still collecting: the pause restarts with every key
        h.Time.Advance(TimeSpan.FromSeconds(0.2));
        await Eventually.WaitAsync(() => call.Dialled.Count == 1, "the collected digits to be dialled");
        Assert.Equal("202", call.Dialled[0]);

        call.Events!.StateChanged(CallState.Connected);
        await Eventually.WaitAsync(() => h.Engine.LineGetCallStatus(h.Engine.Session!.LineEntries[0].Open!.Calls[0].HdCall, out var s) == 0 && s!.CallState == (uint)CallState.Connected, "CONNECTED");
        Press(phone, 10); // '*' during the call goes straight through
        await Eventually.WaitAsync(() => call.Dialled.Count == 2, "the digit sent during the call");
        Assert.Equal("*", call.Dialled[1]);
    }

    [Fact]
    public async Task HangingUpBeforeTheLineHasPlacedTheCall_DropsTheCallOnceItExists()
    {
        var backend = Backend();
        var placing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.OnMakeCall = async (_, events, _) =>
        {
            await placing.Task;
            events.StateChanged(CallState.DialTone);
            return new FakeCall(backend, "handset-call") { Events = events };
        };
        await using var h = new EngineHarness(backend);
        var (phone, newCall) = await OpenBothAndLiftAsync(h);

        phone.Events!.HookSwitchChanged(HookSwitchDevices.Handset, HookSwitchMode.OnHook);
        placing.SetResult();

        await h.Tapi.WaitForCallStateAsync(newCall.HtCall, CallState.Idle);
    }

    [Fact]
    public async Task HandsetUnpluggedDuringACall_TheCallIsDropped()
    {
        await using var h = new EngineHarness(Backend());
        var (_, newCall) = await OpenBothAndLiftAsync(h);
        await h.Tapi.WaitForCallStateAsync(newCall.HtCall, CallState.DialTone);

        h.Session.Events.PhoneDeparted(h.Session.Phones[0]);

        await h.Tapi.WaitForAsync(r => r is PhoneEventRecord { Message: PhoneMessage.Remove }, "PHONE_REMOVE");
        await h.Tapi.WaitForCallStateAsync(newCall.HtCall, CallState.Idle);
    }

    /// <summary>Starts TAPI's session, opens the line and the handset, lifts the handset; returns the call LINE_NEWCALL announced.</summary>
    private static async Task<(FakePhone Phone, NewCallRecord NewCall)> OpenBothAndLiftAsync(EngineHarness h)
    {
        await h.StartAsync();
        await h.OpenLineAsync();
        await h.OpenPhoneAsync();
        var phone = h.Session.Phone(0);
        phone.Events!.HookSwitchChanged(HookSwitchDevices.Handset, HookSwitchMode.MicSpeaker);
        await Eventually.WaitAsync(() => h.Tapi.Records.OfType<NewCallRecord>().Any(), "LINE_NEWCALL for the handset's call");
        return (phone, h.Tapi.Records.OfType<NewCallRecord>().Single());
    }

    private static void Press(FakePhone phone, params int[] keys)
    {
        foreach (var key in keys)
        {
            phone.Events!.ButtonChanged(key, PhoneButtonMode.Keypad, PhoneButtonState.Down);
            phone.Events.ButtonChanged(key, PhoneButtonMode.Keypad, PhoneButtonState.Up);
        }
    }

    private static FakeCall HandsetCall(EngineHarness h) => (FakeCall)h.Engine.Session!.LineEntries[0].Open!.Calls.Single().Backend!;

    [Fact]
    public async Task IncomingCall_RingsTheAssociatedHandset_LiftingItAnswersAndTheRingingStops()
    {
        await using var h = new EngineHarness(Backend());
        await h.StartAsync();
        await h.OpenLineAsync();
        var (_, htPhone) = await h.OpenPhoneAsync();
        var phone = h.Session.Phone(0);

        h.Session.Line(0).Ring("5551234", "Alice");

        await Eventually.WaitAsync(() => phone.Actions.Contains("ring 1 65535"), "the handset to ring");
        await Eventually.WaitAsync(() => h.Tapi.Records.OfType<NewCallRecord>().Any(), "LINE_NEWCALL");
        var newCall = h.Tapi.Records.OfType<NewCallRecord>().Single();
        phone.Events!.HookSwitchChanged(HookSwitchDevices.Handset, HookSwitchMode.MicSpeaker);

        await h.Tapi.WaitForCallStateAsync(newCall.HtCall, CallState.Connected);
        await Eventually.WaitAsync(() => phone.Actions.Contains("ring 0 65535"), "the ringing to stop");
        await h.Tapi.WaitForAsync(r => r is PhoneEventRecord { Message: PhoneMessage.State } e && e.HtPhone == htPhone && e.P1 == PhoneStateFlags.RingMode && e.P2 == 0, "PHONE_STATE RINGMODE 0");
        Assert.Single(h.Tapi.Records.OfType<NewCallRecord>()); // answered, not a second call
    }

    [Fact]
    public async Task PhoneWithoutAssociation_LiftingItStartsNoCall()
    {
        await using var h = new EngineHarness(Backend(associatedLine: null));
        await h.StartAsync();
        await h.OpenLineAsync();
        await h.OpenPhoneAsync();

        h.Session.Phone(0).Events!.HookSwitchChanged(HookSwitchDevices.Handset, HookSwitchMode.MicSpeaker);

        await h.Tapi.WaitForAsync(r => r is PhoneEventRecord { Message: PhoneMessage.State }, "PHONE_STATE for the hook switch");
        await h.Engine.LineCloseAsync(h.Engine.Session!.LineEntries[0].Open!.HdLine); // flushes the dispatcher
        Assert.DoesNotContain(h.Tapi.Records, r => r is NewCallRecord);
    }
}
