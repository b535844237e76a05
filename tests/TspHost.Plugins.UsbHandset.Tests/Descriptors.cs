namespace TspHost.Plugins.UsbHandset.Tests;

/// <summary>Report descriptors of real telephony devices, from public sources named beside each.</summary>
internal static class Descriptors
{
    /// <summary>The example headset of TSPI-FACTS.md: input report 1 Hook Switch and Phone Mute; output report 2 LEDs Mute, Off-Hook, Ring.</summary>
    public static readonly byte[] ExampleHeadset = Hex(
        "05 0B 09 05 A1 01 85 01 15 00 25 01 09 20 09 2F 75 01 95 02 81 02 95 06 81 03 85 02 05 08 09 09 09 17 09 18 95 03 91 02 95 05 91 03 C0");

    /// <summary>
    /// JLab JH5003 earphone firmware (Realtek RWS SDK), public repository wolaite2024/jlab-jh5003-earphone,
    /// src/sample/rws/app_hid_descriptor.h, TELEPHONY_HID_DESC_ATTRIB: a Teams headset with report ID 0x0B,
    /// relative (toggle) Hook Switch and Phone Mute, Redial/Flash/Drop, and LEDs in an output report of the same ID.
    /// </summary>
    public static readonly byte[] JLabTelephony = Hex(
        "05 0B 09 05 A1 01 85 0B 15 00 25 01 75 01 09 20 95 01 81 06 09 2F 95 01 81 06 09 24 09 21 09 26 95 03 81 06 " +
        "09 07 05 09 09 01 75 01 95 01 81 02 95 02 81 01 05 08 15 00 25 01 09 17 09 09 09 18 09 21 09 2A 09 20 " +
        "75 01 95 06 91 22 75 01 95 02 91 01 C0");

    /// <summary>
    /// The same firmware's vendor-defined Component Firmware Update collection (page 0xFF0B, APP_CFU_HID_DESC_ATTRIB):
    /// a 16-bit usage page and usage, 32-bit signed logical range, two-byte main item data (buffered bytes), usage ranges.
    /// </summary>
    public static readonly byte[] JLabVendorCfu = Hex(
        "06 0B FF 0A 04 01 A1 01 15 00 25 FF 75 08 95 3C 85 2A 09 60 82 02 01 09 61 92 02 01 09 62 B2 02 01 " +
        "85 2B 09 65 B2 02 01 17 00 00 00 80 27 FF FF FF 7F 75 20 95 04 85 2C 19 66 29 69 81 02 " +
        "85 2D 19 8A 29 8D 81 02 19 8E 29 91 91 02 C0");

    /// <summary>
    /// Actions Corporation USB audio firmware (Apache-2.0, usb_hid_inner.h with TELEPHONE_REPORT_ID1 = 7): a
    /// consumer collection, a Telephony Phone collection (report 7: Hook Switch and Line Busy Tone flagged
    /// Constant, relative Flash/Mute/Speed Dial, a Telephony Key Pad array 0-9 * # in a nested logical collection,
    /// 15 LEDs out) and two vendor-defined collections (pages 0xFF90 and 0xFF82, 63-byte reports).
    /// </summary>
    public static readonly byte[] ActionsPhone = Hex(
        "05 0C 09 01 A1 01 85 06 15 00 25 01 09 E9 09 EA 09 E2 09 CD 09 B5 09 B6 09 B1 09 B7 75 01 95 08 81 42 75 01 95 08 81 03 C0 " +
        "05 0B 09 01 A1 01 85 07 15 00 25 01 09 20 09 97 75 01 95 02 81 23 75 06 95 01 81 03 " +
        "09 21 09 2F 09 50 75 01 95 03 81 07 09 06 A1 02 19 B0 29 BB 15 00 25 0C 75 04 95 01 81 40 C0 " +
        "09 07 05 09 75 01 95 01 81 02 05 08 15 00 25 01 09 08 09 17 09 18 09 19 09 1A 09 1E 09 1F 09 20 09 21 09 22 09 23 09 24 " +
        "09 25 09 26 09 09 75 01 95 0F 91 02 75 01 95 01 91 03 C0 " +
        "06 90 FF 09 01 A1 01 09 03 85 55 15 00 26 FF 00 75 08 95 3F 82 02 01 09 04 15 00 25 01 75 08 95 3F 91 01 C0 " +
        "06 82 FF 09 01 A1 01 09 03 85 41 15 00 26 FF 00 75 08 95 3F 81 02 09 04 15 00 26 FF 00 75 08 95 3F 91 02 C0");

    /// <summary>
    /// A USB headset's volume keys as dumped on usbzh.com (article detail-596, "耳机音量按键HID报告描述符"): a
    /// Consumer application collection (report 1) that also carries Telephony Redial, Hook Switch and a relative
    /// Phone Mute; there is no Telephony application collection.
    /// </summary>
    public static readonly byte[] UsbzhHeadsetKeys = Hex(
        "05 0c 09 01 a1 01 85 01 15 00 25 01 75 01 95 01 09 e9 81 02 09 ea 81 02 09 cd 81 02 09 b5 81 02 09 b6 81 02 " +
        "09 b7 81 02 09 b3 81 02 09 b4 81 02 05 0b 09 24 81 02 09 20 81 02 09 2f 81 06 95 05 81 01 c0");

    /// <summary>
    /// CircuitPython's usb_hid telephony headset example (TELEPHONY_REPORT_DESCRIPTOR, public sample code):
    /// report 1 in (Hook Switch, Phone Mute), report 2 out (Mute, Off-Hook, Ring), logical maximum before minimum.
    /// </summary>
    public static readonly byte[] CircuitPythonHeadset = Hex(
        "05 0b 09 05 a1 01 85 01 25 01 15 00 09 20 09 2f 75 01 95 02 81 02 95 06 81 03 85 02 05 08 09 09 09 17 09 18 " +
        "95 03 91 02 95 05 91 03 c0");

    /// <summary>A handset without report IDs and with a keypad array, Push/Pop and an extended usage (hand-made).</summary>
    public static readonly byte[] PlainHandset = Hex(
        "05 0B 09 01 A1 01 09 04 A1 02 A4 15 00 25 01 75 01 95 01 09 20 81 02 B4 " +
        "15 01 25 0C 75 04 95 01 09 06 A1 02 19 B0 29 BB 81 00 C0 75 03 95 01 81 03 " +
        "0B 17 00 08 00 0B 18 00 08 00 0B 9E 00 0B 00 15 00 25 01 75 01 95 03 91 02 95 05 91 03 C0 C0");

    public static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", "", StringComparison.Ordinal));
}
