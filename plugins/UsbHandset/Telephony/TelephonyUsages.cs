using TspHost.Plugins.UsbHandset.Hid;

namespace TspHost.Plugins.UsbHandset.Telephony;

/// <summary>The usages this plugin understands (HID Usage Tables 1.12: Telephony page 0x0B, LED page 0x08).</summary>
public static class TelephonyUsages
{
    /// <summary>The LED page.</summary>
    public const ushort LedPage = 0x08;

    /// <summary>The Telephony Device page.</summary>
    public const ushort TelephonyPage = 0x0B;

    /// <summary>Telephony: Handset (a logical collection).</summary>
    public static readonly HidUsage Handset = new(TelephonyPage, 0x04);

    /// <summary>Telephony: Headset (an application or logical collection).</summary>
    public static readonly HidUsage Headset = new(TelephonyPage, 0x05);

    /// <summary>Telephony: Ringer.</summary>
    public static readonly HidUsage Ringer = new(TelephonyPage, 0x9E);

    /// <summary>The input control a usage stands for, if any.</summary>
    public static HandsetControl? InputControl(HidUsage usage)
    {
        if (usage.Page != TelephonyPage)
        {
            return null;
        }

        return usage.Id switch
        {
            0x20 => HandsetControl.HookSwitch,
            0x21 => HandsetControl.Flash,
            0x23 => HandsetControl.Hold,
            0x24 => HandsetControl.Redial,
            0x25 => HandsetControl.Transfer,
            0x26 => HandsetControl.Drop,
            0x2F => HandsetControl.PhoneMute,
            >= 0xB0 and <= 0xBB => (HandsetControl)(usage.Id - 0xB0),
            _ => null,
        };
    }

    /// <summary>The output indicator a usage stands for, if any.</summary>
    public static HandsetIndicators? OutputIndicator(HidUsage usage) => (usage.Page, usage.Id) switch
    {
        (LedPage, 0x17) => HandsetIndicators.OffHook,
        (LedPage, 0x18) => HandsetIndicators.Ring,
        (LedPage, 0x09) => HandsetIndicators.Mute,
        (LedPage, 0x20) => HandsetIndicators.Hold,
        (LedPage, 0x21) => HandsetIndicators.Microphone,
        (TelephonyPage, 0x9E) => HandsetIndicators.Ringer,
        _ => null,
    };
}

/// <summary>
/// An input control of a handset. The values 0-17 are the phone's button IDs: keypad digits 0-9,
/// <c>*</c> 10 and <c>#</c> 11 as TAPI numbers them, then the feature buttons.
/// </summary>
public enum HandsetControl
{
    /// <summary>Key 0.</summary>
    Key0 = 0,
    /// <summary>Key 1.</summary>
    Key1,
    /// <summary>Key 2.</summary>
    Key2,
    /// <summary>Key 3.</summary>
    Key3,
    /// <summary>Key 4.</summary>
    Key4,
    /// <summary>Key 5.</summary>
    Key5,
    /// <summary>Key 6.</summary>
    Key6,
    /// <summary>Key 7.</summary>
    Key7,
    /// <summary>Key 8.</summary>
    Key8,
    /// <summary>Key 9.</summary>
    Key9,
    /// <summary>Key <c>*</c>.</summary>
    KeyStar,
    /// <summary>Key <c>#</c>.</summary>
    KeyPound,
    /// <summary>Flash.</summary>
    Flash,
    /// <summary>Phone Mute (a state; reported as a feature button press too).</summary>
    PhoneMute,
    /// <summary>Redial.</summary>
    Redial,
    /// <summary>Hold.</summary>
    Hold,
    /// <summary>Transfer.</summary>
    Transfer,
    /// <summary>Drop.</summary>
    Drop,
    /// <summary>The hook switch (a state, not a button).</summary>
    HookSwitch,
}

/// <summary>The outputs a handset may have; a set of them is the whole output state.</summary>
[Flags]
public enum HandsetIndicators
{
    /// <summary>Everything off.</summary>
    None = 0,
    /// <summary>LED Off-Hook (0x08/0x17).</summary>
    OffHook = 1 << 0,
    /// <summary>LED Ring (0x08/0x18).</summary>
    Ring = 1 << 1,
    /// <summary>LED Mute (0x08/0x09).</summary>
    Mute = 1 << 2,
    /// <summary>LED Hold (0x08/0x20).</summary>
    Hold = 1 << 3,
    /// <summary>LED Microphone (0x08/0x21).</summary>
    Microphone = 1 << 4,
    /// <summary>The ringer (0x0B/0x9E).</summary>
    Ringer = 1 << 5,
}

/// <summary>
/// One thing a handset reported. For <see cref="HandsetControl.HookSwitch"/> <see cref="Active"/> means
/// off hook; for <see cref="HandsetControl.PhoneMute"/> it means muted; for every other control it means
/// the button went down (<c>false</c>: up).
/// </summary>
/// <param name="Control">The control.</param>
/// <param name="Active">The new state.</param>
public readonly record struct HandsetInput(HandsetControl Control, bool Active);
