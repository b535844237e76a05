namespace TspHost.Abstractions;

/// <summary>A version as major.minor, used for the interface and extension versions a device supports.</summary>
/// <param name="Major">The major version.</param>
/// <param name="Minor">The minor version.</param>
public readonly record struct ApiVersion(ushort Major, ushort Minor) : IComparable<ApiVersion>
{
    /// <inheritdoc />
    public int CompareTo(ApiVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    /// <summary>Compares two versions.</summary>
    public static bool operator <(ApiVersion left, ApiVersion right) => left.CompareTo(right) < 0;

    /// <summary>Compares two versions.</summary>
    public static bool operator >(ApiVersion left, ApiVersion right) => left.CompareTo(right) > 0;

    /// <summary>Compares two versions.</summary>
    public static bool operator <=(ApiVersion left, ApiVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Compares two versions.</summary>
    public static bool operator >=(ApiVersion left, ApiVersion right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => $"{Major}.{Minor}";
}

/// <summary>An inclusive range of versions.</summary>
/// <param name="Lowest">The lowest version supported.</param>
/// <param name="Highest">The highest version supported.</param>
public sealed record VersionRange(ApiVersion Lowest, ApiVersion Highest)
{
    /// <summary>The interface versions the host supports unless a device narrows them: 2.0 to 3.1.</summary>
    public static VersionRange DefaultInterface { get; } = new(new ApiVersion(2, 0), new ApiVersion(3, 1));

    /// <summary>Whether <paramref name="version"/> lies in the range.</summary>
    public bool Contains(ApiVersion version) => version >= Lowest && version <= Highest;

    /// <inheritdoc />
    public override string ToString() => $"{Lowest}-{Highest}";
}

/// <summary>What a line device can do. The host rejects unlisted operations with OPERATIONUNAVAIL.</summary>
public sealed record LineCapabilities
{
    /// <summary>The line's name as users see it.</summary>
    public required string Name { get; init; }

    /// <summary>Free text about the hardware (manufacturer, model).</summary>
    public string? ProviderInfo { get; init; }

    /// <summary>The line's own address (its number), if it has one.</summary>
    public string? Address { get; init; }

    /// <summary>The operations the line supports.</summary>
    public LineFeatures Features { get; init; } = LineFeatures.MakeCall | LineFeatures.Answer | LineFeatures.Drop;

    /// <summary>The media modes calls on the line may have.</summary>
    public MediaModes MediaModes { get; init; } = MediaModes.InteractiveVoice;

    /// <summary>How many calls the line can hold at once.</summary>
    public int MaxActiveCalls { get; init; } = 1;

    /// <summary>Whether closing the line drops its calls (LINEDEVCAPFLAGS_CLOSEDROP).</summary>
    public bool CloseDrops { get; init; } = true;

    /// <summary>The interface versions the device supports.</summary>
    public VersionRange InterfaceVersions { get; init; } = VersionRange.DefaultInterface;

    /// <summary>The device-specific extension versions the device supports, or <c>null</c> for none.</summary>
    public VersionRange? ExtensionVersions { get; init; }
}

/// <summary>What a phone device can do.</summary>
public sealed record PhoneCapabilities
{
    /// <summary>The phone's name as users see it.</summary>
    public required string Name { get; init; }

    /// <summary>Free text about the hardware.</summary>
    public string? ProviderInfo { get; init; }

    /// <summary>The operations the phone supports.</summary>
    public PhoneFeatures Features { get; init; } = PhoneFeatures.SetHookSwitch | PhoneFeatures.SetRing;

    /// <summary>The hook switch devices the phone has.</summary>
    public HookSwitchDevices HookSwitchDevices { get; init; } = HookSwitchDevices.Handset;

    /// <summary>The hook switch modes the phone can be set to.</summary>
    public HookSwitchMode SettableHookSwitchModes { get; init; } = HookSwitchMode.OnHook | HookSwitchMode.MicSpeaker;

    /// <summary>How many ring patterns the ringer has (ring mode 1..N; 0 is silent).</summary>
    public int RingModes { get; init; } = 1;

    /// <summary>How many lamps the phone has.</summary>
    public int LampCount { get; init; }

    /// <summary>How many buttons the phone has (keypad included).</summary>
    public int ButtonCount { get; init; } = 12;

    /// <summary>The interface versions the device supports.</summary>
    public VersionRange InterfaceVersions { get; init; } = VersionRange.DefaultInterface;

    /// <summary>The device-specific extension versions the device supports, or <c>null</c> for none.</summary>
    public VersionRange? ExtensionVersions { get; init; }

    /// <summary>
    /// The key of a line (of any backend) this phone belongs to, when the backend knows it; the host
    /// routes hook switch and keys of an associated phone to that line.
    /// </summary>
    public string? AssociatedLineKey { get; init; }
}

/// <summary>Line operations.</summary>
[Flags]
public enum LineFeatures
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>Place calls.</summary>
    MakeCall = 1 << 0,
    /// <summary>Dial more digits on a call.</summary>
    Dial = 1 << 1,
    /// <summary>Answer offering calls.</summary>
    Answer = 1 << 2,
    /// <summary>Drop calls.</summary>
    Drop = 1 << 3,
    /// <summary>Hold calls.</summary>
    Hold = 1 << 4,
    /// <summary>Retrieve held calls.</summary>
    Unhold = 1 << 5,
    /// <summary>Start a transfer.</summary>
    SetupTransfer = 1 << 6,
    /// <summary>Complete a transfer.</summary>
    CompleteTransfer = 1 << 7,
    /// <summary>Set up a conference.</summary>
    SetupConference = 1 << 8,
    /// <summary>Every operation above.</summary>
    All = MakeCall | Dial | Answer | Drop | Hold | Unhold | SetupTransfer | CompleteTransfer | SetupConference,
}

/// <summary>Phone operations.</summary>
[Flags]
public enum PhoneFeatures
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>Set the hook switch.</summary>
    SetHookSwitch = 1 << 0,
    /// <summary>Set the ringer.</summary>
    SetRing = 1 << 1,
    /// <summary>Set lamps.</summary>
    SetLamp = 1 << 2,
}
