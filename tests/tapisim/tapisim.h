/* tapisim: the TAPI service's side of the TSPI, as far as tapisim needs it.
 * Types and structures follow tapi.h / tspi.h with their names: DWORD is 32-bit unsigned, the
 * TSPI handles and DWORD_PTR are pointer-sized, the HLINE in LINECALLINFO is a DWORD (tapi.h's
 * DECLARE_OPAQUE32), strings are UTF-16 (WCHAR), and tapi.h packs its structures to 1-byte
 * boundaries. TapiLayoutTests compiles the structures and the TSPI_*_fn prototypes below against
 * the shim's declarations, which it also compiles against the Windows tapi.h and tspi.h of
 * mingw-w64. */
#ifndef TAPISIM_H
#define TAPISIM_H

#include <stdint.h>

typedef uint32_t DWORD;
typedef int32_t LONG;
typedef uintptr_t DWORD_PTR;
typedef uint16_t WCHAR;
typedef void *HWND;
typedef DWORD HLINE;
typedef uintptr_t HDRVLINE, HDRVCALL, HDRVPHONE, HTAPILINE, HTAPICALL, HTAPIPHONE, HPROVIDER;
typedef struct linecallparams_tag LINECALLPARAMS; /* tapisim passes none */

typedef void (*LINEEVENT)(HTAPILINE htLine, HTAPICALL htCall, DWORD dwMsg, DWORD_PTR dwParam1, DWORD_PTR dwParam2, DWORD_PTR dwParam3);
typedef void (*PHONEEVENT)(HTAPIPHONE htPhone, DWORD dwMsg, DWORD_PTR dwParam1, DWORD_PTR dwParam2, DWORD_PTR dwParam3);
typedef void (*ASYNC_COMPLETION)(DWORD dwRequestID, LONG lResult);

#pragma pack(push, 1)
typedef struct { DWORD dwDialPause, dwDialSpeed, dwDigitDuration, dwWaitForDialtone; } LINEDIALPARAMS;
typedef struct { uint8_t bytes[16]; } GUID;
typedef struct { uint16_t wYear, wMonth, wDayOfWeek, wDay, wHour, wMinute, wSecond, wMilliseconds; } SYSTEMTIME;

typedef struct linedevcaps_tag {
    DWORD dwTotalSize, dwNeededSize, dwUsedSize;
    DWORD dwProviderInfoSize, dwProviderInfoOffset, dwSwitchInfoSize, dwSwitchInfoOffset;
    DWORD dwPermanentLineID, dwLineNameSize, dwLineNameOffset, dwStringFormat;
    DWORD dwAddressModes, dwNumAddresses, dwBearerModes, dwMaxRate, dwMediaModes;
    DWORD dwGenerateToneModes, dwGenerateToneMaxNumFreq, dwGenerateDigitModes, dwMonitorToneMaxNumFreq, dwMonitorToneMaxNumEntries, dwMonitorDigitModes;
    DWORD dwGatherDigitsMinTimeout, dwGatherDigitsMaxTimeout;
    DWORD dwMedCtlDigitMaxListSize, dwMedCtlMediaMaxListSize, dwMedCtlToneMaxListSize, dwMedCtlCallStateMaxListSize;
    DWORD dwDevCapFlags, dwMaxNumActiveCalls, dwAnswerMode, dwRingModes, dwLineStates;
    DWORD dwUUIAcceptSize, dwUUIAnswerSize, dwUUIMakeCallSize, dwUUIDropSize, dwUUISendUserUserInfoSize, dwUUICallInfoSize;
    LINEDIALPARAMS MinDialParams, MaxDialParams, DefaultDialParams;
    DWORD dwNumTerminals, dwTerminalCapsSize, dwTerminalCapsOffset, dwTerminalTextEntrySize, dwTerminalTextSize, dwTerminalTextOffset;
    DWORD dwDevSpecificSize, dwDevSpecificOffset, dwLineFeatures;
    DWORD dwSettableDevStatus, dwDeviceClassesSize, dwDeviceClassesOffset;
    GUID PermanentLineGuid;
    DWORD dwAddressTypes;
    GUID ProtocolGuid;
    DWORD dwAvailableTracking;
} LINEDEVCAPS;

typedef struct lineaddresscaps_tag {
    DWORD dwTotalSize, dwNeededSize, dwUsedSize;
    DWORD dwLineDeviceID, dwAddressSize, dwAddressOffset, dwDevSpecificSize, dwDevSpecificOffset;
    DWORD dwAddressSharing, dwAddressStates, dwCallInfoStates, dwCallerIDFlags, dwCalledIDFlags, dwConnectedIDFlags, dwRedirectionIDFlags, dwRedirectingIDFlags;
    DWORD dwCallStates, dwDialToneModes, dwBusyModes, dwSpecialInfo, dwDisconnectModes;
    DWORD dwMaxNumActiveCalls, dwMaxNumOnHoldCalls, dwMaxNumOnHoldPendingCalls, dwMaxNumConference, dwMaxNumTransConf;
    DWORD dwAddrCapFlags, dwCallFeatures, dwRemoveFromConfCaps, dwRemoveFromConfState, dwTransferModes, dwParkModes;
    DWORD dwForwardModes, dwMaxForwardEntries, dwMaxSpecificEntries, dwMinFwdNumRings, dwMaxFwdNumRings;
    DWORD dwMaxCallCompletions, dwCallCompletionConds, dwCallCompletionModes, dwNumCompletionMessages, dwCompletionMsgTextEntrySize, dwCompletionMsgTextSize, dwCompletionMsgTextOffset;
    DWORD dwAddressFeatures;
    DWORD dwPredictiveAutoTransferStates, dwNumCallTreatments, dwCallTreatmentListSize, dwCallTreatmentListOffset, dwDeviceClassesSize, dwDeviceClassesOffset;
    DWORD dwMaxCallDataSize, dwCallFeatures2, dwMaxNoAnswerTimeout, dwConnectedModes, dwOfferingModes, dwAvailableMediaModes;
} LINEADDRESSCAPS;

typedef struct linecallinfo_tag {
    DWORD dwTotalSize, dwNeededSize, dwUsedSize;
    HLINE hLine;
    DWORD dwLineDeviceID, dwAddressID, dwBearerMode, dwRate, dwMediaMode, dwAppSpecific, dwCallID, dwRelatedCallID, dwCallParamFlags, dwCallStates;
    DWORD dwMonitorDigitModes, dwMonitorMediaModes;
    LINEDIALPARAMS DialParams;
    DWORD dwOrigin, dwReason, dwCompletionID, dwNumOwners, dwNumMonitors, dwCountryCode, dwTrunk;
    DWORD dwCallerIDFlags, dwCallerIDSize, dwCallerIDOffset, dwCallerIDNameSize, dwCallerIDNameOffset;
    DWORD dwCalledIDFlags, dwCalledIDSize, dwCalledIDOffset, dwCalledIDNameSize, dwCalledIDNameOffset;
    DWORD dwConnectedIDFlags, dwConnectedIDSize, dwConnectedIDOffset, dwConnectedIDNameSize, dwConnectedIDNameOffset;
    DWORD dwRedirectionIDFlags, dwRedirectionIDSize, dwRedirectionIDOffset, dwRedirectionIDNameSize, dwRedirectionIDNameOffset;
    DWORD dwRedirectingIDFlags, dwRedirectingIDSize, dwRedirectingIDOffset, dwRedirectingIDNameSize, dwRedirectingIDNameOffset;
    DWORD dwAppNameSize, dwAppNameOffset, dwDisplayableAddressSize, dwDisplayableAddressOffset, dwCalledPartySize, dwCalledPartyOffset;
    DWORD dwCommentSize, dwCommentOffset, dwDisplaySize, dwDisplayOffset, dwUserUserInfoSize, dwUserUserInfoOffset;
    DWORD dwHighLevelCompSize, dwHighLevelCompOffset, dwLowLevelCompSize, dwLowLevelCompOffset, dwChargingInfoSize, dwChargingInfoOffset;
    DWORD dwTerminalModesSize, dwTerminalModesOffset, dwDevSpecificSize, dwDevSpecificOffset;
    DWORD dwCallTreatment, dwCallDataSize, dwCallDataOffset, dwSendingFlowspecSize, dwSendingFlowspecOffset, dwReceivingFlowspecSize, dwReceivingFlowspecOffset;
    DWORD dwCallerIDAddressType, dwCalledIDAddressType, dwConnectedIDAddressType, dwRedirectionIDAddressType, dwRedirectingIDAddressType;
} LINECALLINFO;

typedef struct linecallstatus_tag {
    DWORD dwTotalSize, dwNeededSize, dwUsedSize;
    DWORD dwCallState, dwCallStateMode, dwCallPrivilege, dwCallFeatures, dwDevSpecificSize, dwDevSpecificOffset;
    DWORD dwCallFeatures2;
    SYSTEMTIME tStateEntryTime;
} LINECALLSTATUS;

typedef struct phonecaps_tag {
    DWORD dwTotalSize, dwNeededSize, dwUsedSize;
    DWORD dwProviderInfoSize, dwProviderInfoOffset, dwPhoneInfoSize, dwPhoneInfoOffset, dwPermanentPhoneID, dwPhoneNameSize, dwPhoneNameOffset, dwStringFormat;
    DWORD dwPhoneStates, dwHookSwitchDevs, dwHandsetHookSwitchModes, dwSpeakerHookSwitchModes, dwHeadsetHookSwitchModes;
    DWORD dwVolumeFlags, dwGainFlags, dwDisplayNumRows, dwDisplayNumColumns, dwNumRingModes, dwNumButtonLamps;
    DWORD dwButtonModesSize, dwButtonModesOffset, dwButtonFunctionsSize, dwButtonFunctionsOffset, dwLampModesSize, dwLampModesOffset;
    DWORD dwNumSetData, dwSetDataSize, dwSetDataOffset, dwNumGetData, dwGetDataSize, dwGetDataOffset, dwDevSpecificSize, dwDevSpecificOffset;
    DWORD dwDeviceClassesSize, dwDeviceClassesOffset, dwPhoneFeatures;
    DWORD dwSettableHandsetHookSwitchModes, dwSettableSpeakerHookSwitchModes, dwSettableHeadsetHookSwitchModes;
    DWORD dwMonitoredHandsetHookSwitchModes, dwMonitoredSpeakerHookSwitchModes, dwMonitoredHeadsetHookSwitchModes;
    GUID PermanentPhoneGuid;
} PHONECAPS;
#pragma pack(pop)

/* The shim's TSPI exports with tspi.h's signatures; tapisim and bench/tspibench look them up by name
 * (dlsym) as TAPI does. */
typedef LONG TSPI_providerEnumDevices_fn(DWORD, DWORD *, DWORD *, HPROVIDER, LINEEVENT, PHONEEVENT);
typedef LONG TSPI_providerInit_fn(DWORD, DWORD, DWORD, DWORD, DWORD_PTR, DWORD_PTR, ASYNC_COMPLETION, DWORD *);
typedef LONG TSPI_providerShutdown_fn(DWORD, DWORD);
typedef LONG TSPI_providerInstall_fn(HWND, DWORD);
typedef LONG TSPI_providerConfig_fn(HWND, DWORD);
typedef LONG TSPI_providerRemove_fn(HWND, DWORD);
typedef LONG TSPI_providerCreateLineDevice_fn(DWORD_PTR, DWORD);
typedef LONG TSPI_providerCreatePhoneDevice_fn(DWORD_PTR, DWORD);
typedef LONG TSPI_lineNegotiateTSPIVersion_fn(DWORD, DWORD, DWORD, DWORD *);
typedef LONG TSPI_lineNegotiateExtVersion_fn(DWORD, DWORD, DWORD, DWORD, DWORD *);
typedef LONG TSPI_lineSelectExtVersion_fn(HDRVLINE, DWORD);
typedef LONG TSPI_lineOpen_fn(DWORD, HTAPILINE, HDRVLINE *, DWORD, LINEEVENT);
typedef LONG TSPI_lineClose_fn(HDRVLINE);
typedef LONG TSPI_lineGetDevCaps_fn(DWORD, DWORD, DWORD, LINEDEVCAPS *);
typedef LONG TSPI_lineGetAddressCaps_fn(DWORD, DWORD, DWORD, DWORD, LINEADDRESSCAPS *);
typedef LONG TSPI_lineGetCallInfo_fn(HDRVCALL, LINECALLINFO *);
typedef LONG TSPI_lineGetCallStatus_fn(HDRVCALL, LINECALLSTATUS *);
typedef LONG TSPI_lineMakeCall_fn(DWORD, HDRVLINE, HTAPICALL, HDRVCALL *, const WCHAR *, DWORD, LINECALLPARAMS *);
typedef LONG TSPI_lineDial_fn(DWORD, HDRVCALL, const WCHAR *, DWORD);
typedef LONG TSPI_lineAnswer_fn(DWORD, HDRVCALL, const char *, DWORD);
typedef LONG TSPI_lineDrop_fn(DWORD, HDRVCALL, const char *, DWORD);
typedef LONG TSPI_lineHold_fn(DWORD, HDRVCALL);
typedef LONG TSPI_lineUnhold_fn(DWORD, HDRVCALL);
typedef LONG TSPI_lineSetupTransfer_fn(DWORD, HDRVCALL, HTAPICALL, HDRVCALL *, LINECALLPARAMS *);
typedef LONG TSPI_lineCompleteTransfer_fn(DWORD, HDRVCALL, HDRVCALL, HTAPICALL, HDRVCALL *, DWORD);
typedef LONG TSPI_lineSetupConference_fn(DWORD, HDRVCALL, HDRVLINE, HTAPICALL, HDRVCALL *, HTAPICALL, HDRVCALL *, DWORD, LINECALLPARAMS *);
typedef LONG TSPI_lineCloseCall_fn(HDRVCALL);
typedef LONG TSPI_phoneNegotiateTSPIVersion_fn(DWORD, DWORD, DWORD, DWORD *);
typedef LONG TSPI_phoneOpen_fn(DWORD, HTAPIPHONE, HDRVPHONE *, DWORD, PHONEEVENT);
typedef LONG TSPI_phoneClose_fn(HDRVPHONE);
typedef LONG TSPI_phoneGetDevCaps_fn(DWORD, DWORD, DWORD, PHONECAPS *);
typedef LONG TSPI_phoneGetHookSwitch_fn(HDRVPHONE, DWORD *);
typedef LONG TSPI_phoneSetHookSwitch_fn(DWORD, HDRVPHONE, DWORD, DWORD);
typedef LONG TSPI_phoneSetRing_fn(DWORD, HDRVPHONE, DWORD, DWORD);
typedef LONG TSPI_phoneGetRing_fn(HDRVPHONE, DWORD *, DWORD *);
typedef LONG TSPI_phoneSetLamp_fn(DWORD, HDRVPHONE, DWORD, DWORD);

#define INITIALIZE_NEGOTIATION 0xFFFFFFFFu
#define TAPI_2_0 0x00020000u
#define TAPI_2_2 0x00020002u
#define TAPI_3_0 0x00030000u
#define TAPI_3_1 0x00030001u

#define LINE_CALLINFO 1
#define LINE_CALLSTATE 2
#define LINE_CLOSE 3
#define LINE_LINEDEVSTATE 8
#define LINE_CREATE 19
#define LINE_NEWCALL 500
#define PHONE_STATE 18

#define LINECALLSTATE_IDLE 0x1
#define LINECALLSTATE_OFFERING 0x2
#define LINECALLSTATE_DIALTONE 0x8
#define LINECALLSTATE_DIALING 0x10
#define LINECALLSTATE_RINGBACK 0x20
#define LINECALLSTATE_CONNECTED 0x100
#define LINECALLSTATE_ONHOLD 0x400
#define LINECALLSTATE_CONFERENCED 0x800
#define LINECALLSTATE_ONHOLDPENDCONF 0x1000
#define LINECALLSTATE_ONHOLDPENDTRANSFER 0x2000

#define LINEDEVSTATE_INSERVICE 0x40
#define LINEDEVSTATE_OUTOFSERVICE 0x80
#define PHONESTATE_DISCONNECTED 0x4
#define LINEDEVSTATE_REINIT 0x40000
#define PHONESTATE_LAMP 0x40
#define PHONESTATE_RINGMODE 0x80
#define PHONESTATE_HANDSETHOOKSWITCH 0x200
#define PHONESTATE_REINIT 0x200000

#define LINEERR_INCOMPATIBLEEXTVERSION ((LONG)0x8000000D)
#define LINEERR_INVALCALLHANDLE ((LONG)0x80000018)
#define LINEERR_INVALLINEHANDLE ((LONG)0x8000002B)
#define LINEERR_NODRIVER ((LONG)0x80000043)
#define LINEERR_OPERATIONFAILED ((LONG)0x80000048)
#define LINEERR_OPERATIONUNAVAIL ((LONG)0x80000049)
#define LINEERR_STRUCTURETOOSMALL ((LONG)0x8000004D)
#define PHONEERR_STRUCTURETOOSMALL ((LONG)0x90000021)
#define PHONEERR_OPERATIONFAILED ((LONG)0x9000001C)

#define LINETRANSFERMODE_TRANSFER 1
#define PHONEHOOKSWITCHDEV_HANDSET 1
#define PHONEHOOKSWITCHMODE_ONHOOK 1
#define PHONEHOOKSWITCHMODE_MICSPEAKER 8
#define PHONELAMPMODE_STEADY 4

#endif
