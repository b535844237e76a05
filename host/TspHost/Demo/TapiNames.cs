using System.Globalization;
using TspHost.Abstractions;
using TspHost.Core.Tapi;

namespace TspHost.Demo;

/// <summary>TAPI's names for the numbers in a trace, as TAPI Browser prints them.</summary>
internal static class TapiNames
{
    private static readonly Dictionary<int, string> s_lineErrors = Names(typeof(LineErr), "LINEERR_");
    private static readonly Dictionary<int, string> s_phoneErrors = Names(typeof(PhoneErr), "PHONEERR_");

    public static string Result(int result) => result switch
    {
        0 => "0 (success)",
        > 0 => string.Create(CultureInfo.InvariantCulture, $"{result} (request ID)"),
        _ when s_lineErrors.TryGetValue(result, out var name) => $"{name} (0x{result:X8})",
        _ when s_phoneErrors.TryGetValue(result, out var name) => $"{name} (0x{result:X8})",
        _ => $"0x{result:X8}",
    };

    public static string CallState(nuint state) => Enum.IsDefined(typeof(CallState), (int)state)
        ? "LINECALLSTATE_" + ((CallState)(int)state).ToString().ToUpperInvariant()
        : $"0x{state:X}";

    public static string Version(uint version) => string.Create(CultureInfo.InvariantCulture, $"{version >> 16}.{version & 0xFFFF}");

    public static string Handle(nint handle) => $"0x{handle:X}";

    public static string LineEvent(LineMessage message, nuint p1, nuint p2, nuint p3) => message switch
    {
        LineMessage.CallState => $"LINE_CALLSTATE     {CallState(p1)}{(p2 != 0 ? $" mode 0x{p2:X}" : "")}",
        LineMessage.CallInfo => $"LINE_CALLINFO      {CallInfoFlags(p1)}",
        LineMessage.LineDevState => $"LINE_LINEDEVSTATE  {LineDevStateName(p1)}{(p1 == LineDevState.Ringing ? $" ring {p3}" : "")}",
        LineMessage.Create => $"LINE_CREATE        temporary ID {p2}",
        LineMessage.Remove => $"LINE_REMOVE        device {p1}",
        LineMessage.Close => "LINE_CLOSE",
        LineMessage.MonitorDigits => $"LINE_MONITORDIGITS '{(char)p1}'",
        _ => $"LINE message {(uint)message} ({p1}, {p2}, {p3})",
    };

    public static string PhoneEvent(PhoneMessage message, nuint p1, nuint p2, nuint p3) => message switch
    {
        PhoneMessage.State when p1 == PhoneStateFlags.HandsetHookSwitch => $"PHONE_STATE        HANDSETHOOKSWITCH {HookSwitch(p2)}",
        PhoneMessage.State when p1 == PhoneStateFlags.SpeakerHookSwitch => $"PHONE_STATE        SPEAKERHOOKSWITCH {HookSwitch(p2)}",
        PhoneMessage.State when p1 == PhoneStateFlags.RingMode => $"PHONE_STATE        RINGMODE {p2}",
        PhoneMessage.State when p1 == PhoneStateFlags.Lamp => $"PHONE_STATE        LAMP {p2}",
        PhoneMessage.State when p1 == PhoneStateFlags.Reinit => "PHONE_STATE        PHONESTATE_REINIT",
        PhoneMessage.State => $"PHONE_STATE        0x{p1:X}",
        PhoneMessage.Button => $"PHONE_BUTTON       {Button(p1)} {(p3 == (uint)PhoneButtonState.Down ? "down" : "up")}",
        _ => $"PHONE message {(uint)message} ({p1}, {p2}, {p3})",
    };

    private static string Button(nuint id) => id switch
    {
        < 10 => $"'{(char)('0' + (int)id)}'",
        10 => "'*'",
        11 => "'#'",
        _ => $"button {id}",
    };

    private static string HookSwitch(nuint mode) => ((HookSwitchMode)(int)mode).ToString().ToUpperInvariant();

    private static string LineDevStateName(nuint state) => state switch
    {
        LineDevState.Ringing => "RINGING",
        LineDevState.InService => "INSERVICE",
        LineDevState.OutOfService => "OUTOFSERVICE",
        LineDevState.Reinit => "LINEDEVSTATE_REINIT",
        _ => $"0x{state:X}",
    };

    private static string CallInfoFlags(nuint flags) => flags switch
    {
        CallInfoState.CallerId => "CALLERID",
        CallInfoState.CalledId => "CALLEDID",
        CallInfoState.ConnectedId => "CONNECTEDID",
        CallInfoState.MediaMode => "MEDIAMODE",
        _ => $"0x{flags:X}",
    };

    private static Dictionary<int, string> Names(Type type, string prefix) =>
        type.GetFields().Where(f => f.IsLiteral).ToDictionary(f => (int)f.GetRawConstantValue()!, f => prefix + f.Name.ToUpperInvariant());
}
