using TspHost.Plugins.UsbHandset.Hid;
using TspHost.Plugins.UsbHandset.Telephony;

namespace TspHost.Plugins.UsbHandset.Tests;

public sealed class TelephonyReportMapTests
{
    private static TelephonyReportMap Map(byte[] descriptor, string? keyMap = null) =>
        TelephonyReportMap.Create(HidReportDescriptor.Parse(descriptor), keyMap is null ? null : HandsetKeyMap.Parse(keyMap));

    /// <summary>Feeds reports in order (hex, one per entry) and lists the inputs as text.</summary>
    private static string Feed(TelephonyReportMap map, params string[] reports)
    {
        var decoder = map.CreateDecoder();
        var offHook = false;
        var muted = false;
        var seen = new List<string>();
        foreach (var report in reports)
        {
            foreach (var input in decoder.Decode(Descriptors.Hex(report), offHook, muted))
            {
                if (input.Control == HandsetControl.HookSwitch)
                {
                    offHook = input.Active;
                    seen.Add(input.Active ? "offhook" : "onhook");
                }
                else if (input.Control == HandsetControl.PhoneMute)
                {
                    muted = input.Active;
                    seen.Add(input.Active ? "muted" : "unmuted");
                }
                else
                {
                    seen.Add($"{input.Control}{(input.Active ? "↓" : "↑")}");
                }
            }
        }

        return string.Join(' ', seen);
    }

    public static TheoryData<string, byte[], string[], string> InputTable => new()
    {
        // Absolute hook switch and mute: each change of the bit is an event, repeats are not.
        { "example: lift, mute, unmute, hang up", Descriptors.ExampleHeadset, ["01 01", "01 01", "01 03", "01 01", "01 00"], "offhook muted unmuted onhook" },
        { "example: unknown report ID ignored", Descriptors.ExampleHeadset, ["05 01", "01 00"], "" },
        // Relative (toggle) hook switch: each 1 flips the state, the 0 after it is nothing.
        { "JLab: toggle hook twice", Descriptors.JLabTelephony, ["0B 01", "0B 00", "0B 01", "0B 00"], "offhook onhook" },
        { "JLab: mute toggles", Descriptors.JLabTelephony, ["0B 02", "0B 00", "0B 02"], "muted unmuted" },
        // Relative buttons report no release: the up is synthesised.
        { "JLab: redial flash drop", Descriptors.JLabTelephony, ["0B 04", "0B 08", "0B 10"], "Redial↓ Redial↑ Flash↓ Flash↑ Drop↓ Drop↑" },
        // The Actions firmware flags its hook switch Constant; it is read anyway. Keypad value 12 is "none".
        { "Actions: hook in a constant field", Descriptors.ActionsPhone, ["07 01 60", "07 00 60"], "offhook onhook" },
        { "Actions: key 5 down and up", Descriptors.ActionsPhone, ["07 01 60", "07 01 28", "07 01 60"], "offhook Key5↓ Key5↑" },
        { "Actions: key # then * without release between", Descriptors.ActionsPhone, ["07 00 58", "07 00 50", "07 00 60"], "KeyPound↓ KeyPound↑ KeyStar↓ KeyStar↑" },
        { "Actions: relative mute and flash", Descriptors.ActionsPhone, ["07 00 62", "07 00 61"], "muted Flash↓ Flash↑" },
        { "usbzh: consumer collection carries redial and hook", Descriptors.UsbzhHeadsetKeys, ["01 00 01", "01 00 02", "01 00 00"], "Redial↓ Redial↑ offhook onhook" },
        { "plain handset without report IDs: lift, dial 1 2, hang up", Descriptors.PlainHandset, ["01", "05", "01", "07", "01", "00"], "offhook Key1↓ Key1↑ Key2↓ Key2↑ onhook" },
        { "empty report is nothing", Descriptors.ExampleHeadset, [""], "" },
        { "short report reads missing bits as 0", Descriptors.ActionsPhone, ["07 01"], "offhook Key0↓" },
    };

    [Theory]
    [MemberData(nameof(InputTable))]
    public void Decode_InputReports_YieldTelephonyInputs(string name, byte[] descriptor, string[] reports, string expected)
    {
        Assert.Equal(expected, Feed(Map(descriptor), reports));
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public void Decode_VendorReportsThroughKeyMap_YieldKeysHookAndMute()
    {
        // HP Internet Handset 03F0:1C07 codes, as recorded in the public repository arkygeek/voipHandset
        // (keyMappingRaw.py): two-byte reports, a press and a release code per key.
        var map = Map(Descriptors.Hex("06 00 FF 09 01 A1 01 15 00 26 FF 00 75 08 95 02 81 02 C0"),
            "0041=offhook, 0040=onhook, 0007=1, 0005=1 up, 002B=*, 0047=mute, 0037=redial");

        Assert.Equal("offhook Key1↓ Key1↑ KeyStar↓ KeyStar↑ muted Redial↓ Redial↑ onhook", Feed(map, "0041", "0007", "0005", "002B", "0047", "0037", "0040"));
    }

    public static TheoryData<string, byte[], HandsetIndicators, string> OutputTable => new()
    {
        { "example: all off", Descriptors.ExampleHeadset, HandsetIndicators.None, "02:00" },
        { "example: off hook", Descriptors.ExampleHeadset, HandsetIndicators.OffHook, "02:02" },
        { "example: mute off-hook ring", Descriptors.ExampleHeadset, HandsetIndicators.Mute | HandsetIndicators.OffHook | HandsetIndicators.Ring, "02:07" },
        { "example: hold has no LED", Descriptors.ExampleHeadset, HandsetIndicators.Hold, "02:00" },
        { "JLab: off-hook mute ring mic hold", Descriptors.JLabTelephony, HandsetIndicators.OffHook | HandsetIndicators.Mute | HandsetIndicators.Ring | HandsetIndicators.Microphone | HandsetIndicators.Hold, "0B:2F" },
        { "Actions: off hook", Descriptors.ActionsPhone, HandsetIndicators.OffHook, "07:0200" },
        { "Actions: ring and mute", Descriptors.ActionsPhone, HandsetIndicators.Ring | HandsetIndicators.Mute, "07:0440" },
        { "Actions: hold and microphone", Descriptors.ActionsPhone, HandsetIndicators.Hold | HandsetIndicators.Microphone, "07:8001" },
        { "plain: ringer and ring", Descriptors.PlainHandset, HandsetIndicators.Ring | HandsetIndicators.Ringer, "00:06" },
        { "usbzh: no outputs", Descriptors.UsbzhHeadsetKeys, HandsetIndicators.OffHook, "" },
    };

    [Theory]
    [MemberData(nameof(OutputTable))]
    public void Encode_State_RebuildsWholeOutputReports(string name, byte[] descriptor, HandsetIndicators state, string expected)
    {
        Assert.Equal(expected, string.Join(' ', Map(descriptor).Encode(state)));
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public void Create_TellsHeadsetsFromHandsetsAndListsWhatTheyHave()
    {
        var headset = Map(Descriptors.ExampleHeadset);
        var handset = Map(Descriptors.ActionsPhone);

        Assert.Equal(HandsetKind.Headset, headset.HookSwitchDevice);
        Assert.Equal(HandsetKind.Handset, handset.HookSwitchDevice);
        Assert.Equal(HandsetIndicators.Mute | HandsetIndicators.OffHook | HandsetIndicators.Ring, headset.Indicators);
        Assert.Contains(HandsetControl.Key9, handset.Controls);
        Assert.Empty(Map(Descriptors.JLabVendorCfu).Controls);
        Assert.Equal(HandsetIndicators.None, Map(Descriptors.JLabVendorCfu).Indicators);
    }

    [Theory]
    [InlineData("0041")]
    [InlineData("0041=")]
    [InlineData("041=1")]
    [InlineData("0041=11")]
    [InlineData("0041=offhook up")]
    [InlineData("0041=1 down")]
    [InlineData("zz=1")]
    public void ParseKeyMap_MalformedEntry_Throws(string text) =>
        Assert.Throws<FormatException>(() => HandsetKeyMap.Parse(text));
}
