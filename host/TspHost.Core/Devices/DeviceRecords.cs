using TspHost.Abstractions;
using TspHost.Core.Versions;

namespace TspHost.Core.Devices;

/// <summary>A line device as TAPI numbers it for one session.</summary>
public sealed class LineEntry(string plugin, ILineDevice device, LineCapabilities capabilities, VersionRange versions, uint permanentId)
{
    public string Plugin { get; } = plugin;

    public ILineDevice Device { get; } = device;

    public LineCapabilities Capabilities { get; } = capabilities;

    /// <summary>The interface versions both the device and the host support.</summary>
    public VersionRange Versions { get; } = versions;

    public uint PermanentId { get; } = permanentId;

    /// <summary>The TAPI device ID, or null while a LINE_CREATE waits for providerCreateLineDevice.</summary>
    public uint? DeviceId { get; set; }

    public ExtensionVersionSelection Extension { get; } =
        new(capabilities.ExtensionVersions, Tapi.LineErr.IncompatibleExtVersion, Tapi.LineErr.OperationUnavail);

    /// <summary>The line's open instance while it is open.</summary>
    public OpenLine? Open { get; set; }

    public bool InService { get; set; } = true;

    public bool Removed { get; set; }

    public override string ToString() => $"line {DeviceId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(new)"} '{Capabilities.Name}' ({Plugin}/{Device.Key})";
}

/// <summary>A phone device as TAPI numbers it for one session.</summary>
public sealed class PhoneEntry(string plugin, IPhoneDevice device, PhoneCapabilities capabilities, VersionRange versions, uint permanentId)
{
    public string Plugin { get; } = plugin;

    public IPhoneDevice Device { get; } = device;

    public PhoneCapabilities Capabilities { get; } = capabilities;

    public VersionRange Versions { get; } = versions;

    public uint PermanentId { get; } = permanentId;

    public uint? DeviceId { get; set; }

    public ExtensionVersionSelection Extension { get; } =
        new(capabilities.ExtensionVersions, Tapi.PhoneErr.IncompatibleExtVersion, Tapi.PhoneErr.OperationUnavail);

    public OpenPhone? Open { get; set; }

    public bool Removed { get; set; }

    // State the host tracks from events and successful requests (phoneGetHookSwitch, phoneGetRing).
    public Dictionary<HookSwitchDevices, HookSwitchMode> HookSwitch { get; } = [];

    public int RingMode { get; set; }

    public int RingVolume { get; set; }

    public Dictionary<int, LampMode> Lamps { get; } = [];

    public override string ToString() => $"phone {DeviceId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(new)"} '{Capabilities.Name}' ({Plugin}/{Device.Key})";
}
