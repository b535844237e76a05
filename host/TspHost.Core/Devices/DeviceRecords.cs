using System.Globalization;
using TspHost.Abstractions;
using TspHost.Core.Versions;

namespace TspHost.Core.Devices;

/// <summary>A device as TAPI numbers it for one session: line or phone.</summary>
public abstract class DeviceEntry(DeviceKind kind, string plugin, string key, string name, VersionRange versions, VersionRange? extensions, uint permanentId)
{
    public DeviceKind Kind { get; } = kind;

    public string Plugin { get; } = plugin;

    public string Key { get; } = key;

    public string Name { get; } = name;

    /// <summary>The interface versions both the device and the host support.</summary>
    public VersionRange Versions { get; } = versions;

    public VersionRange? ExtensionVersions { get; } = extensions;

    public uint PermanentId { get; } = permanentId;

    /// <summary>The TAPI device ID, or null while a LINE_CREATE / PHONE_CREATE waits for TAPI's answer.</summary>
    public uint? DeviceId { get; set; }

    /// <summary>R5: the device's extension version; reset when the device closes.</summary>
    public ExtensionVersionSelection Extension { get; } = new(extensions, kind.IncompatibleExtVersion, kind.OperationUnavail);

    public bool Removed { get; set; }

    /// <summary>The backend's device object.</summary>
    public abstract object Device { get; }

    public override string ToString() =>
        $"{Kind.Noun} {DeviceId?.ToString(CultureInfo.InvariantCulture) ?? "(new)"} '{Name}' ({Plugin}/{Key})";
}

/// <summary>A device that TAPI opens as <typeparamref name="TOpen"/>.</summary>
public abstract class DeviceEntry<TOpen>(DeviceKind kind, string plugin, string key, string name, VersionRange versions, VersionRange? extensions, uint permanentId)
    : DeviceEntry(kind, plugin, key, name, versions, extensions, permanentId)
    where TOpen : OpenDevice
{
    /// <summary>The device's open instance while it is open.</summary>
    public TOpen? Open { get; set; }
}

/// <summary>A line device.</summary>
public sealed class LineEntry(string plugin, ILineDevice device, string key, LineCapabilities capabilities, VersionRange versions, uint permanentId)
    : DeviceEntry<OpenLine>(DeviceKind.Line, plugin, key, capabilities.Name, versions, capabilities.ExtensionVersions, permanentId)
{
    public override object Device => Line;

    /// <summary>The backend's line; replaced when the plugin's backend comes back after a failure (R15).</summary>
    public ILineDevice Line { get; internal set; } = device;

    public LineCapabilities Capabilities { get; } = capabilities;

    public bool InService { get; set; } = true;
}

/// <summary>A phone device, with the state the host tracks from events and successful requests.</summary>
public sealed class PhoneEntry(string plugin, IPhoneDevice device, string key, PhoneCapabilities capabilities, VersionRange versions, uint permanentId)
    : DeviceEntry<OpenPhone>(DeviceKind.Phone, plugin, key, capabilities.Name, versions, capabilities.ExtensionVersions, permanentId)
{
    public override object Device => Phone;

    /// <summary>The backend's phone; replaced when the plugin's backend comes back after a failure (R15).</summary>
    public IPhoneDevice Phone { get; internal set; } = device;

    public bool InService { get; set; } = true;

    public PhoneCapabilities Capabilities { get; } = capabilities;

    public Dictionary<HookSwitchDevices, HookSwitchMode> HookSwitch { get; } = [];

    public int RingMode { get; set; }

    public int RingVolume { get; set; }

    public Dictionary<int, LampMode> Lamps { get; } = [];
}
