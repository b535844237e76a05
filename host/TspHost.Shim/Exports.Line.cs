using System.Runtime.InteropServices;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Shim;

internal static unsafe partial class Exports
{
    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineNegotiateTSPIVersion")]
    public static int LineNegotiateTspiVersion(uint dwDeviceID, uint dwLowVersion, uint dwHighVersion, uint* lpdwTSPIVersion) => Guard(LineErrOperationFailed, () =>
    {
        if (!HostLink.Call(new LineNegotiateTspiVersionRequest { DeviceId = dwDeviceID, LowVersion = dwLowVersion, HighVersion = dwHighVersion }, out TspiVersionReply reply))
        {
            return dwDeviceID == 0xFFFFFFFF ? LineErrNoDriver : LineErrOperationFailed;
        }

        Store(lpdwTSPIVersion, reply.Version);
        return reply.Result;
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineNegotiateExtVersion")]
    public static int LineNegotiateExtVersion(uint dwDeviceID, uint dwTSPIVersion, uint dwLowVersion, uint dwHighVersion, uint* lpdwExtVersion) => Guard(LineErrOperationFailed, () =>
    {
        var request = new LineNegotiateExtVersionRequest { DeviceId = dwDeviceID, TspiVersion = dwTSPIVersion, LowVersion = dwLowVersion, HighVersion = dwHighVersion };
        if (!HostLink.Call(request, out LineNegotiateExtVersionReply reply))
        {
            return LineErrOperationFailed;
        }

        Store(lpdwExtVersion, reply.ExtVersion);
        return reply.Result;
    });

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineSelectExtVersion")]
    public static int LineSelectExtVersion(nint hdLine, uint dwExtVersion) => Guard(LineErrOperationFailed, () =>
        Result(new LineSelectExtVersionRequest { HdLine = hdLine, ExtVersion = dwExtVersion }, LineErrOperationFailed));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineOpen")]
    public static int LineOpen(uint dwDeviceID, nint htLine, nint* lphdLine, uint dwTSPIVersion, nint lpfnEventProc) => Guard(LineErrNoDriver, () =>
        HostLink.Call(new LineOpenRequest { DeviceId = dwDeviceID, HtLine = htLine, TspiVersion = dwTSPIVersion }, out LineOpenReply reply)
            ? Opened(phone: false, reply.Result, reply.HdLine, htLine, lphdLine, lpfnEventProc)
            : LineErrNoDriver);

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineClose")]
    public static int LineClose(nint hdLine) => Guard(LineErrOperationFailed, () => Close(hdLine, new LineCloseRequest { HdLine = hdLine }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineGetDevCaps")]
    public static int LineGetDevCaps(uint dwDeviceID, uint dwTSPIVersion, uint dwExtVersion, LineDevCaps* lpLineDevCaps) => Guard(LineErrOperationFailed, () =>
        Fill(lpLineDevCaps, LineDevCaps.FixedSize(dwTSPIVersion), LineErrStructureTooSmall, LineErrOperationFailed,
            new LineGetDevCapsRequest { DeviceId = dwDeviceID, TspiVersion = dwTSPIVersion, ExtVersion = dwExtVersion },
            (in LineGetDevCapsReply r, ref VarStructWriter writer) =>
            {
                var c = lpLineDevCaps;
                writer.String(r.ProviderInfo, &c->ProviderInfoSize, &c->ProviderInfoOffset);
                writer.String(r.SwitchInfo, &c->SwitchInfoSize, &c->SwitchInfoOffset);
                c->PermanentLineId = r.PermanentLineId; // the permanent provider ID is TAPI's own; LINEDEVCAPS has no field for it
                writer.String(r.LineName, &c->LineNameSize, &c->LineNameOffset);
                c->StringFormat = 4; // STRINGFORMAT_UNICODE
                c->AddressModes = 1; // LINEADDRESSMODE_ADDRESSID
                c->NumAddresses = r.NumAddresses;
                c->BearerModes = 1; // LINEBEARERMODE_VOICE
                c->MaxNumActiveCalls = r.MaxNumActiveCalls;
                c->MediaModes = r.MediaModes;
                c->DevCapFlags = r.DevCapFlags;
                c->AnswerMode = 1; // LINEANSWERMODE_NONE
                c->LineStates = 0x2 | 0x40 | 0x80 | 0x200 | 0x400 | 0x40000; // RINGING, INSERVICE, OUTOFSERVICE, OPEN, CLOSE, REINIT
                c->LineFeatures = 0x8; // LINEFEATURE_MAKECALL
            }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineGetAddressCaps")]
    public static int LineGetAddressCaps(uint dwDeviceID, uint dwAddressID, uint dwTSPIVersion, uint dwExtVersion, LineAddressCaps* lpAddressCaps) => Guard(LineErrOperationFailed, () =>
        Fill(lpAddressCaps, sizeof(LineAddressCaps), LineErrStructureTooSmall, LineErrOperationFailed,
            new LineGetAddressCapsRequest { DeviceId = dwDeviceID, AddressId = dwAddressID, TspiVersion = dwTSPIVersion, ExtVersion = dwExtVersion },
            (in LineGetAddressCapsReply r, ref VarStructWriter writer) =>
            {
                var c = lpAddressCaps;
                c->LineDeviceId = r.LineDeviceId;
                writer.String(r.Address, &c->AddressSize, &c->AddressOffset);
                c->AddressSharing = 1; // LINEADDRESSSHARING_PRIVATE
                c->CallStates = r.CallStates;
                c->DisconnectModes = r.DisconnectModes;
                c->CallerIdFlags = c->CalledIdFlags = c->ConnectedIdFlags = r.CallerIdFlags;
                c->MaxNumActiveCalls = r.MaxNumActiveCalls;
                c->MaxNumOnHoldCalls = r.MaxNumOnHoldCalls;
                c->MaxNumConference = r.MaxNumConference;
                c->CallFeatures = r.CallFeatures;
                c->TransferModes = r.TransferModes;
                c->AddressFeatures = 0x2 | 0x20; // LINEADDRFEATURE_MAKECALL, SETUPCONF
            }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineGetCallInfo")]
    public static int LineGetCallInfo(nint hdCall, LineCallInfo* lpCallInfo) => Guard(LineErrOperationFailed, () =>
        Fill(lpCallInfo, LineCallInfo.FixedSize(TapiCallbacks.SessionVersion), LineErrStructureTooSmall, LineErrOperationFailed,
            new LineGetCallInfoRequest { HdCall = hdCall }, (in LineGetCallInfoReply r, ref VarStructWriter writer) =>
            {
                var c = lpCallInfo;
                c->LineDeviceId = r.LineDeviceId;
                c->AddressId = r.AddressId;
                c->BearerMode = 1;
                c->MediaMode = r.MediaMode;
                c->CallStates = r.CallStates;
                c->Origin = r.Origin;
                c->Reason = r.Reason;
                c->CallerIdFlags = r.CallerIdFlags;
                writer.String(r.CallerId, &c->CallerIdSize, &c->CallerIdOffset);
                writer.String(r.CallerIdName, &c->CallerIdNameSize, &c->CallerIdNameOffset);
                c->CalledIdFlags = r.CalledIdFlags;
                writer.String(r.CalledId, &c->CalledIdSize, &c->CalledIdOffset);
                writer.String(r.CalledIdName, &c->CalledIdNameSize, &c->CalledIdNameOffset);
                c->ConnectedIdFlags = r.ConnectedIdFlags;
                writer.String(r.ConnectedId, &c->ConnectedIdSize, &c->ConnectedIdOffset);
                writer.String(r.ConnectedIdName, &c->ConnectedIdNameSize, &c->ConnectedIdNameOffset);
                c->RedirectionIdFlags = c->RedirectingIdFlags = 0x20; // LINECALLPARTYID_UNKNOWN
            }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineGetCallStatus")]
    public static int LineGetCallStatus(nint hdCall, LineCallStatus* lpCallStatus) => Guard(LineErrOperationFailed, () =>
        Fill(lpCallStatus, sizeof(LineCallStatus), LineErrStructureTooSmall, LineErrOperationFailed,
            new LineGetCallStatusRequest { HdCall = hdCall }, (in LineGetCallStatusReply r, ref VarStructWriter writer) =>
            {
                var c = lpCallStatus;
                c->CallState = r.CallState;
                c->CallStateMode = r.CallStateMode;
                c->CallPrivilege = 0x4; // LINECALLPRIVILEGE_OWNER
                c->CallFeatures = r.CallFeatures;
                var entered = DateTimeOffset.FromUnixTimeMilliseconds((long)r.StateEntryTimeUnixMs).UtcDateTime;
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
        NewCall(dwRequestID, new LineMakeCallRequest { RequestId = dwRequestID, HdLine = hdLine, HtCall = htCall, DestAddress = Text(lpszDestAddress), CountryCode = dwCountryCode },
            (in LineMakeCallReply r) => Store(lphdCall, r.HdCall)));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineDial")]
    public static int LineDial(uint dwRequestID, nint hdCall, char* lpszDestAddress, uint dwCountryCode) => Guard(LineErrOperationFailed, () =>
        CallRequest(dwRequestID, new LineDialRequest { RequestId = dwRequestID, HdCall = hdCall, DestAddress = Text(lpszDestAddress), CountryCode = dwCountryCode }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineAnswer")]
    public static int LineAnswer(uint dwRequestID, nint hdCall, byte* lpsUserUserInfo, uint dwSize) =>
        Guard(LineErrOperationFailed, () => CallRequest(dwRequestID, new LineAnswerRequest { RequestId = dwRequestID, HdCall = hdCall }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineDrop")]
    public static int LineDrop(uint dwRequestID, nint hdCall, byte* lpsUserUserInfo, uint dwSize) =>
        Guard(LineErrOperationFailed, () => CallRequest(dwRequestID, new LineDropRequest { RequestId = dwRequestID, HdCall = hdCall }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineHold")]
    public static int LineHold(uint dwRequestID, nint hdCall) =>
        Guard(LineErrOperationFailed, () => CallRequest(dwRequestID, new LineHoldRequest { RequestId = dwRequestID, HdCall = hdCall }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineUnhold")]
    public static int LineUnhold(uint dwRequestID, nint hdCall) =>
        Guard(LineErrOperationFailed, () => CallRequest(dwRequestID, new LineUnholdRequest { RequestId = dwRequestID, HdCall = hdCall }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineSetupTransfer")]
    public static int LineSetupTransfer(uint dwRequestID, nint hdCall, nint htConsultCall, nint* lphdConsultCall, void* lpCallParams) => Guard(LineErrOperationFailed, () =>
        NewCall(dwRequestID, new LineSetupTransferRequest { RequestId = dwRequestID, HdCall = hdCall, HtConsultCall = htConsultCall },
            (in LineSetupTransferReply r) => Store(lphdConsultCall, r.HdConsultCall)));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineCompleteTransfer")]
    public static int LineCompleteTransfer(uint dwRequestID, nint hdCall, nint hdConsultCall, nint htConfCall, nint* lphdConfCall, uint dwTransferMode) => Guard(LineErrOperationFailed, () =>
        NewCall(dwRequestID,
            new LineCompleteTransferRequest { RequestId = dwRequestID, HdCall = hdCall, HdConsultCall = hdConsultCall, HtConfCall = htConfCall, TransferMode = dwTransferMode },
            (in LineCompleteTransferReply r) => Store(lphdConfCall, r.HdConfCall)));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineSetupConference")]
    public static int LineSetupConference(uint dwRequestID, nint hdCall, nint hdLine, nint htConfCall, nint* lphdConfCall, nint htConsultCall, nint* lphdConsultCall,
        uint dwNumParties, void* lpCallParams) => Guard(LineErrOperationFailed, () =>
        NewCall(dwRequestID,
            new LineSetupConferenceRequest
            {
                RequestId = dwRequestID,
                HdCall = hdCall,
                HdLine = hdLine,
                HtConfCall = htConfCall,
                HtConsultCall = htConsultCall,
                NumParties = dwNumParties,
            },
            (in LineSetupConferenceReply r) =>
            {
                Store(lphdConfCall, r.HdConfCall);
                Store(lphdConsultCall, r.HdConsultCall);
            }));

    [UnmanagedCallersOnly(EntryPoint = "TSPI_lineCloseCall")]
    public static int LineCloseCall(nint hdCall) => Guard(0, () =>
        Result(new LineCloseCallRequest { HdCall = hdCall }, 0, deliverEarlierPushes: true)); // always succeeds: without a host the call is gone anyway

    private delegate void StoreHandles<TReply>(in TReply reply);

    /// <summary>An asynchronous call-control request answered with a result alone.</summary>
    private static int CallRequest<TRequest>(uint requestId, in TRequest request) where TRequest : struct, IRequest<TRequest, ResultReply> =>
        Async(requestId, Result(in request, LineErrOperationFailed), phone: false);

    /// <summary>A request that creates calls: the reply carries the new hdCall(s), valid once the request succeeds (R10).</summary>
    private static int NewCall<TRequest, TReply>(uint requestId, in TRequest request, StoreHandles<TReply> store)
        where TRequest : struct, IRequest<TRequest, TReply> where TReply : struct, IPayload<TReply>, IResultReply
    {
        if (!HostLink.Call(in request, out TReply reply))
        {
            return LineErrOperationFailed;
        }

        store(in reply);
        return Async(requestId, reply.Result, phone: false);
    }
}
