using System.Globalization;
using TspHost.Abstractions;
using TspHost.Plugins.UsbHandset.Telephony;

namespace TspHost.Plugins.UsbHandset;

/// <summary>
/// The plugin's settings, validated. Keys (case-insensitive):
/// <list type="bullet">
/// <item><c>Transport</c>: <c>hidraw</c> (default) or <c>libusb</c>.</item>
/// <item><c>Devices</c>: an allow-list of <c>VVVV:PPPP</c> (hex) devices to use even without a Telephony collection.</item>
/// <item><c>Discover</c>: <c>true</c> (default) also uses every device with a Telephony (0x0B) application collection; <c>false</c> only the listed ones.</item>
/// <item><c>RescanIntervalMs</c>: how often to look for plugged and unplugged devices (default 2000; 0 turns hot plug off).</item>
/// <item><c>Device:VVVV:PPPP:KeyMap</c>: a key map for vendor-defined reports (see <see cref="HandsetKeyMap"/>).</item>
/// <item><c>Device:VVVV:PPPP:AssociatedLine</c>: the key of the line this handset belongs to.</item>
/// <item><c>HidrawSysfsRoot</c>, <c>DeviceRoot</c>: where hidraw discovery looks (default <c>/sys/class/hidraw</c>, <c>/dev</c>).</item>
/// </list>
/// </summary>
public sealed record UsbHandsetSettings
{
    private const string DevicePrefix = "Device:";

    /// <summary>Which transport reaches the devices.</summary>
    public HidTransportKind Transport { get; init; } = HidTransportKind.Hidraw;

    /// <summary>Devices used whether or not they have a Telephony collection, as <c>VVVV:PPPP</c>.</summary>
    public IReadOnlySet<string> AllowList { get; init; } = new HashSet<string>();

    /// <summary>Whether every device with a Telephony application collection is used too.</summary>
    public bool Discover { get; init; } = true;

    /// <summary>How often hot plug is checked; zero turns it off.</summary>
    public TimeSpan RescanInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Per-device options by <c>VVVV:PPPP</c>.</summary>
    public IReadOnlyDictionary<string, HandsetOptions> Devices { get; init; } = new Dictionary<string, HandsetOptions>();

    /// <summary>The sysfs folder of hidraw nodes.</summary>
    public string HidrawSysfsRoot { get; init; } = "/sys/class/hidraw";

    /// <summary>The folder of device nodes.</summary>
    public string DeviceRoot { get; init; } = "/dev";

    /// <summary>The options of a device (empty when none are configured).</summary>
    public HandsetOptions For(string vidPid) => Devices.TryGetValue(vidPid, out var options) ? options : HandsetOptions.Default;

    /// <summary>Reads and checks <paramref name="settings"/>.</summary>
    /// <exception cref="BackendConfigurationException">A value is malformed; the exception names the key.</exception>
    public static UsbHandsetSettings Parse(BackendSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var transport = settings.GetString("Transport", "hidraw").Trim().ToLowerInvariant() switch
        {
            "hidraw" => HidTransportKind.Hidraw,
            "libusb" => HidTransportKind.LibUsb,
            var other => throw settings.Error("Transport", other, "hidraw or libusb"),
        };

        var allow = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in settings.GetList("Devices"))
        {
            allow.Add(ParseVidPid(entry) ?? throw settings.Error("Devices", settings.GetString("Devices", ""), "a comma-separated list of VVVV:PPPP (hex vendor and product IDs)"));
        }

        var devices = new Dictionary<string, HandsetOptions>(StringComparer.Ordinal);
        foreach (var (key, value) in settings)
        {
            if (!key.StartsWith(DevicePrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = key[DevicePrefix.Length..];
            var split = rest.LastIndexOf(':');
            var vidPid = split > 0 ? ParseVidPid(rest[..split]) : null;
            if (vidPid is null)
            {
                throw settings.Error(key, value, "a key of the form Device:VVVV:PPPP:KeyMap or Device:VVVV:PPPP:AssociatedLine");
            }

            var options = devices.GetValueOrDefault(vidPid) ?? HandsetOptions.Default;
            switch (rest[(split + 1)..].ToLowerInvariant())
            {
                case "keymap":
                    try
                    {
                        options = options with { KeyMap = HandsetKeyMap.Parse(value) };
                    }
                    catch (FormatException ex)
                    {
                        throw settings.Error(key, value, $"entries like 0007=1, 0005=1 up, 0041=offhook ({ex.Message})");
                    }

                    break;
                case "associatedline":
                    options = options with { AssociatedLine = string.IsNullOrWhiteSpace(value) ? null : value.Trim() };
                    break;
                default:
                    throw settings.Error(key, value, "a key of the form Device:VVVV:PPPP:KeyMap or Device:VVVV:PPPP:AssociatedLine");
            }

            devices[vidPid] = options;
        }

        return new UsbHandsetSettings
        {
            Transport = transport,
            AllowList = allow,
            Discover = settings.GetBoolean("Discover", true),
            RescanInterval = settings.GetMilliseconds("RescanIntervalMs", TimeSpan.FromSeconds(2), 0, 3_600_000),
            Devices = devices,
            HidrawSysfsRoot = settings.GetString("HidrawSysfsRoot", "/sys/class/hidraw"),
            DeviceRoot = settings.GetString("DeviceRoot", "/dev"),
        };
    }

    /// <summary>Normalises <c>vvvv:pppp</c> to upper-case hex, or returns <c>null</c> when malformed.</summary>
    public static string? ParseVidPid(string text)
    {
        var parts = text.Trim().Split(':');
        if (parts.Length != 2
            || !ushort.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var vid)
            || !ushort.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        return $"{vid:X4}:{pid:X4}";
    }
}

/// <summary>Which transport reaches the devices.</summary>
public enum HidTransportKind
{
    /// <summary>Linux hidraw nodes (the kernel's HID driver).</summary>
    Hidraw,
    /// <summary>libusb-1.0, for devices without a kernel HID driver.</summary>
    LibUsb,
}

/// <summary>Options of one device model.</summary>
/// <param name="KeyMap">A key map for vendor-defined reports.</param>
/// <param name="AssociatedLine">The key of the line the handset belongs to.</param>
public sealed record HandsetOptions(HandsetKeyMap KeyMap, string? AssociatedLine)
{
    /// <summary>No key map, no line.</summary>
    public static HandsetOptions Default { get; } = new(HandsetKeyMap.Empty, null);
}
