using System.Runtime.InteropServices;
using TspHost.Protocol;

namespace TspHost.Shim;

internal static unsafe partial class Exports
{
    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneNegotiateTSPIVersion")]
    public static int PhoneNegotiateTspiVersion(uint dwDeviceID, uint dwLowVersion, uint dwHighVersion, uint* lpdwTSPIVersion) => Guard(PhoneErrOperationFailed, () =>
        ResultAndValue(HostLink.Call(FrameType.PhoneNegotiateTspiVersion, w => w.U32(dwDeviceID).U32(dwLowVersion).U32(dwHighVersion)), lpdwTSPIVersion, PhoneErrOperationFailed));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneOpen")]
    public static int PhoneOpen(uint dwDeviceID, nint htPhone, nint* lphdPhone, uint dwTSPIVersion, nint lpfnEventProc) => Guard(PhoneErrOperationFailed, () =>
        Open(phone: true, HostLink.Call(FrameType.PhoneOpen, w => w.U32(dwDeviceID).Handle(htPhone).U32(dwTSPIVersion)), htPhone, lphdPhone, lpfnEventProc, PhoneErrOperationFailed));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneClose")]
    public static int PhoneClose(nint hdPhone) => Guard(0, () => Close(hdPhone, FrameType.PhoneClose)); // should always succeed

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneGetDevCaps")]
    public static int PhoneGetDevCaps(uint dwDeviceID, uint dwTSPIVersion, uint dwExtVersion, PhoneCaps* lpPhoneCaps) => Guard(PhoneErrOperationFailed, () =>
        Fill(lpPhoneCaps, PhoneCaps.FixedSize(dwTSPIVersion), PhoneErrStructureTooSmall, PhoneErrOperationFailed,
            FrameType.PhoneGetDevCaps, w => w.U32(dwDeviceID).U32(dwTSPIVersion).U32(dwExtVersion), (ref FrameReader r, ref VarStructWriter writer) =>
            {
                var c = lpPhoneCaps;
                writer.String(r.String(), &c->ProviderInfoSize, &c->ProviderInfoOffset);
                writer.String(r.String(), &c->PhoneInfoSize, &c->PhoneInfoOffset);
                r.U32();
                c->PermanentPhoneId = r.U32();
                writer.String(r.String(), &c->PhoneNameSize, &c->PhoneNameOffset);
                c->StringFormat = 4; // STRINGFORMAT_UNICODE
                c->HookSwitchDevs = r.U32();
                var modes = r.U32();
                c->HandsetHookSwitchModes = c->SpeakerHookSwitchModes = c->HeadsetHookSwitchModes = modes;
                c->SettableHandsetHookSwitchModes = c->SettableSpeakerHookSwitchModes = c->SettableHeadsetHookSwitchModes = modes;
                c->MonitoredHandsetHookSwitchModes = c->MonitoredSpeakerHookSwitchModes = c->MonitoredHeadsetHookSwitchModes = modes;
                c->NumRingModes = r.U32();
                c->NumButtonLamps = r.U32();
                c->PhoneFeatures = r.U32();
                c->PhoneStates = 0x2 | 0x4 | 0x40 | 0x80 | 0x200 | 0x200000; // CONNECTED, DISCONNECTED, LAMP, RINGMODE, HANDSETHOOKSWITCH, REINIT
            }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneGetHookSwitch")]
    public static int PhoneGetHookSwitch(nint hdPhone, uint* lpdwHookSwitchDevs) => Guard(PhoneErrOperationFailed, () =>
        ResultAndValue(HostLink.Call(FrameType.PhoneGetHookSwitch, w => w.Handle(hdPhone)), lpdwHookSwitchDevs, PhoneErrOperationFailed));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneGetRing")]
    public static int PhoneGetRing(nint hdPhone, uint* lpdwRingMode, uint* lpdwVolume) => Guard(PhoneErrOperationFailed, () =>
    {
        if (HostLink.Call(FrameType.PhoneGetRing, w => w.Handle(hdPhone)) is not { } reply)
        {
            return PhoneErrOperationFailed;
        }

        var r = reply.Reader();
        var result = r.I32();
        Store(lpdwRingMode, r.U32());
        Store(lpdwVolume, r.U32());
        return result;
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneSetHookSwitch")]
    public static int PhoneSetHookSwitch(uint dwRequestID, nint hdPhone, uint dwHookSwitchDevs, uint dwHookSwitchMode) =>
        Guard(PhoneErrOperationFailed, () => PhoneRequest(dwRequestID, FrameType.PhoneSetHookSwitch, w => w.U32(dwRequestID).Handle(hdPhone).U32(dwHookSwitchDevs).U32(dwHookSwitchMode)));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneSetRing")]
    public static int PhoneSetRing(uint dwRequestID, nint hdPhone, uint dwRingMode, uint dwVolume) =>
        Guard(PhoneErrOperationFailed, () => PhoneRequest(dwRequestID, FrameType.PhoneSetRing, w => w.U32(dwRequestID).Handle(hdPhone).U32(dwRingMode).U32(dwVolume)));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_phoneSetLamp")]
    public static int PhoneSetLamp(uint dwRequestID, nint hdPhone, uint dwButtonLampID, uint dwLampMode) =>
        Guard(PhoneErrOperationFailed, () => PhoneRequest(dwRequestID, FrameType.PhoneSetLamp, w => w.U32(dwRequestID).Handle(hdPhone).U32(dwButtonLampID).U32(dwLampMode)));

    private static int PhoneRequest(uint requestId, FrameType type, Func<FrameWriter, FrameWriter> build) =>
        Async(requestId, Result(HostLink.Call(type, build), PhoneErrOperationFailed), phone: true);
}
