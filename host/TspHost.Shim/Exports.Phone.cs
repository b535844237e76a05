using System.Runtime.InteropServices;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Shim;

internal static unsafe partial class Exports
{
    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneNegotiateTSPIVersion")]
    public static int PhoneNegotiateTspiVersion(uint dwDeviceID, uint dwLowVersion, uint dwHighVersion, uint* lpdwTSPIVersion) => Guard(PhoneErrOperationFailed, () =>
    {
        if (!HostLink.Call(new PhoneNegotiateTspiVersionRequest { DeviceId = dwDeviceID, LowVersion = dwLowVersion, HighVersion = dwHighVersion }, out TspiVersionReply reply))
        {
            return PhoneErrOperationFailed;
        }

        Store(lpdwTSPIVersion, reply.Version);
        return reply.Result;
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneOpen")]
    public static int PhoneOpen(uint dwDeviceID, nint htPhone, nint* lphdPhone, uint dwTSPIVersion, nint lpfnEventProc) => Guard(PhoneErrOperationFailed, () =>
        HostLink.Call(new PhoneOpenRequest { DeviceId = dwDeviceID, HtPhone = htPhone, TspiVersion = dwTSPIVersion }, out PhoneOpenReply reply)
            ? Opened(phone: true, reply.Result, reply.HdPhone, htPhone, lphdPhone, lpfnEventProc)
            : PhoneErrOperationFailed);

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneClose")]
    public static int PhoneClose(nint hdPhone) => Guard(0, () => Close(hdPhone, new PhoneCloseRequest { HdPhone = hdPhone })); // should always succeed

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneGetDevCaps")]
    public static int PhoneGetDevCaps(uint dwDeviceID, uint dwTSPIVersion, uint dwExtVersion, PhoneCaps* lpPhoneCaps) => Guard(PhoneErrOperationFailed, () =>
        Fill(lpPhoneCaps, PhoneCaps.FixedSize(dwTSPIVersion), PhoneErrStructureTooSmall, PhoneErrOperationFailed,
            new PhoneGetDevCapsRequest { DeviceId = dwDeviceID, TspiVersion = dwTSPIVersion, ExtVersion = dwExtVersion },
            (in PhoneGetDevCapsReply r, ref VarStructWriter writer) =>
            {
                var c = lpPhoneCaps;
                writer.String(r.ProviderInfo, &c->ProviderInfoSize, &c->ProviderInfoOffset);
                writer.String(r.PhoneInfo, &c->PhoneInfoSize, &c->PhoneInfoOffset);
                c->PermanentPhoneId = r.PermanentPhoneId;
                writer.String(r.PhoneName, &c->PhoneNameSize, &c->PhoneNameOffset);
                c->StringFormat = 4; // STRINGFORMAT_UNICODE
                c->HookSwitchDevs = r.HookSwitchDevs;
                var modes = r.HookSwitchModes;
                c->HandsetHookSwitchModes = c->SpeakerHookSwitchModes = c->HeadsetHookSwitchModes = modes;
                c->SettableHandsetHookSwitchModes = c->SettableSpeakerHookSwitchModes = c->SettableHeadsetHookSwitchModes = modes;
                c->MonitoredHandsetHookSwitchModes = c->MonitoredSpeakerHookSwitchModes = c->MonitoredHeadsetHookSwitchModes = modes;
                c->NumRingModes = r.NumRingModes;
                c->NumButtonLamps = r.NumButtonLamps;
                c->PhoneFeatures = r.PhoneFeatures;
                c->PhoneStates = 0x2 | 0x4 | 0x40 | 0x80 | 0x200 | 0x200000; // CONNECTED, DISCONNECTED, LAMP, RINGMODE, HANDSETHOOKSWITCH, REINIT
            }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneGetHookSwitch")]
    public static int PhoneGetHookSwitch(nint hdPhone, uint* lpdwHookSwitchDevs) => Guard(PhoneErrOperationFailed, () =>
    {
        if (!HostLink.Call(new PhoneGetHookSwitchRequest { HdPhone = hdPhone }, out PhoneGetHookSwitchReply reply))
        {
            return PhoneErrOperationFailed;
        }

        Store(lpdwHookSwitchDevs, reply.HookSwitchDevs);
        return reply.Result;
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneGetRing")]
    public static int PhoneGetRing(nint hdPhone, uint* lpdwRingMode, uint* lpdwVolume) => Guard(PhoneErrOperationFailed, () =>
    {
        if (!HostLink.Call(new PhoneGetRingRequest { HdPhone = hdPhone }, out PhoneGetRingReply reply))
        {
            return PhoneErrOperationFailed;
        }

        Store(lpdwRingMode, reply.RingMode);
        Store(lpdwVolume, reply.Volume);
        return reply.Result;
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneSetHookSwitch")]
    public static int PhoneSetHookSwitch(uint dwRequestID, nint hdPhone, uint dwHookSwitchDevs, uint dwHookSwitchMode) => Guard(PhoneErrOperationFailed, () =>
        PhoneRequest(dwRequestID, new PhoneSetHookSwitchRequest { RequestId = dwRequestID, HdPhone = hdPhone, HookSwitchDevs = dwHookSwitchDevs, HookSwitchMode = dwHookSwitchMode }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneSetRing")]
    public static int PhoneSetRing(uint dwRequestID, nint hdPhone, uint dwRingMode, uint dwVolume) => Guard(PhoneErrOperationFailed, () =>
        PhoneRequest(dwRequestID, new PhoneSetRingRequest { RequestId = dwRequestID, HdPhone = hdPhone, RingMode = dwRingMode, Volume = dwVolume }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneSetLamp")]
    public static int PhoneSetLamp(uint dwRequestID, nint hdPhone, uint dwButtonLampID, uint dwLampMode) => Guard(PhoneErrOperationFailed, () =>
        PhoneRequest(dwRequestID, new PhoneSetLampRequest { RequestId = dwRequestID, HdPhone = hdPhone, LampId = dwButtonLampID, LampMode = dwLampMode }));

    /// <summary>An asynchronous phone request answered with a result alone.</summary>
    private static int PhoneRequest<TRequest>(uint requestId, in TRequest request) where TRequest : struct, IRequest<TRequest, ResultReply> =>
        Async(requestId, Result(in request, PhoneErrOperationFailed), phone: true);
}
