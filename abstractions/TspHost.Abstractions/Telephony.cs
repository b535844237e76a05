namespace TspHost.Abstractions;

// The values of these enums are TAPI's own, so the host maps them without tables; the names are the
// domain's. They carry no handle, request ID or interface version.

/// <summary>The state of a call (LINECALLSTATE_*).</summary>
public enum CallState
{
    /// <summary>No call.</summary>
    Idle = 0x1,
    /// <summary>An incoming call is being offered.</summary>
    Offering = 0x2,
    /// <summary>An offered call was claimed.</summary>
    Accepted = 0x4,
    /// <summary>Dial tone.</summary>
    DialTone = 0x8,
    /// <summary>Digits are being dialled.</summary>
    Dialing = 0x10,
    /// <summary>The far end is ringing.</summary>
    Ringback = 0x20,
    /// <summary>The far end is busy.</summary>
    Busy = 0x40,
    /// <summary>Special information tones.</summary>
    SpecialInfo = 0x80,
    /// <summary>Connected.</summary>
    Connected = 0x100,
    /// <summary>Dialling done, the network is working on it.</summary>
    Proceeding = 0x200,
    /// <summary>On hold.</summary>
    OnHold = 0x400,
    /// <summary>Member of a conference.</summary>
    Conferenced = 0x800,
    /// <summary>On hold while a conference is set up.</summary>
    OnHoldPendingConference = 0x1000,
    /// <summary>On hold while a transfer is set up.</summary>
    OnHoldPendingTransfer = 0x2000,
    /// <summary>The far end disconnected.</summary>
    Disconnected = 0x4000,
    /// <summary>Unknown.</summary>
    Unknown = 0x8000,
}

/// <summary>Why a call was disconnected (LINEDISCONNECTMODE_*).</summary>
public enum DisconnectMode
{
    /// <summary>Not given.</summary>
    None = 0,
    /// <summary>Normal hang-up by the far end.</summary>
    Normal = 0x1,
    /// <summary>Unknown reason.</summary>
    Unknown = 0x2,
    /// <summary>The far end rejected the call.</summary>
    Reject = 0x4,
    /// <summary>The far end was busy.</summary>
    Busy = 0x20,
    /// <summary>The far end did not answer.</summary>
    NoAnswer = 0x40,
    /// <summary>The address was invalid.</summary>
    BadAddress = 0x80,
    /// <summary>The far end could not be reached.</summary>
    Unreachable = 0x100,
    /// <summary>There was no dial tone.</summary>
    NoDialTone = 0x1000,
}

/// <summary>Media modes (LINEMEDIAMODE_*).</summary>
[Flags]
public enum MediaModes
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>Unknown.</summary>
    Unknown = 0x2,
    /// <summary>A person talking.</summary>
    InteractiveVoice = 0x4,
    /// <summary>Voice from a machine.</summary>
    AutomatedVoice = 0x8,
    /// <summary>A data modem connection.</summary>
    DataModem = 0x10,
    /// <summary>Group 3 fax.</summary>
    G3Fax = 0x20,
}

/// <summary>How a transfer completes (LINETRANSFERMODE_*).</summary>
public enum TransferMode
{
    /// <summary>The two other parties are connected; both calls end.</summary>
    Transfer = 1,
    /// <summary>All three parties join a conference.</summary>
    Conference = 2,
}

/// <summary>Hook switch devices (PHONEHOOKSWITCHDEV_*).</summary>
[Flags]
public enum HookSwitchDevices
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>The handset.</summary>
    Handset = 0x1,
    /// <summary>The speakerphone.</summary>
    Speaker = 0x2,
    /// <summary>The headset.</summary>
    Headset = 0x4,
}

/// <summary>Hook switch modes (PHONEHOOKSWITCHMODE_*).</summary>
[Flags]
public enum HookSwitchMode
{
    /// <summary>Not given.</summary>
    None = 0,
    /// <summary>On hook: microphone and speaker off.</summary>
    OnHook = 0x1,
    /// <summary>Microphone on, speaker off.</summary>
    Mic = 0x2,
    /// <summary>Speaker on, microphone off.</summary>
    Speaker = 0x4,
    /// <summary>Off hook: microphone and speaker on.</summary>
    MicSpeaker = 0x8,
    /// <summary>Unknown.</summary>
    Unknown = 0x10,
}

/// <summary>Lamp modes (PHONELAMPMODE_*).</summary>
public enum LampMode
{
    /// <summary>Off.</summary>
    Off = 0x2,
    /// <summary>Steadily on.</summary>
    Steady = 0x4,
    /// <summary>Winking (slow on/off).</summary>
    Wink = 0x8,
    /// <summary>Flashing (fast on/off).</summary>
    Flash = 0x10,
}

/// <summary>What a phone button does (PHONEBUTTONMODE_*).</summary>
public enum PhoneButtonMode
{
    /// <summary>A call appearance button.</summary>
    Call = 0x2,
    /// <summary>A feature button (hold, transfer, ...).</summary>
    Feature = 0x4,
    /// <summary>A keypad button.</summary>
    Keypad = 0x8,
}

/// <summary>Whether a phone button went down or up (PHONEBUTTONSTATE_*).</summary>
public enum PhoneButtonState
{
    /// <summary>Released.</summary>
    Up = 0x1,
    /// <summary>Pressed.</summary>
    Down = 0x2,
}

/// <summary>The kind of failure a backend reports; the host turns it into TAPI's error code.</summary>
public enum TelephonyError
{
    /// <summary>The operation failed (the usual case).</summary>
    OperationFailed,
    /// <summary>The device does not support the operation.</summary>
    OperationUnavailable,
    /// <summary>The call is not in a state that allows the operation.</summary>
    InvalidCallState,
    /// <summary>A resource (a channel, a port) is not available now.</summary>
    ResourceUnavailable,
    /// <summary>The address to dial is invalid.</summary>
    InvalidAddress,
    /// <summary>A parameter is invalid.</summary>
    InvalidParameter,
    /// <summary>The device is gone or not answering.</summary>
    NoDevice,
    /// <summary>The device is in use by someone else.</summary>
    Allocated,
}

/// <summary>A telephony operation failed; <see cref="Error"/> says how, the message says why.</summary>
public sealed class TelephonyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TelephonyException(TelephonyError error, string message, Exception? innerException = null)
        : base(message, innerException) => Error = error;

    /// <summary>The kind of failure.</summary>
    public TelephonyError Error { get; }
}

/// <summary>The failure of an optional operation a device does not implement.</summary>
internal static class Unavailable
{
    public static ValueTask Operation(string operation) => ValueTask.FromException(Error(operation));

    public static ValueTask<T> Operation<T>(string operation) => ValueTask.FromException<T>(Error(operation));

    private static TelephonyException Error(string operation) =>
        new(TelephonyError.OperationUnavailable, $"{operation} is not supported by this device.");
}
