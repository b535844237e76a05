namespace TspHost.Plugins.SerialModem.Tests.Fakes;

/// <summary>The plugin's settings for fake modems on the real clock.</summary>
internal static class FakeModemSettings
{
    /// <summary>
    /// One modem per port (<c>Modem1</c>, <c>Modem2</c>, ...), with timeouts short enough that waiting
    /// for a silent modem costs little and long enough for a loaded machine; then <paramref name="overrides"/>.
    /// </summary>
    public static Dictionary<string, string> For(IEnumerable<string> ports, params (string Key, string Value)[] overrides)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["CommandTimeout"] = "2000",
            ["DialTimeout"] = "2000",
            ["GuardTime"] = "20",
            ["RingTimeout"] = "3000",
            ["ReconnectDelay"] = "50",
            ["ReconnectMaxDelay"] = "200",
            ["PollInterval"] = "0",
        };
        foreach (var (port, index) in ports.Select((p, i) => (p, i)))
        {
            values[$"Modem{index + 1}:Port"] = port;
        }

        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        return values;
    }
}
