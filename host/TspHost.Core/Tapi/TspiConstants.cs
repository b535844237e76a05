namespace TspHost.Core.Tapi;

// TAPI's numeric vocabulary (tapi.h / tspi.h), as listed with sources in TSPI-FACTS.md.
// Result codes are 32-bit values returned as int: 0 is success, negative is an error, and an
// asynchronous function returns its positive request ID.

/// <summary>LINEERR_* result codes.</summary>
public static class LineErr
{
    public const int Allocated = unchecked((int)0x80000001);
    public const int BadDeviceId = unchecked((int)0x80000002);
    public const int CallUnavail = unchecked((int)0x80000005);
    public const int IncompatibleApiVersion = unchecked((int)0x8000000C);
    public const int IncompatibleExtVersion = unchecked((int)0x8000000D);
    public const int IniFileCorrupt = unchecked((int)0x8000000E);
    public const int InUse = unchecked((int)0x8000000F);
    public const int InvalAddress = unchecked((int)0x80000010);
    public const int InvalAddressId = unchecked((int)0x80000011);
    public const int InvalCallHandle = unchecked((int)0x80000018);
    public const int InvalCallState = unchecked((int)0x8000001C);
    public const int InvalLineHandle = unchecked((int)0x8000002B);
    public const int InvalParam = unchecked((int)0x80000032);
    public const int NoDevice = unchecked((int)0x80000042);
    public const int NoDriver = unchecked((int)0x80000043);
    public const int NoMem = unchecked((int)0x80000044);
    public const int OperationFailed = unchecked((int)0x80000048);
    public const int OperationUnavail = unchecked((int)0x80000049);
    public const int ResourceUnavail = unchecked((int)0x8000004B);
    public const int StructureTooSmall = unchecked((int)0x8000004D);
    public const int Reinit = unchecked((int)0x80000052);
    public const int NoMultipleInstance = unchecked((int)0x80000056);
}

/// <summary>PHONEERR_* result codes.</summary>
public static class PhoneErr
{
    public const int Allocated = unchecked((int)0x90000001);
    public const int BadDeviceId = unchecked((int)0x90000002);
    public const int IncompatibleApiVersion = unchecked((int)0x90000003);
    public const int IncompatibleExtVersion = unchecked((int)0x90000004);
    public const int InUse = unchecked((int)0x90000006);
    public const int InvalButtonLampId = unchecked((int)0x90000009);
    public const int InvalHookSwitchDev = unchecked((int)0x9000000F);
    public const int InvalHookSwitchMode = unchecked((int)0x90000010);
    public const int InvalLampMode = unchecked((int)0x90000011);
    public const int InvalParam = unchecked((int)0x90000012);
    public const int InvalPhoneHandle = unchecked((int)0x90000013);
    public const int InvalPhoneState = unchecked((int)0x90000014);
    public const int InvalRingMode = unchecked((int)0x90000017);
    public const int NoDevice = unchecked((int)0x90000018);
    public const int NoMem = unchecked((int)0x9000001A);
    public const int OperationFailed = unchecked((int)0x9000001C);
    public const int OperationUnavail = unchecked((int)0x9000001D);
    public const int ResourceUnavail = unchecked((int)0x9000001F);
    public const int StructureTooSmall = unchecked((int)0x90000021);
}

/// <summary>Messages a provider sends through TAPI's line event callback (LINE_*).</summary>
public enum LineMessage : uint
{
    CallInfo = 1,
    CallState = 2,
    Close = 3,
    LineDevState = 8,
    MonitorDigits = 9,
    Create = 19,
    Remove = 25,
    NewCall = 500,
}

/// <summary>Messages a provider sends through TAPI's phone event callback (PHONE_*).</summary>
public enum PhoneMessage : uint
{
    Button = 14,
    Close = 15,
    State = 18,
    Create = 20,
    Remove = 26,
}

/// <summary>LINEDEVSTATE_* flags (parameter 1 of LINE_LINEDEVSTATE).</summary>
public static class LineDevState
{
    public const uint Ringing = 0x2;
    public const uint InService = 0x40;
    public const uint OutOfService = 0x80;
    public const uint Open = 0x200;
    public const uint Close = 0x400;
    public const uint Reinit = 0x40000;
    public const uint Removed = 0x1000000;
}

/// <summary>PHONESTATE_* flags (parameter 1 of PHONE_STATE).</summary>
public static class PhoneStateFlags
{
    public const uint Connected = 0x2;
    public const uint Disconnected = 0x4;
    public const uint Lamp = 0x40;
    public const uint RingMode = 0x80;
    public const uint RingVolume = 0x100;
    public const uint HandsetHookSwitch = 0x200;
    public const uint SpeakerHookSwitch = 0x1000;
    public const uint HeadsetHookSwitch = 0x8000;
    public const uint Reinit = 0x200000;
    public const uint Removed = 0x800000;
}

/// <summary>LINECALLINFOSTATE_* flags (parameter 1 of LINE_CALLINFO).</summary>
public static class CallInfoState
{
    public const uint MediaMode = 0x10;
    public const uint Origin = 0x100;
    public const uint CallerId = 0x8000;
    public const uint CalledId = 0x10000;
    public const uint ConnectedId = 0x20000;
}

/// <summary>LINECALLFEATURE_* flags (what a call allows in its current state).</summary>
[Flags]
public enum CallFeatures : uint
{
    None = 0,
    Answer = 0x4,
    CompleteTransfer = 0x20,
    Dial = 0x40,
    Drop = 0x80,
    Hold = 0x800,
    SetupConference = 0x1000000,
    SetupTransfer = 0x2000000,
    Unhold = 0x8000000,
}

/// <summary>LINECALLORIGIN_* values.</summary>
public static class CallOriginFlags
{
    public const uint Outbound = 0x1;
    public const uint Internal = 0x2;
    public const uint External = 0x4;
    public const uint Conference = 0x40;
    public const uint Inbound = 0x80;
}

/// <summary>LINECALLPARTYID_* flags.</summary>
public static class CallPartyIdFlags
{
    public const uint Blocked = 0x1;
    public const uint OutOfArea = 0x2;
    public const uint Name = 0x4;
    public const uint Address = 0x8;
    public const uint Unknown = 0x40;
    public const uint Unavail = 0x80;
}

/// <summary>Other constants.</summary>
public static class Tspi
{
    /// <summary>The device ID TAPI passes to lineNegotiateTSPIVersion before providerInit.</summary>
    public const uint InitializeNegotiation = 0xFFFFFFFF;

    /// <summary>LINEDEVCAPFLAGS_CLOSEDROP.</summary>
    public const uint DevCapFlagsCloseDrop = 0x20;

    /// <summary>LINETSPIOPTION_NONREENTRANT.</summary>
    public const uint OptionNonReentrant = 0x1;
}
