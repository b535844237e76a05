using System.Globalization;

namespace TspHost.Plugins.UsbHandset.Telephony;

/// <summary>
/// A per-device map for handsets that report keys in vendor-defined reports: a whole input report, as
/// read from the device, in hex, mapped to an action. Text form (one entry per comma):
/// <c>0007=1, 0005=1 up, 0041=offhook, 0040=onhook, 0047=mute</c>. Actions: <c>0</c>-<c>9</c>, <c>*</c>,
/// <c>#</c>, <c>flash</c>, <c>redial</c>, <c>hold</c>, <c>transfer</c>, <c>drop</c>, <c>mute</c> (a toggle),
/// <c>offhook</c>, <c>onhook</c>; a button action followed by <c>up</c> is its release. A button with no
/// release code gets its up at once.
/// </summary>
public sealed class HandsetKeyMap
{
    private readonly Dictionary<string, KeyAction> _codes;

    private HandsetKeyMap(Dictionary<string, KeyAction> codes) => _codes = codes;

    /// <summary>A map with no entries.</summary>
    public static HandsetKeyMap Empty { get; } = new([]);

    /// <summary>How many codes are mapped.</summary>
    public int Count => _codes.Count;

    internal IEnumerable<HandsetControl> Controls => _codes.Values.Select(a => a.Control).Distinct();

    /// <summary>Parses the text form.</summary>
    /// <exception cref="FormatException">An entry is malformed; the message names it.</exception>
    public static HandsetKeyMap Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<(string Code, HandsetControl Control, bool Down)>();
        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[0].Length % 2 != 0 || parts[0].Length > 128
                || !parts[0].All(char.IsAsciiHexDigit))
            {
                throw new FormatException($"'{entry}': expected <hex report bytes>=<action>");
            }

            var words = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var up = words.Length == 2 && words[1].Equals("up", StringComparison.OrdinalIgnoreCase);
            if (words.Length == 0 || words.Length > 2 || (words.Length == 2 && !up) || ParseControl(words[0]) is not { } control)
            {
                throw new FormatException($"'{entry}': unknown action '{parts[1]}'");
            }

            if (up && control is HandsetControl.HookSwitch or HandsetControl.PhoneMute)
            {
                throw new FormatException($"'{entry}': '{words[0]}' has no release");
            }

            var down = control == HandsetControl.HookSwitch ? words[0].Equals("offhook", StringComparison.OrdinalIgnoreCase) : !up;
            entries.Add((parts[0].ToUpperInvariant(), control, down));
        }

        var released = entries.Where(e => !e.Down).Select(e => e.Control).ToHashSet();
        var codes = new Dictionary<string, KeyAction>(StringComparer.Ordinal);
        foreach (var (code, control, down) in entries)
        {
            codes[code] = new KeyAction(control, down, released.Contains(control));
        }

        return new HandsetKeyMap(codes);
    }

    internal bool TryMatch(ReadOnlySpan<byte> report, out KeyAction action)
    {
        if (_codes.Count == 0 || report.Length > 64)
        {
            action = default;
            return false;
        }

        return _codes.TryGetValue(Convert.ToHexString(report), out action);
    }

    private static HandsetControl? ParseControl(string word) => word.ToLowerInvariant() switch
    {
        [var digit] when char.IsAsciiDigit(digit) => (HandsetControl)(digit - '0'),
        "*" => HandsetControl.KeyStar,
        "#" => HandsetControl.KeyPound,
        "flash" => HandsetControl.Flash,
        "redial" => HandsetControl.Redial,
        "hold" => HandsetControl.Hold,
        "transfer" => HandsetControl.Transfer,
        "drop" => HandsetControl.Drop,
        "mute" => HandsetControl.PhoneMute,
        "offhook" or "onhook" => HandsetControl.HookSwitch,
        _ => null,
    };

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", _codes.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value.Control}{(p.Value.Down ? "" : " up")}")));

    internal readonly record struct KeyAction(HandsetControl Control, bool Down, bool HasRelease);
}
