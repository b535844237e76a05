using MessagePack;
using TspHost.Abstractions;

namespace TspHost.Workers.Channel;

// The plugin contract as it crosses the channel between the host and a plugin's worker process.
// Devices and calls are named by IDs: the worker numbers the devices it reports (and the calls its
// plugin announces, negative), the host numbers the calls it asks for (positive), so a call's events
// can reach the host before the request that made it has returned, as they may in-process.
// Everything is MessagePack (arrays keyed by position): versioned with the host, never persisted.

/// <summary>What the host asks of a worker (requests; the worker serves them concurrently, as the engine calls a plugin in-process).</summary>
internal interface IWorkerService
{
    /// <summary>The worker has loaded its plugin (or failed to): the first request on a new channel.</summary>
    Task<WorkerReady> HelloAsync();

    /// <summary>Heartbeat: answers at once with the worker's memory.</summary>
    Task<WorkerStatus> PingAsync();

    Task<SettingsProblemDto?> ValidateSettingsAsync(SettingsDto settings);

    Task RunHookAsync(HookKind hook, SettingsDto settings, CancellationToken cancellationToken);

    Task<SessionDto> StartSessionAsync(SettingsDto settings, CancellationToken cancellationToken);

    Task EndSessionAsync(CancellationToken cancellationToken);

    Task OpenLineAsync(long line, CancellationToken cancellationToken);

    Task CloseLineAsync(long line, CancellationToken cancellationToken);

    Task<string> MakeCallAsync(long line, long call, MakeCallDto request, CancellationToken cancellationToken);

    Task<ConferenceDto> SetupConferenceAsync(long line, long initialCall, long conferenceCall, long consultationCall, int parties, CancellationToken cancellationToken);

    Task CallOperationAsync(long call, CallOperation operation, string? digits, CancellationToken cancellationToken);

    Task<string> SetupTransferAsync(long call, long consultationCall, CancellationToken cancellationToken);

    Task<string?> CompleteTransferAsync(long call, long consultationCall, TransferMode mode, long conferenceCall, CancellationToken cancellationToken);

    Task ReleaseCallAsync(long call, CancellationToken cancellationToken);

    Task OpenPhoneAsync(long phone, CancellationToken cancellationToken);

    Task ClosePhoneAsync(long phone, CancellationToken cancellationToken);

    Task PhoneOperationAsync(long phone, PhoneOperation operation, int first, int second, CancellationToken cancellationToken);
}

/// <summary>What a worker tells the host (notifications, sent and handled in the order the plugin reported them).</summary>
internal interface IHostCallbacks
{
    void Log(BackendLogLevel level, string message, string? exception);

    void LineArrived(LineDto line);

    void LineDeparted(long line);

    void PhoneArrived(PhoneDto phone);

    void PhoneDeparted(long phone);

    void NewCall(long line, long call, string backendId, NewCallDto info);

    void Ringing(long line, int ringCount);

    void LineService(long line, bool inService);

    void CallState(long call, CallState state, DisconnectMode mode);

    void CallParty(long call, PartyRole role, PartyDto party);

    void CallMediaMode(long call, MediaModes mediaMode);

    void CallDigit(long call, char digit);

    void PhoneButton(long phone, int buttonId, PhoneButtonMode mode, PhoneButtonState state);

    void PhoneHookSwitch(long phone, HookSwitchDevices device, HookSwitchMode mode);

    void PhoneService(long phone, bool inService);
}

internal enum HookKind
{
    Install,
    Configure,
    Remove,
}

internal enum CallOperation
{
    Answer,
    Dial,
    Drop,
    Hold,
    Unhold,
}

internal enum PhoneOperation
{
    SetHookSwitch,
    SetRing,
    SetLamp,
}

/// <summary>Error codes of the channel's failed requests (JSON-RPC application codes).</summary>
internal static class WorkerErrors
{
    /// <summary>The plugin threw a <see cref="TelephonyException"/>: the code is this plus its <see cref="TelephonyError"/>.</summary>
    public const int Telephony = 1000;

    /// <summary>The plugin threw anything else: the message names the exception's type.</summary>
    public const int Plugin = 2000;

    /// <summary>The request names a device, call or session the worker does not have.</summary>
    public const int Unknown = 2001;
}

[MessagePackObject]
public sealed record WorkerReady([property: Key(0)] int ProcessId, [property: Key(1)] string? Problem, [property: Key(2)] string ContractVersion);

[MessagePackObject]
public sealed record WorkerStatus([property: Key(0)] long ManagedHeapBytes, [property: Key(1)] long WorkingSetBytes);

[MessagePackObject]
public sealed record SettingsDto([property: Key(0)] Dictionary<string, string> Values, [property: Key(1)] string Source, [property: Key(2)] string Section)
{
    public static SettingsDto From(BackendSettings settings) =>
        new(settings.ToDictionary(StringComparer.OrdinalIgnoreCase), settings.Source, settings.Section);

    public BackendSettings ToSettings() => new(Values, Source, Section);
}

/// <summary>Why settings were refused: a <see cref="BackendConfigurationException"/>'s parts, or (Key null) another failure's message.</summary>
[MessagePackObject]
public sealed record SettingsProblemDto([property: Key(0)] string Message, [property: Key(1)] string? Source, [property: Key(2)] string? Key,
    [property: Key(3)] string? ActualValue, [property: Key(4)] string? ExpectedForm);

[MessagePackObject]
public sealed record VersionRangeDto([property: Key(0)] ushort LowMajor, [property: Key(1)] ushort LowMinor, [property: Key(2)] ushort HighMajor, [property: Key(3)] ushort HighMinor)
{
    public static VersionRangeDto? From(VersionRange? range) =>
        range is null ? null : new(range.Lowest.Major, range.Lowest.Minor, range.Highest.Major, range.Highest.Minor);

    public VersionRange ToRange() => new(new ApiVersion(LowMajor, LowMinor), new ApiVersion(HighMajor, HighMinor));
}

[MessagePackObject]
public sealed record LineDto(
    [property: Key(0)] long Id, [property: Key(1)] string Key, [property: Key(2)] string Name, [property: Key(3)] string? ProviderInfo,
    [property: Key(4)] string? Address, [property: Key(5)] LineFeatures Features, [property: Key(6)] MediaModes MediaModes,
    [property: Key(7)] int MaxActiveCalls, [property: Key(8)] bool CloseDrops, [property: Key(9)] VersionRangeDto InterfaceVersions,
    [property: Key(10)] VersionRangeDto? ExtensionVersions)
{
    public static LineDto From(long id, string key, LineCapabilities c) => new(id, key, c.Name, c.ProviderInfo, c.Address, c.Features, c.MediaModes,
        c.MaxActiveCalls, c.CloseDrops, VersionRangeDto.From(c.InterfaceVersions)!, VersionRangeDto.From(c.ExtensionVersions));

    public LineCapabilities ToCapabilities() => new()
    {
        Name = Name, ProviderInfo = ProviderInfo, Address = Address, Features = Features, MediaModes = MediaModes, MaxActiveCalls = MaxActiveCalls,
        CloseDrops = CloseDrops, InterfaceVersions = InterfaceVersions.ToRange(), ExtensionVersions = ExtensionVersions?.ToRange(),
    };
}

[MessagePackObject]
public sealed record PhoneDto(
    [property: Key(0)] long Id, [property: Key(1)] string Key, [property: Key(2)] string Name, [property: Key(3)] string? ProviderInfo,
    [property: Key(4)] PhoneFeatures Features, [property: Key(5)] HookSwitchDevices HookSwitchDevices, [property: Key(6)] HookSwitchMode SettableHookSwitchModes,
    [property: Key(7)] int RingModes, [property: Key(8)] int LampCount, [property: Key(9)] int ButtonCount, [property: Key(10)] VersionRangeDto InterfaceVersions,
    [property: Key(11)] VersionRangeDto? ExtensionVersions, [property: Key(12)] string? AssociatedLineKey)
{
    public static PhoneDto From(long id, string key, PhoneCapabilities c) => new(id, key, c.Name, c.ProviderInfo, c.Features, c.HookSwitchDevices,
        c.SettableHookSwitchModes, c.RingModes, c.LampCount, c.ButtonCount, VersionRangeDto.From(c.InterfaceVersions)!, VersionRangeDto.From(c.ExtensionVersions),
        c.AssociatedLineKey);

    public PhoneCapabilities ToCapabilities() => new()
    {
        Name = Name, ProviderInfo = ProviderInfo, Features = Features, HookSwitchDevices = HookSwitchDevices, SettableHookSwitchModes = SettableHookSwitchModes,
        RingModes = RingModes, LampCount = LampCount, ButtonCount = ButtonCount, InterfaceVersions = InterfaceVersions.ToRange(),
        ExtensionVersions = ExtensionVersions?.ToRange(), AssociatedLineKey = AssociatedLineKey,
    };
}

[MessagePackObject]
public sealed record SessionDto([property: Key(0)] List<LineDto> Lines, [property: Key(1)] List<PhoneDto> Phones);

[MessagePackObject]
public sealed record MakeCallDto([property: Key(0)] string? Destination, [property: Key(1)] MediaModes MediaMode, [property: Key(2)] bool MoreDigitsFollow);

[MessagePackObject]
public sealed record ConferenceDto([property: Key(0)] string ConferenceId, [property: Key(1)] string ConsultationId);

[MessagePackObject]
public sealed record PartyDto([property: Key(0)] string? Number, [property: Key(1)] string? Name, [property: Key(2)] PartyAvailability Availability)
{
    public static PartyDto? From(PartyId? party) => party is null ? null : new(party.Number, party.Name, party.Availability);

    public PartyId ToParty() => new() { Number = Number, Name = Name, Availability = Availability };
}

[MessagePackObject]
public sealed record NewCallDto([property: Key(0)] CallState InitialState, [property: Key(1)] CallOrigin Origin, [property: Key(2)] MediaModes MediaMode,
    [property: Key(3)] PartyDto? Caller);
