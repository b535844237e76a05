using System.Globalization;
using System.Text.RegularExpressions;
using TspHost.Abstractions;
using TspHost.Plugins.SerialModem.Transport;

namespace TspHost.Plugins.SerialModem.Configuration;

/// <summary>The settings of one modem (one line).</summary>
internal sealed record ModemSettings
{
    public required string Id { get; init; }

    /// <summary>A serial port (a device path, or a COM port name on Windows), or <c>tcp://host:port</c>.</summary>
    public required string Port { get; init; }

    public int Baud { get; init; } = 115200;

    public string? Name { get; init; }

    public IReadOnlyList<string> InitCommands { get; init; } = [];

    public string DialPrefix { get; init; } = "";

    public bool Voice { get; init; } = true;

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan GuardTime { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(8);

    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle modem is asked <c>AT</c> to notice that it stopped answering; zero turns polling off.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);

    public bool IsTcp => Port.StartsWith(ModemSettingsReader.TcpScheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Creates the transport the settings name. Nothing is opened here.</summary>
    public IModemTransport CreateTransport(TimeProvider time, IBackendLog log)
    {
        if (!IsTcp)
        {
            return new SerialPortTransport(Port, Baud, time, log);
        }

        var (host, port) = ModemSettingsReader.ParseTcp(Port)!.Value;
        return new TcpTransport(host, port, CommandTimeout, time);
    }
}

/// <summary>
/// Reads the plugin's settings: one group of keys per modem, <c>Modem1:Port</c>, <c>Modem1:Baud</c>,
/// ..., and defaults for every modem under the same names without the prefix (<c>CommandTimeout</c>).
/// </summary>
internal static partial class ModemSettingsReader
{
    public const string TcpScheme = "tcp://";
    private const string PortForm = "a serial port (a device path such as /dev/ttyUSB0, or COM3 on Windows), or tcp://host:port";
    private const string CommandForm = "AT commands separated by '|', each starting with AT, e.g. ATM0|ATL1";

    private static readonly string[] s_timingKeys = ["CommandTimeout", "DialTimeout", "GuardTime", "RingTimeout", "ReconnectDelay", "ReconnectMaxDelay", "PollInterval"];
    private static readonly string[] s_perModemKeys = ["Port", "Baud", "Name", "InitCommands", "DialPrefix", "Voice", .. s_timingKeys];

    [GeneratedRegex(@"^(Modem[0-9]{1,2}):([A-Za-z]+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ModemKey();

    [GeneratedRegex(@"^[0-9A-Da-d*#,WwPpTt!@+ ]*$", RegexOptions.CultureInvariant)]
    private static partial Regex DialCharacters();

    // Windows names its serial ports COM1, COM2, ...; System.IO.Ports takes the name as it is.
    [GeneratedRegex(@"^COM[1-9][0-9]{0,2}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ComPortName();

    /// <summary>The speeds a modem's serial port runs at.</summary>
    public static IReadOnlyList<int> StandardBauds { get; } = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600];

    /// <summary>Reads and checks every modem; throws <see cref="BackendConfigurationException"/> naming the bad key.</summary>
    public static IReadOnlyList<ModemSettings> Read(BackendSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var ids = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in settings.Keys)
        {
            var match = ModemKey().Match(key);
            if (match.Success)
            {
                var setting = match.Groups[2].Value;
                if (!s_perModemKeys.Contains(setting, StringComparer.OrdinalIgnoreCase))
                {
                    throw settings.Error(key, settings[key], $"a modem setting: one of {string.Join(", ", s_perModemKeys)}");
                }

                ids.Add(match.Groups[1].Value);
            }
            else if (!s_timingKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw settings.Error(key, settings[key], $"ModemN:Setting (N = 1..99) or a default for every modem: one of {string.Join(", ", s_timingKeys)}");
            }
        }

        var modems = ids.OrderBy(id => int.Parse(id.AsSpan(5), CultureInfo.InvariantCulture)).Select(id => ReadModem(settings, id)).ToList();
        var duplicate = modems.GroupBy(m => m.Port, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            var second = duplicate.Skip(1).First();
            throw settings.Error($"{second.Id}:Port", second.Port, "a port no other modem uses");
        }

        return modems;
    }

    /// <summary>Splits <c>tcp://host:port</c>; <c>null</c> when it is not in that form.</summary>
    public static (string Host, int Port)? ParseTcp(string value)
    {
        if (!value.StartsWith(TcpScheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = value[TcpScheme.Length..];
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return null;
        }

        var host = rest[..colon].Trim('[', ']');
        return host.Length == 0 ? null : (host, port);
    }

    private static ModemSettings ReadModem(BackendSettings settings, string id)
    {
        var portKey = $"{id}:Port";
        var port = settings.GetRequiredString(portKey, PortForm).Trim();
        if (port.StartsWith(TcpScheme, StringComparison.OrdinalIgnoreCase) ? ParseTcp(port) is null : !IsSerialPortName(port))
        {
            throw settings.Error(portKey, port, PortForm);
        }

        var baudKey = $"{id}:Baud";
        var baud = settings.GetInt32(baudKey, 115200);
        if (!StandardBauds.Contains(baud))
        {
            throw settings.Error(baudKey, baud.ToString(CultureInfo.InvariantCulture), $"one of {string.Join(", ", StandardBauds)}");
        }

        var initKey = $"{id}:InitCommands";
        var init = settings.GetString(initKey, "").Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (init.Any(c => !c.StartsWith("AT", StringComparison.OrdinalIgnoreCase) || c.Length > 200))
        {
            throw settings.Error(initKey, settings[initKey], CommandForm);
        }

        var prefixKey = $"{id}:DialPrefix";
        var prefix = settings.GetString(prefixKey, "");
        if (!DialCharacters().IsMatch(prefix))
        {
            throw settings.Error(prefixKey, prefix, "dial modifiers and digits, e.g. T (tone), P (pulse) or T9W (9, then wait for dial tone)");
        }

        var name = settings.GetString($"{id}:Name", "").Trim();
        return new ModemSettings
        {
            Id = id,
            Port = port,
            Baud = baud,
            Name = name.Length == 0 ? null : name,
            InitCommands = init,
            DialPrefix = prefix.Replace(" ", "", StringComparison.Ordinal),
            Voice = settings.GetBoolean($"{id}:Voice", true),
            CommandTimeout = Timing(settings, id, "CommandTimeout", TimeSpan.FromSeconds(3), 10),
            DialTimeout = Timing(settings, id, "DialTimeout", TimeSpan.FromSeconds(60), 10),
            GuardTime = Timing(settings, id, "GuardTime", TimeSpan.FromSeconds(1), 0),
            RingTimeout = Timing(settings, id, "RingTimeout", TimeSpan.FromSeconds(8), 10),
            ReconnectDelay = Timing(settings, id, "ReconnectDelay", TimeSpan.FromSeconds(1), 1),
            ReconnectMaxDelay = Timing(settings, id, "ReconnectMaxDelay", TimeSpan.FromSeconds(30), 1),
            PollInterval = Timing(settings, id, "PollInterval", TimeSpan.FromSeconds(30), 0),
        };
    }

    private static TimeSpan Timing(BackendSettings settings, string id, string key, TimeSpan defaultValue, int min)
    {
        var fallback = settings.GetMilliseconds(key, defaultValue, min, 3_600_000);
        return settings.GetMilliseconds($"{id}:{key}", fallback, min, 3_600_000);
    }

    /// <summary>
    /// A device path, or a COM port name (Windows). Not <c>\\.\COM10</c>: System.IO.Ports refuses names
    /// starting with <c>\\</c> and opens COM10 and above by their plain name.
    /// </summary>
    private static bool IsSerialPortName(string port) =>
        ComPortName().IsMatch(port) || (Path.IsPathRooted(port) && !port.StartsWith(@"\\", StringComparison.Ordinal));

    /// <summary>Whether <paramref name="digits"/> is something a modem can dial.</summary>
    public static bool IsDialable(string digits) => DialCharacters().IsMatch(digits);
}
