using TspHost.Abstractions;
using TspHost.Conformance;

namespace TspHost.Plugins.Simulated.Tests;

public sealed class PhoneTests
{
    [Fact]
    public async Task LiftAndReplaceHandset_RaiseHookSwitchChanges_OncePerChange()
    {
        await using var x = await StartAsync();
        var events = await x.OpenPhoneAsync(1);

        x.Exchange.LiftHandset("phone-1");
        Assert.True(x.Exchange.GetPhoneState("phone-1").IsOffHook);
        x.Exchange.LiftHandset("phone-1");
        x.Exchange.ReplaceHandset("phone-1");

        Assert.Equal(
            [new HookSwitchEvent(HookSwitchDevices.Handset, HookSwitchMode.MicSpeaker), new HookSwitchEvent(HookSwitchDevices.Handset, HookSwitchMode.OnHook)],
            events.HookSwitches);
        Assert.False(x.Exchange.GetPhoneState("phone-1").IsOffHook);
    }

    [Fact]
    public async Task PressKeys_RaiseDownThenUpPerKey_WithKeypadButtonIds()
    {
        await using var x = await StartAsync();
        var events = await x.OpenPhoneAsync(2);

        x.Exchange.PressKeys("phone-2", "*#0");

        Assert.Equal(
            [
                new PhoneButtonEvent(10, PhoneButtonMode.Keypad, PhoneButtonState.Down), new PhoneButtonEvent(10, PhoneButtonMode.Keypad, PhoneButtonState.Up),
                new PhoneButtonEvent(11, PhoneButtonMode.Keypad, PhoneButtonState.Down), new PhoneButtonEvent(11, PhoneButtonMode.Keypad, PhoneButtonState.Up),
                new PhoneButtonEvent(0, PhoneButtonMode.Keypad, PhoneButtonState.Down), new PhoneButtonEvent(0, PhoneButtonMode.Keypad, PhoneButtonState.Up),
            ],
            events.Buttons);
    }

    [Fact]
    public async Task PressKey_ThatIsNotOnTheKeypad_Throws()
    {
        await using var x = await StartAsync();

        Assert.Throws<ArgumentOutOfRangeException>(() => x.Exchange.PressKey("phone-1", 'A'));
    }

    [Fact]
    public async Task PersonActions_AtClosedPhone_RaiseNothing_ButChangeTheHookState()
    {
        await using var x = await StartAsync();
        var events = await x.OpenPhoneAsync(1);
        await x.Phone(1).CloseAsync(Token);

        x.Exchange.LiftHandset("phone-1");
        x.Exchange.PressKey("phone-1", '1');

        Assert.Equal(0, events.Count);
        Assert.True(x.Exchange.GetPhoneState("phone-1").IsOffHook);
        Assert.False(x.Exchange.GetPhoneState("phone-1").IsOpen);
    }

    [Fact]
    public async Task SetRingLampAndHookSwitch_AreVisibleInThePhoneState()
    {
        await using var x = await StartAsync();
        await x.OpenPhoneAsync(1);
        var phone = x.Phone(1);

        await phone.SetRingAsync(3, 40000, Token);
        await phone.SetLampAsync(1, LampMode.Flash, Token);
        await phone.SetHookSwitchAsync(HookSwitchDevices.Speaker, HookSwitchMode.MicSpeaker, Token);

        var state = x.Exchange.GetPhoneState("phone-1");
        Assert.True(state.IsRinging);
        Assert.Equal((3, 40000), (state.RingMode, state.RingVolume));
        Assert.Equal([LampMode.Off, LampMode.Flash], state.Lamps);
        Assert.Equal(HookSwitchMode.MicSpeaker, state.Speaker);
        Assert.Equal(HookSwitchMode.OnHook, state.Handset);
    }

    [Fact]
    public async Task SetHookSwitch_ByTheHost_RaisesNoHookSwitchEvent()
    {
        await using var x = await StartAsync();
        var events = await x.OpenPhoneAsync(1);

        await x.Phone(1).SetHookSwitchAsync(HookSwitchDevices.Handset, HookSwitchMode.MicSpeaker, Token);

        Assert.Equal(0, events.Count);
        Assert.True(x.Exchange.GetPhoneState("phone-1").IsOffHook);
    }

    public static TheoryData<string, Func<IPhoneDevice, ValueTask>> InvalidPhoneRequests => new()
    {
        { "ring mode 4", p => p.SetRingAsync(4, 0, CancellationToken.None) },
        { "ring mode -1", p => p.SetRingAsync(-1, 0, CancellationToken.None) },
        { "volume 65536", p => p.SetRingAsync(1, 65536, CancellationToken.None) },
        { "lamp 2", p => p.SetLampAsync(2, LampMode.Steady, CancellationToken.None) },
        { "lamp mode 0", p => p.SetLampAsync(0, 0, CancellationToken.None) },
        { "headset", p => p.SetHookSwitchAsync(HookSwitchDevices.Headset, HookSwitchMode.OnHook, CancellationToken.None) },
        { "no device", p => p.SetHookSwitchAsync(HookSwitchDevices.None, HookSwitchMode.OnHook, CancellationToken.None) },
        { "two modes", p => p.SetHookSwitchAsync(HookSwitchDevices.Handset, HookSwitchMode.OnHook | HookSwitchMode.Mic, CancellationToken.None) },
    };

    [Theory]
    [MemberData(nameof(InvalidPhoneRequests))]
    public async Task PhoneRequest_OutOfRange_FailsInvalidParameter(string what, Func<IPhoneDevice, ValueTask> request)
    {
        await using var x = await StartAsync();
        await x.OpenPhoneAsync(1);

        var error = await AssertFailsAsync(TelephonyError.InvalidParameter, async () => await request(x.Phone(1)));

        Assert.False(string.IsNullOrEmpty(error.Message), what);
    }

    [Fact]
    public async Task PhoneRequest_OnClosedPhone_FailsOperationFailed()
    {
        await using var x = await StartAsync();

        await AssertFailsAsync(TelephonyError.OperationFailed, async () => await x.Phone(1).SetRingAsync(1, 100, Token));
    }

    [Fact]
    public async Task Open_OfAlreadyOpenPhone_FailsAllocated()
    {
        await using var x = await StartAsync();
        await x.OpenPhoneAsync(1);

        await AssertFailsAsync(TelephonyError.Allocated, async () => await x.OpenPhoneAsync(1));
    }

    [Fact]
    public async Task Phones_AreAssociatedWithTheLineOfTheirNumber_ExtraPhonesWithNone()
    {
        await using var x = await StartAsync(("Lines", "2"), ("Phones", "3"));

        Assert.Equal(["line-1", "line-2", null], x.Session.Phones.Select(p => p.Capabilities.AssociatedLineKey));
        Assert.Equal(["phone-1", "phone-2", "phone-3"], x.Exchange.PhoneKeys);
        Assert.All(x.Session.Phones, p => Assert.Equal((3, 2, 12), (p.Capabilities.RingModes, p.Capabilities.LampCount, p.Capabilities.ButtonCount)));
    }

    [Fact]
    public async Task GetPhoneState_OfUnknownPhone_Throws()
    {
        await using var x = await StartAsync(("Phones", "0"));

        var error = Assert.Throws<ArgumentException>(() => x.Exchange.GetPhoneState("phone-1"));

        Assert.Contains("none", error.Message, StringComparison.Ordinal);
    }
}
