namespace TspHost.Plugins.SerialModem.Parsing;

/// <summary>The fields of the caller ID a modem prints between the first and second RING.</summary>
internal enum CallerIdField
{
    Date,
    Time,
    Number,
    Name,
    Message,
}

/// <summary>One caller ID line, e.g. <c>NMBR = 5551234</c>.</summary>
internal readonly record struct CallerIdLine(CallerIdField Field, string Value);

/// <summary>
/// Parses caller ID lines (<c>DATE = MMDD</c>, <c>TIME = HHMM</c>, <c>NMBR = number</c>,
/// <c>NAME = name</c>, <c>MESG = ...</c>); spacing around <c>=</c> varies between modems.
/// </summary>
internal static class CallerIdParser
{
    private static readonly Dictionary<string, CallerIdField> s_tags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["DATE"] = CallerIdField.Date,
        ["TIME"] = CallerIdField.Time,
        ["NMBR"] = CallerIdField.Number,
        ["DDN_NMBR"] = CallerIdField.Number,
        ["NAME"] = CallerIdField.Name,
        ["MESG"] = CallerIdField.Message,
    };

    public static bool TryParse(string line, out CallerIdLine result)
    {
        ArgumentNullException.ThrowIfNull(line);
        result = default;
        var equals = line.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return false;
        }

        var tag = line[..equals].Trim();
        if (!s_tags.TryGetValue(tag, out var field))
        {
            return false;
        }

        result = new CallerIdLine(field, line[(equals + 1)..].Trim());
        return true;
    }
}

/// <summary>Collects the caller ID lines of one incoming call.</summary>
internal sealed class CallerIdInfo
{
    public string? Date { get; private set; }

    public string? Time { get; private set; }

    public string? Number { get; private set; }

    public string? Name { get; private set; }

    /// <summary>Whether a number or name has been seen (what makes a party worth reporting).</summary>
    public bool HasParty => Number is not null || Name is not null;

    public void Add(CallerIdLine line)
    {
        switch (line.Field)
        {
            case CallerIdField.Date:
                Date = line.Value;
                break;
            case CallerIdField.Time:
                Time = line.Value;
                break;
            case CallerIdField.Number:
                Number = line.Value;
                break;
            case CallerIdField.Name:
                Name = line.Value;
                break;
            case CallerIdField.Message:
            default:
                break;
        }
    }

    /// <summary>The caller as the contract describes it: <c>P</c> is a withheld (private) number, <c>O</c> an unavailable one.</summary>
    public Abstractions.PartyId ToPartyId()
    {
        var availability = Availability(Number) ?? Availability(Name) ?? Abstractions.PartyAvailability.Available;
        return new Abstractions.PartyId
        {
            Number = Availability(Number) is null ? NullIfEmpty(Number) : null,
            Name = Availability(Name) is null ? NullIfEmpty(Name) : null,
            Availability = availability,
        };
    }

    private static Abstractions.PartyAvailability? Availability(string? value) => value switch
    {
        "P" or "p" => Abstractions.PartyAvailability.Blocked,
        "O" or "o" => Abstractions.PartyAvailability.OutOfArea,
        _ => null,
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
