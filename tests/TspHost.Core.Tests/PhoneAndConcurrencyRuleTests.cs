using TspHost.Abstractions;
using TspHost.Core.Tapi;
using TspHost.Core.Tests.Fakes;
using TspHost.Core.Versions;

namespace TspHost.Core.Tests;

public sealed class PhoneAndConcurrencyRuleTests
{
    [Fact, Trait("Rule", "R7")]
    public async Task R7_LinesAndPhones_HaveTheirOwnOpenClose_InsideOneSession()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdPhone, htPhone) = await h.OpenPhoneAsync();
        var (hdLine, _) = await h.OpenLineAsync();

        Assert.Equal(0, await h.Engine.LineCloseAsync(hdLine));

        // The phone is unaffected by the line's close.
        var ring = h.Engine.PhoneSetRing(h.NextRequestId(), hdPhone, 2, 0x4000);
        Assert.Equal(0, await h.Tapi.CompletionAsync(ring));
        Assert.Equal(0, h.Engine.PhoneGetRing(hdPhone, out var mode, out var volume));
        Assert.Equal((2u, 0x4000u), (mode, volume));
        await h.Tapi.WaitForAsync(r => r is PhoneEventRecord { Message: PhoneMessage.State } e && e.HtPhone == htPhone && e.P1 == PhoneStateFlags.RingMode, "PHONE_STATE RINGMODE");
        Assert.Equal(PhoneErr.Allocated, (await h.Engine.PhoneOpenAsync(EngineHarness.PhoneBase, 0x1, TspiVersion.V3_0)).Result);
        Assert.Equal(0, await h.Engine.PhoneCloseAsync(hdPhone));
        Assert.Equal(PhoneErr.InvalPhoneHandle, h.Engine.PhoneGetRing(hdPhone, out _, out _));
    }

    [Fact, Trait("Rule", "R7")]
    public async Task R7_PhoneEvents_HookSwitchAndKeys_ReachTapiAndUpdateState()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdPhone, htPhone) = await h.OpenPhoneAsync();
        var phone = h.Session.Phone(0);

        phone.Events!.HookSwitchChanged(HookSwitchDevices.Handset, HookSwitchMode.MicSpeaker);
        phone.Events.ButtonChanged(5, PhoneButtonMode.Keypad, PhoneButtonState.Down);
        phone.Events.ButtonChanged(5, PhoneButtonMode.Keypad, PhoneButtonState.Up);

        await h.Tapi.WaitForAsync(r => r is PhoneEventRecord { Message: PhoneMessage.Button } e && e.P3 == (uint)PhoneButtonState.Up, "PHONE_BUTTON up");
        var events = h.Tapi.Records.OfType<PhoneEventRecord>().Where(e => e.HtPhone == htPhone).ToList();
        Assert.Equal(new PhoneEventRecord(htPhone, PhoneMessage.State, PhoneStateFlags.HandsetHookSwitch, (uint)HookSwitchMode.MicSpeaker, 0), events[0]);
        Assert.Equal(new PhoneEventRecord(htPhone, PhoneMessage.Button, 5, (uint)PhoneButtonMode.Keypad, (uint)PhoneButtonState.Down), events[1]);
        Assert.Equal(0, h.Engine.PhoneGetHookSwitch(hdPhone, out var offHook));
        Assert.Equal((uint)HookSwitchDevices.Handset, offHook);
    }

    [Fact, Trait("Rule", "R7")]
    public async Task R7_PhoneRequests_ValidateDevicesModesAndLamps()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdPhone, _) = await h.OpenPhoneAsync();

        Assert.Equal(PhoneErr.InvalHookSwitchDev, h.Engine.PhoneSetHookSwitch(h.NextRequestId(), hdPhone, (uint)HookSwitchDevices.Headset, (uint)HookSwitchMode.OnHook));
        Assert.Equal(PhoneErr.InvalHookSwitchMode, h.Engine.PhoneSetHookSwitch(h.NextRequestId(), hdPhone, (uint)HookSwitchDevices.Handset, 0x3));
        Assert.Equal(PhoneErr.InvalRingMode, h.Engine.PhoneSetRing(h.NextRequestId(), hdPhone, 9, 0));
        Assert.Equal(PhoneErr.InvalButtonLampId, h.Engine.PhoneSetLamp(h.NextRequestId(), hdPhone, 7, (uint)LampMode.Steady));
        Assert.Equal(PhoneErr.InvalLampMode, h.Engine.PhoneSetLamp(h.NextRequestId(), hdPhone, 1, 0x3));

        var hook = h.Engine.PhoneSetHookSwitch(h.NextRequestId(), hdPhone, (uint)HookSwitchDevices.Handset, (uint)HookSwitchMode.MicSpeaker);
        var lamp = h.Engine.PhoneSetLamp(h.NextRequestId(), hdPhone, 1, (uint)LampMode.Flash);
        Assert.Equal(0, await h.Tapi.CompletionAsync(hook));
        Assert.Equal(0, await h.Tapi.CompletionAsync(lamp));
        Assert.Equal(0, h.Engine.PhoneGetLamp(hdPhone, 1, out var lampMode));
        Assert.Equal((uint)LampMode.Flash, lampMode);
        Assert.Contains("hook Handset MicSpeaker", h.Session.Phone(0).Actions);
    }

    [Fact, Trait("Rule", "R3")]
    public async Task R3_OperationsFromManyThreadsAtOnce_EachRequestCompletesExactlyOnce()
    {
        await using var h = new EngineHarness(new FakeBackend { LineCount = 4, LineCaps = new() { Name = "L", Features = LineFeatures.All, MaxActiveCalls = 100 } });
        await h.StartAsync();
        var lines = new List<nint>();
        for (uint i = 0; i < 4; i++)
        {
            lines.Add((await h.OpenLineAsync(i)).HdLine);
        }

        var requestIds = new System.Collections.Concurrent.ConcurrentBag<int>();
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var n = 0; n < 25; n++)
            {
                var hdLine = lines[(t + n) % lines.Count];
                var id = h.Engine.LineMakeCall(h.NextRequestId(), hdLine, h.NextTapiHandle(), out var hdCall, $"555{n:0000}");
                if (id <= 0)
                {
                    errors.Add($"make call: 0x{id:X8}");
                    continue;
                }

                requestIds.Add(id);
                await h.Tapi.CompletionAsync(id);
                h.Engine.LineGetCallStatus(hdCall, out _);
                var drop = h.Engine.LineDrop(h.NextRequestId(), hdCall);
                if (drop <= 0)
                {
                    errors.Add($"drop: 0x{drop:X8}");
                    continue;
                }

                requestIds.Add(drop);
                await h.Tapi.CompletionAsync(drop);

                await h.Engine.LineCloseCallAsync(hdCall);
            }
        })).ToArray();

        await Task.WhenAll(threads).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Empty(errors);
        Assert.Equal(400, requestIds.Count); // 200 calls, each made and dropped
        Assert.All(requestIds, id => Assert.Equal(0, h.Tapi.CompletionsOf(id)[0].Result));
        Assert.All(requestIds, id => Assert.Single(h.Tapi.CompletionsOf(id)));
        Assert.Equal(0, h.Tapi.OverlappingCallbacks);
    }

    [Fact, Trait("Rule", "R3")]
    public async Task R3_CallbackMayCallBackIntoTheEngine_WithoutDeadlock()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var statuses = new List<int>();
        h.Tapi.OnLineEvent = e =>
        {
            if (e.Message == LineMessage.CallState)
            {
                foreach (var call in h.Engine.Session!.LineEntries[0].Open?.Calls.ToList() ?? [])
                {
                    statuses.Add(h.Engine.LineGetCallStatus(call.HdCall, out _));
                }
            }
        };

        await h.ConnectedCallAsync(hdLine);
        await h.Engine.LineCloseAsync(hdLine).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.Equal(0, s));
    }
}
