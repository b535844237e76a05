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
    public async Task LiftingTheHandset_StartsACallInDialTone_AnnouncedWithLineNewCall_KeysDial_HangingUpDrops()
    {
        var backend = Backend();
        var dialled = new List<string>();
        backend.OnCallOperation = (name, _) =>
        {
            lock (dialled)
            {
                dialled.Add(name);
            }

            return ValueTask.CompletedTask;
        };
        await using var h = new EngineHarness(backend);
        await h.StartAsync();
        var (_, htLine) = await h.OpenLineAsync();
        await h.OpenPhoneAsync();
        var phone = h.Session.Phone(0);

        phone.Events!.HookSwitchChanged(HookSwitchDevices.Handset, HookSwitchMode.MicSpeaker);

        await Eventually.WaitAsync(() => h.Tapi.Records.OfType<NewCallRecord>().Any(n => n.HtLine == htLine), "LINE_NEWCALL for the handset's call");
        var newCall = h.Tapi.Records.OfType<NewCallRecord>().Single();
        await h.Tapi.WaitForCallStateAsync(newCall.HtCall, CallState.DialTone);
        foreach (var key in new[] { 5, 5, 5 })
        {
            phone.Events.ButtonChanged(key, PhoneButtonMode.Keypad, PhoneButtonState.Down);
            phone.Events.ButtonChanged(key, PhoneButtonMode.Keypad, PhoneButtonState.Up);
        }

        await h.Tapi.WaitForCallStateAsync(newCall.HtCall, CallState.Dialing);
        await Eventually.WaitAsync(() => { lock (dialled) { return dialled.Count(d => d == "dial") == 3; } }, "three digits dialled");
        phone.Events.HookSwitchChanged(HookSwitchDevices.Handset, HookSwitchMode.OnHook);
        await h.Tapi.WaitForCallStateAsync(newCall.HtCall, CallState.Idle);
        Assert.Equal(0, h.Engine.LineGetCallInfo(newCall.HdCall, out var info));
        Assert.Equal(CallOriginFlags.Outbound, info!.Origin);
    }

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
