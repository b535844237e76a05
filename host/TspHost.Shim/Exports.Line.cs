using System.Runtime.InteropServices;
using TspHost.Protocol;

namespace TspHost.Shim;

internal static unsafe partial class Exports
{
    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineNegotiateTSPIVersion")]
    public static int LineNegotiateTspiVersion(uint dwDeviceID, uint dwLowVersion, uint dwHighVersion, uint* lpdwTSPIVersion) => Guard(LineErrOperationFailed, () =>
        ResultAndValue(HostLink.Call(FrameType.LineNegotiateTspiVersion, w => w.U32(dwDeviceID).U32(dwLowVersion).U32(dwHighVersion)), lpdwTSPIVersion,
            dwDeviceID == 0xFFFFFFFF ? LineErrNoDriver : LineErrOperationFailed));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineNegotiateExtVersion")]
    public static int LineNegotiateExtVersion(uint dwDeviceID, uint dwTSPIVersion, uint dwLowVersion, uint dwHighVersion, uint* lpdwExtVersion) => Guard(LineErrOperationFailed, () =>
        ResultAndValue(HostLink.Call(FrameType.LineNegotiateExtVersion, w => w.U32(dwDeviceID).U32(dwTSPIVersion).U32(dwLowVersion).U32(dwHighVersion)), lpdwExtVersion,
            LineErrOperationFailed));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineSelectExtVersion")]
    public static int LineSelectExtVersion(nint hdLine, uint dwExtVersion) => Guard(LineErrOperationFailed, () =>
        Result(HostLink.Call(FrameType.LineSelectExtVersion, w => w.Handle(hdLine).U32(dwExtVersion)), LineErrOperationFailed));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineOpen")]
    public static int LineOpen(uint dwDeviceID, nint htLine, nint* lphdLine, uint dwTSPIVersion, nint lpfnEventProc) => Guard(LineErrNoDriver, () =>
        Open(phone: false, HostLink.Call(FrameType.LineOpen, w => w.U32(dwDeviceID).Handle(htLine).U32(dwTSPIVersion)), htLine, lphdLine, lpfnEventProc, LineErrNoDriver));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineClose")]
    public static int LineClose(nint hdLine) => Guard(LineErrOperationFailed, () => Close(hdLine, FrameType.LineClose));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineGetDevCaps")]
    public static int LineGetDevCaps(uint dwDeviceID, uint dwTSPIVersion, uint dwExtVersion, LineDevCaps* lpLineDevCaps) => Guard(LineErrOperationFailed, () =>
        Fill(lpLineDevCaps, LineDevCaps.FixedSize(dwTSPIVersion), LineErrStructureTooSmall, LineErrOperationFailed,
            FrameType.LineGetDevCaps, w => w.U32(dwDeviceID).U32(dwTSPIVersion).U32(dwExtVersion), (ref FrameReader r, ref VarStructWriter writer) =>
            {
                var c = lpLineDevCaps;
                writer.String(r.String(), &c->ProviderInfoSize, &c->ProviderInfoOffset);
                writer.String(r.String(), &c->SwitchInfoSize, &c->SwitchInfoOffset);
                r.U32(); // the permanent provider ID is TAPI's own; LINEDEVCAPS has no field for it
                c->PermanentLineId = r.U32();
                writer.String(r.String(), &c->LineNameSize, &c->LineNameOffset);
                c->StringFormat = 4; // STRINGFORMAT_UNICODE
                c->AddressModes = 1; // LINEADDRESSMODE_ADDRESSID
                c->NumAddresses = r.U32();
                c->BearerModes = 1; // LINEBEARERMODE_VOICE
                c->MaxNumActiveCalls = r.U32();
                c->MediaModes = r.U32();
                c->DevCapFlags = r.U32();
                c->AnswerMode = 1; // LINEANSWERMODE_NONE
                c->LineStates = 0x2 | 0x40 | 0x80 | 0x200 | 0x400 | 0x40000; // RINGING, INSERVICE, OUTOFSERVICE, OPEN, CLOSE, REINIT
                c->LineFeatures = 0x8; // LINEFEATURE_MAKECALL
            }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineGetAddressCaps")]
    public static int LineGetAddressCaps(uint dwDeviceID, uint dwAddressID, uint dwTSPIVersion, uint dwExtVersion, LineAddressCaps* lpAddressCaps) => Guard(LineErrOperationFailed, () =>
        Fill(lpAddressCaps, sizeof(LineAddressCaps), LineErrStructureTooSmall, LineErrOperationFailed,
            FrameType.LineGetAddressCaps, w => w.U32(dwDeviceID).U32(dwAddressID).U32(dwTSPIVersion).U32(dwExtVersion), (ref FrameReader r, ref VarStructWriter writer) =>
            {
                var c = lpAddressCaps;
                c->LineDeviceId = r.U32();
                writer.String(r.String(), &c->AddressSize, &c->AddressOffset);
                c->AddressSharing = 1; // LINEADDRESSSHARING_PRIVATE
                c->CallStates = r.U32();
                c->DisconnectModes = r.U32();
                c->CallerIdFlags = r.U32();
                c->CalledIdFlags = c->ConnectedIdFlags = c->CallerIdFlags;
                c->MaxNumActiveCalls = r.U32();
                c->MaxNumOnHoldCalls = r.U32();
                c->MaxNumConference = r.U32();
                c->CallFeatures = r.U32();
                c->TransferModes = r.U32();
                c->AddressFeatures = 0x2 | 0x20; // LINEADDRFEATURE_MAKECALL, SETUPCONF
            }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineGetCallInfo")]
    public static int LineGetCallInfo(nint hdCall, LineCallInfo* lpCallInfo) => Guard(LineErrOperationFailed, () =>
        Fill(lpCallInfo, LineCallInfo.FixedSize(TapiCallbacks.SessionVersion), LineErrStructureTooSmall, LineErrOperationFailed,
            FrameType.LineGetCallInfo, w => w.Handle(hdCall), (ref FrameReader r, ref VarStructWriter writer) =>
            {
                var c = lpCallInfo;
                c->LineDeviceId = r.U32();
                c->AddressId = r.U32();
                c->BearerMode = 1;
                c->MediaMode = r.U32();
                c->CallStates = r.U32();
                c->Origin = r.U32();
                c->Reason = r.U32();
                c->CallerIdFlags = r.U32();
                writer.String(r.String(), &c->CallerIdSize, &c->CallerIdOffset);
                writer.String(r.String(), &c->CallerIdNameSize, &c->CallerIdNameOffset);
                c->CalledIdFlags = r.U32();
                writer.String(r.String(), &c->CalledIdSize, &c->CalledIdOffset);
                writer.String(r.String(), &c->CalledIdNameSize, &c->CalledIdNameOffset);
                c->ConnectedIdFlags = r.U32();
                writer.String(r.String(), &c->ConnectedIdSize, &c->ConnectedIdOffset);
                writer.String(r.String(), &c->ConnectedIdNameSize, &c->ConnectedIdNameOffset);
                c->RedirectionIdFlags = c->RedirectingIdFlags = 0x20; // LINECALLPARTYID_UNKNOWN
            }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineGetCallStatus")]
    public static int LineGetCallStatus(nint hdCall, LineCallStatus* lpCallStatus) => Guard(LineErrOperationFailed, () =>
        Fill(lpCallStatus, sizeof(LineCallStatus), LineErrStructureTooSmall, LineErrOperationFailed,
            FrameType.LineGetCallStatus, w => w.Handle(hdCall), (ref FrameReader r, ref VarStructWriter writer) =>
            {
                var c = lpCallStatus;
                c->CallState = r.U32();
                c->CallStateMode = r.U32();
                c->CallPrivilege = 0x4; // LINECALLPRIVILEGE_OWNER
                c->CallFeatures = r.U32();
                var entered = DateTimeOffset.FromUnixTimeMilliseconds((long)r.U64()).UtcDateTime;
                c->StateEntryTime = new SystemTime
                {
                    Year = (ushort)entered.Year,
                    Month = (ushort)entered.Month,
                    DayOfWeek = (ushort)entered.DayOfWeek,
                    Day = (ushort)entered.Day,
                    Hour = (ushort)entered.Hour,
                    Minute = (ushort)entered.Minute,
                    Second = (ushort)entered.Second,
                    Milliseconds = (ushort)entered.Millisecond,
                };
            }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineMakeCall")]
    public static int LineMakeCall(uint dwRequestID, nint hdLine, nint htCall, nint* lphdCall, char* lpszDestAddress, uint dwCountryCode, void* lpCallParams) => Guard(LineErrOperationFailed, () =>
    {
        var destination = Text(lpszDestAddress);
        return NewCall(dwRequestID, FrameType.LineMakeCall, w => w.U32(dwRequestID).Handle(hdLine).Handle(htCall).String(destination).U32(dwCountryCode), lphdCall, null);
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineDial")]
    public static int LineDial(uint dwRequestID, nint hdCall, char* lpszDestAddress, uint dwCountryCode) => Guard(LineErrOperationFailed, () =>
    {
        var destination = Text(lpszDestAddress);
        return CallRequest(dwRequestID, FrameType.LineDial, w => w.U32(dwRequestID).Handle(hdCall).String(destination).U32(dwCountryCode));
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineAnswer")]
    public static int LineAnswer(uint dwRequestID, nint hdCall, byte* lpsUserUserInfo, uint dwSize) =>
        Guard(LineErrOperationFailed, () => CallRequest(dwRequestID, FrameType.LineAnswer, w => w.U32(dwRequestID).Handle(hdCall)));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineDrop")]
    public static int LineDrop(uint dwRequestID, nint hdCall, byte* lpsUserUserInfo, uint dwSize) =>
        Guard(LineErrOperationFailed, () => CallRequest(dwRequestID, FrameType.LineDrop, w => w.U32(dwRequestID).Handle(hdCall)));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineHold")]
    public static int LineHold(uint dwRequestID, nint hdCall) =>
        Guard(LineErrOperationFailed, () => CallRequest(dwRequestID, FrameType.LineHold, w => w.U32(dwRequestID).Handle(hdCall)));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineUnhold")]
    public static int LineUnhold(uint dwRequestID, nint hdCall) =>
        Guard(LineErrOperationFailed, () => CallRequest(dwRequestID, FrameType.LineUnhold, w => w.U32(dwRequestID).Handle(hdCall)));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineSetupTransfer")]
    public static int LineSetupTransfer(uint dwRequestID, nint hdCall, nint htConsultCall, nint* lphdConsultCall, void* lpCallParams) => Guard(LineErrOperationFailed, () =>
        NewCall(dwRequestID, FrameType.LineSetupTransfer, w => w.U32(dwRequestID).Handle(hdCall).Handle(htConsultCall), lphdConsultCall, null));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineCompleteTransfer")]
    public static int LineCompleteTransfer(uint dwRequestID, nint hdCall, nint hdConsultCall, nint htConfCall, nint* lphdConfCall, uint dwTransferMode) => Guard(LineErrOperationFailed, () =>
        NewCall(dwRequestID, FrameType.LineCompleteTransfer, w => w.U32(dwRequestID).Handle(hdCall).Handle(hdConsultCall).Handle(htConfCall).U32(dwTransferMode), lphdConfCall, null));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineSetupConference")]
    public static int LineSetupConference(uint dwRequestID, nint hdCall, nint hdLine, nint htConfCall, nint* lphdConfCall, nint htConsultCall, nint* lphdConsultCall,
        uint dwNumParties, void* lpCallParams) => Guard(LineErrOperationFailed, () =>
        NewCall(dwRequestID, FrameType.LineSetupConference,
            w => w.U32(dwRequestID).Handle(hdCall).Handle(hdLine).Handle(htConfCall).Handle(htConsultCall).U32(dwNumParties), lphdConfCall, lphdConsultCall));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineCloseCall")]
    public static int LineCloseCall(nint hdCall) => Guard(0, () =>
        Result(HostLink.Call(FrameType.LineCloseCall, w => w.Handle(hdCall), deliverEarlierPushes: true), 0)); // always succeeds: without a host the call is gone anyway

    private static int CallRequest(uint requestId, FrameType type, Func<FrameWriter, FrameWriter> build) =>
        Async(requestId, Result(HostLink.Call(type, build), LineErrOperationFailed), phone: false);

    /// <summary>A request that creates calls: the reply carries the new hdCall(s), valid once the request succeeds (R10).</summary>
    private static int NewCall(uint requestId, FrameType type, Func<FrameWriter, FrameWriter> build, nint* first, nint* second)
    {
        if (HostLink.Call(type, build) is not { } reply)
        {
            return LineErrOperationFailed;
        }

        var r = reply.Reader();
        var result = r.I32();
        Store(first, r.Handle());
        if (type == FrameType.LineSetupConference)
        {
            Store(second, r.Handle());
        }

        return Async(requestId, result, phone: false);
    }
}
