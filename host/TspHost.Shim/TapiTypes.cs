using System.Runtime.InteropServices;

namespace TspHost.Shim;

// TAPI's variable-size structures as tapi.h lays them out: packed to 1-byte boundaries, and the
// application-side handles in them (HLINE, HCALL...) are DWORDs even on 64-bit Windows. Fields the
// host has nothing for stay zero. Each structure's fixed part grows with the interface version;
// FixedSize gives the part a caller of that version must provide. TapiLayoutTests compiles these
// layouts against the Windows tapi.h that mingw-w64 ships.

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct VarHeader
{
    public uint TotalSize;
    public uint NeededSize;
    public uint UsedSize;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct DialParams
{
    public uint DialPause;
    public uint DialSpeed;
    public uint DigitDuration;
    public uint WaitForDialtone;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal unsafe struct LineDevCaps
{
    public VarHeader Header;
    public uint ProviderInfoSize, ProviderInfoOffset, SwitchInfoSize, SwitchInfoOffset;
    public uint PermanentLineId, LineNameSize, LineNameOffset, StringFormat;
    public uint AddressModes, NumAddresses, BearerModes, MaxRate, MediaModes;
    public uint GenerateToneModes, GenerateToneMaxNumFreq, GenerateDigitModes, MonitorToneMaxNumFreq, MonitorToneMaxNumEntries, MonitorDigitModes;
    public uint GatherDigitsMinTimeout, GatherDigitsMaxTimeout;
    public uint MedCtlDigitMaxListSize, MedCtlMediaMaxListSize, MedCtlToneMaxListSize, MedCtlCallStateMaxListSize;
    public uint DevCapFlags, MaxNumActiveCalls, AnswerMode, RingModes, LineStates;
    public uint UuiAcceptSize, UuiAnswerSize, UuiMakeCallSize, UuiDropSize, UuiSendUserUserInfoSize, UuiCallInfoSize;
    public DialParams MinDialParams, MaxDialParams, DefaultDialParams;
    public uint NumTerminals, TerminalCapsSize, TerminalCapsOffset, TerminalTextEntrySize, TerminalTextSize, TerminalTextOffset;
    public uint DevSpecificSize, DevSpecificOffset;
    public uint LineFeatures;
    public uint SettableDevStatus, DeviceClassesSize, DeviceClassesOffset; // 2.0
    public Guid PermanentLineGuid; // 2.2
    public uint AddressTypes; // 3.0
    public Guid ProtocolGuid;
    public uint AvailableTracking;

    public static int FixedSize(uint version)
    {
        LineDevCaps s = default;
        return version >= Versions.V3_0 ? sizeof(LineDevCaps)
            : version >= Versions.V2_2 ? Versions.Offset(&s, &s.AddressTypes)
            : Versions.Offset(&s, &s.PermanentLineGuid);
    }
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct LineAddressCaps
{
    public VarHeader Header;
    public uint LineDeviceId, AddressSize, AddressOffset, DevSpecificSize, DevSpecificOffset;
    public uint AddressSharing, AddressStates, CallInfoStates, CallerIdFlags, CalledIdFlags, ConnectedIdFlags, RedirectionIdFlags, RedirectingIdFlags;
    public uint CallStates, DialToneModes, BusyModes, SpecialInfo, DisconnectModes;
    public uint MaxNumActiveCalls, MaxNumOnHoldCalls, MaxNumOnHoldPendingCalls, MaxNumConference, MaxNumTransConf;
    public uint AddrCapFlags, CallFeatures, RemoveFromConfCaps, RemoveFromConfState, TransferModes, ParkModes;
    public uint ForwardModes, MaxForwardEntries, MaxSpecificEntries, MinFwdNumRings, MaxFwdNumRings;
    public uint MaxCallCompletions, CallCompletionConds, CallCompletionModes, NumCompletionMessages, CompletionMsgTextEntrySize, CompletionMsgTextSize, CompletionMsgTextOffset;
    public uint AddressFeatures; // 1.4
    public uint PredictiveAutoTransferStates, NumCallTreatments, CallTreatmentListSize, CallTreatmentListOffset, DeviceClassesSize, DeviceClassesOffset; // 2.0
    public uint MaxCallDataSize, CallFeatures2, MaxNoAnswerTimeout, ConnectedModes, OfferingModes, AvailableMediaModes;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal unsafe struct LineCallInfo
{
    public VarHeader Header;
    public uint HLine; // HLINE: tapi.h's DECLARE_OPAQUE32, 4 bytes on x64 too
    public uint LineDeviceId, AddressId, BearerMode, Rate, MediaMode, AppSpecific, CallId, RelatedCallId, CallParamFlags, CallStates;
    public uint MonitorDigitModes, MonitorMediaModes;
    public DialParams DialParams;
    public uint Origin, Reason, CompletionId, NumOwners, NumMonitors, CountryCode, Trunk;
    public uint CallerIdFlags, CallerIdSize, CallerIdOffset, CallerIdNameSize, CallerIdNameOffset;
    public uint CalledIdFlags, CalledIdSize, CalledIdOffset, CalledIdNameSize, CalledIdNameOffset;
    public uint ConnectedIdFlags, ConnectedIdSize, ConnectedIdOffset, ConnectedIdNameSize, ConnectedIdNameOffset;
    public uint RedirectionIdFlags, RedirectionIdSize, RedirectionIdOffset, RedirectionIdNameSize, RedirectionIdNameOffset;
    public uint RedirectingIdFlags, RedirectingIdSize, RedirectingIdOffset, RedirectingIdNameSize, RedirectingIdNameOffset;
    public uint AppNameSize, AppNameOffset, DisplayableAddressSize, DisplayableAddressOffset, CalledPartySize, CalledPartyOffset;
    public uint CommentSize, CommentOffset, DisplaySize, DisplayOffset, UserUserInfoSize, UserUserInfoOffset;
    public uint HighLevelCompSize, HighLevelCompOffset, LowLevelCompSize, LowLevelCompOffset, ChargingInfoSize, ChargingInfoOffset;
    public uint TerminalModesSize, TerminalModesOffset, DevSpecificSize, DevSpecificOffset;
    public uint CallTreatment, CallDataSize, CallDataOffset, SendingFlowspecSize, SendingFlowspecOffset, ReceivingFlowspecSize, ReceivingFlowspecOffset; // 2.0
    public uint CallerIdAddressType, CalledIdAddressType, ConnectedIdAddressType, RedirectionIdAddressType, RedirectingIdAddressType; // 3.0

    public static int FixedSize(uint version)
    {
        LineCallInfo s = default;
        return version >= Versions.V3_0 ? sizeof(LineCallInfo) : Versions.Offset(&s, &s.CallerIdAddressType);
    }
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct SystemTime
{
    public ushort Year, Month, DayOfWeek, Day, Hour, Minute, Second, Milliseconds;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct LineCallStatus
{
    public VarHeader Header;
    public uint CallState, CallStateMode, CallPrivilege, CallFeatures, DevSpecificSize, DevSpecificOffset;
    public uint CallFeatures2; // 2.0
    public SystemTime StateEntryTime;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal unsafe struct PhoneCaps
{
    public VarHeader Header;
    public uint ProviderInfoSize, ProviderInfoOffset, PhoneInfoSize, PhoneInfoOffset, PermanentPhoneId, PhoneNameSize, PhoneNameOffset, StringFormat;
    public uint PhoneStates, HookSwitchDevs, HandsetHookSwitchModes, SpeakerHookSwitchModes, HeadsetHookSwitchModes;
    public uint VolumeFlags, GainFlags, DisplayNumRows, DisplayNumColumns, NumRingModes, NumButtonLamps;
    public uint ButtonModesSize, ButtonModesOffset, ButtonFunctionsSize, ButtonFunctionsOffset, LampModesSize, LampModesOffset;
    public uint NumSetData, SetDataSize, SetDataOffset, NumGetData, GetDataSize, GetDataOffset, DevSpecificSize, DevSpecificOffset;
    public uint DeviceClassesSize, DeviceClassesOffset, PhoneFeatures; // 2.0
    public uint SettableHandsetHookSwitchModes, SettableSpeakerHookSwitchModes, SettableHeadsetHookSwitchModes;
    public uint MonitoredHandsetHookSwitchModes, MonitoredSpeakerHookSwitchModes, MonitoredHeadsetHookSwitchModes;
    public Guid PermanentPhoneGuid; // 2.2

    public static int FixedSize(uint version)
    {
        PhoneCaps s = default;
        return version >= Versions.V2_2 ? sizeof(PhoneCaps) : Versions.Offset(&s, &s.PermanentPhoneGuid);
    }
}

internal static unsafe class Versions
{
    /// <summary>The offset of <paramref name="field"/> inside the structure at <paramref name="start"/>.</summary>
    public static int Offset(void* start, void* field) => (int)((byte*)field - (byte*)start);

    public const uint V2_0 = 0x00020000;
    public const uint V2_2 = 0x00020002;
    public const uint V3_0 = 0x00030000;
}
