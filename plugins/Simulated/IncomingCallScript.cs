using System.Globalization;
using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated;

/// <summary>One incoming call from outside, scheduled by the <c>IncomingCalls</c> setting.</summary>
/// <param name="Delay">When the call arrives, counted from the start of the session.</param>
/// <param name="LineKey">The line it rings (<c>line-1</c> ...).</param>
/// <param name="Caller">Who is calling.</param>
public sealed record ScriptedIncomingCall(TimeSpan Delay, string LineKey, PartyId Caller);

/// <summary>
/// Parses the <c>IncomingCalls</c> script: entries separated by <c>;</c>, each
/// <c>delayMs:line-N:number[:name]</c>, where the number is digits, <c>P</c> (withheld) or
/// <c>O</c> (out of area), e.g. <c>3000:line-1:5551234:Alice; 8000:line-2:P</c>.
/// </summary>
public static class IncomingCallScript
{
    /// <summary>The form an entry must have, for error messages.</summary>
    public const string EntryForm = "'delayMs:line-N:number|P|O[:name]'";

    /// <summary>Parses the script under <paramref name="key"/>; an absent or empty value means no calls.</summary>
    /// <param name="settings">The settings to read.</param>
    /// <param name="key">The setting's key.</param>
    /// <param name="lines">How many lines exist (line keys run <c>line-1</c> .. <c>line-N</c>).</param>
    /// <exception cref="BackendConfigurationException">An entry is malformed; the message names the entry and what is wrong.</exception>
    public static IReadOnlyList<ScriptedIncomingCall> Parse(BackendSettings settings, string key, int lines)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var script = settings.GetString(key, string.Empty);
        var entries = script.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var calls = new List<ScriptedIncomingCall>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            var problem = TryParseEntry(entry, lines, out var call);
            if (problem is not null)
            {
                throw settings.Error(key, entry, $"entries {EntryForm} separated by ';' (entry {i + 1}: {problem})");
            }

            calls.Add(call!);
        }

        return calls;
    }

    private static string? TryParseEntry(string entry, int lines, out ScriptedIncomingCall? call)
    {
        call = null;
        var fields = entry.Split(':', 4, StringSplitOptions.TrimEntries);
        if (fields.Length < 3)
        {
            return "it needs at least a delay, a line and a number";
        }

        if (!int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var delayMs))
        {
            return $"the delay '{fields[0]}' is not a whole number of milliseconds";
        }

        var lineKey = fields[1];
        if (SimulatedExchange.LineIndexOf(lineKey) is not { } index || index > lines)
        {
            return $"there is no line '{lineKey}' (lines are line-1 to line-{lines})";
        }

        var name = fields.Length == 4 && fields[3].Length > 0 ? fields[3] : null;
        PartyId caller;
        switch (fields[2])
        {
            case "P" or "p":
                caller = new PartyId { Number = null, Name = name, Availability = PartyAvailability.Blocked };
                break;
            case "O" or "o":
                caller = new PartyId { Number = null, Name = name, Availability = PartyAvailability.OutOfArea };
                break;
            default:
                var digits = DialString.Normalize(fields[2]);
                if (string.IsNullOrEmpty(digits))
                {
                    return $"the number '{fields[2]}' is not digits, P or O";
                }

                caller = new PartyId { Number = digits, Name = name };
                break;
        }

        call = new ScriptedIncomingCall(TimeSpan.FromMilliseconds(delayMs), SimulatedExchange.LineKey(index), caller);
        return null;
    }
}
