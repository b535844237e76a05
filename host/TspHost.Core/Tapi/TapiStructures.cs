namespace TspHost.Core.Tapi;

// The contents of TAPI's variable-size structures in managed form. The shim (or any other front end)
// lays them out by TAPI's rules (dwTotalSize / dwNeededSize / dwUsedSize, strings at offsets).

/// <summary>LINEDEVCAPS.</summary>
public sealed record LineDevCapsData(
    string ProviderInfo,
    string SwitchInfo,
    uint PermanentProviderId,
    uint PermanentLineId,
    string LineName,
    uint NumAddresses,
    uint MaxNumActiveCalls,
    uint MediaModes,
    uint DevCapFlags,
    uint CallFeatures,
    uint ExtVersionLow,
    uint ExtVersionHigh);

/// <summary>LINEADDRESSCAPS.</summary>
public sealed record LineAddressCapsData(
    uint LineDeviceId,
    string Address,
    uint CallStates,
    uint DisconnectModes,
    uint CallerIdFlags,
    uint MaxNumActiveCalls,
    uint MaxNumOnHoldCalls,
    uint MaxNumConference,
    uint CallFeatures,
    uint TransferModes);

/// <summary>LINECALLINFO.</summary>
public sealed record LineCallInfoData(
    uint LineDeviceId,
    uint AddressId,
    uint MediaMode,
    uint CallStates,
    uint Origin,
    uint Reason,
    uint CallerIdFlags,
    string? CallerId,
    string? CallerIdName,
    uint CalledIdFlags,
    string? CalledId,
    string? CalledIdName,
    uint ConnectedIdFlags,
    string? ConnectedId,
    string? ConnectedIdName);

/// <summary>LINECALLSTATUS.</summary>
public sealed record LineCallStatusData(uint CallState, uint CallStateMode, uint CallFeatures, DateTimeOffset StateEntryTime);

/// <summary>PHONECAPS.</summary>
public sealed record PhoneCapsData(
    string ProviderInfo,
    string PhoneInfo,
    uint PermanentProviderId,
    uint PermanentPhoneId,
    string PhoneName,
    uint HookSwitchDevs,
    uint HookSwitchModes,
    uint NumRingModes,
    uint NumButtonLamps,
    uint PhoneFeatures);
