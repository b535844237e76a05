using System.Globalization;

namespace TspHost.Plugins.SerialModem.Parsing;

/// <summary>
/// Recognises V.250 result codes in lines, in verbose (ATV1) and numeric (ATV0) form, and tells
/// final, intermediate and unsolicited results apart. RING is always unsolicited; NO CARRIER and
/// BUSY end a command in flight but arrive on their own when the far end hangs up (as oFono treats them).
/// </summary>
internal static class AtResultParser
{
    private const string CmeErrorPrefix = "+CME ERROR:";
    private const string CmsErrorPrefix = "+CMS ERROR:";
    private const string ConnectWord = "CONNECT";

    private static readonly Dictionary<string, AtResultCode> s_verbose = new(StringComparer.OrdinalIgnoreCase)
    {
        ["OK"] = AtResultCode.Ok,
        [ConnectWord] = AtResultCode.Connect,
        ["RING"] = AtResultCode.Ring,
        ["NO CARRIER"] = AtResultCode.NoCarrier,
        ["ERROR"] = AtResultCode.Error,
        ["NO DIALTONE"] = AtResultCode.NoDialTone,
        ["NO DIAL TONE"] = AtResultCode.NoDialTone,
        ["BUSY"] = AtResultCode.Busy,
        ["NO ANSWER"] = AtResultCode.NoAnswer,
    };

    // V.250 numeric codes; 5 and 9 and above are CONNECT with a speed on most modems.
    private static readonly Dictionary<int, AtResultCode> s_numeric = new()
    {
        [0] = AtResultCode.Ok,
        [1] = AtResultCode.Connect,
        [2] = AtResultCode.Ring,
        [3] = AtResultCode.NoCarrier,
        [4] = AtResultCode.Error,
        [6] = AtResultCode.NoDialTone,
        [7] = AtResultCode.Busy,
        [8] = AtResultCode.NoAnswer,
    };

    /// <summary>Parses one line. Numeric codes count only when <paramref name="numericResults"/> is set (the modem may be in ATV0).</summary>
    public static AtResult Parse(string line, bool numericResults = false)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = line.Trim();
        if (s_verbose.TryGetValue(text, out var code))
        {
            return new AtResult(code, text);
        }

        if (text.StartsWith(ConnectWord + " ", StringComparison.OrdinalIgnoreCase))
        {
            return new AtResult(AtResultCode.Connect, text, text[ConnectWord.Length..].Trim());
        }

        if (text.StartsWith(CmeErrorPrefix, StringComparison.OrdinalIgnoreCase) ||
            text.StartsWith(CmsErrorPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var detail = text[CmeErrorPrefix.Length..].Trim();
            int? number = int.TryParse(detail, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
            return new AtResult(AtResultCode.CmeError, text, detail, number);
        }

        if (numericResults && text.Length is > 0 and <= 3 &&
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric))
        {
            if (s_numeric.TryGetValue(numeric, out var numericCode))
            {
                return new AtResult(numericCode, text);
            }

            if (numeric == 5 || numeric >= 9)
            {
                return new AtResult(AtResultCode.Connect, text, $"code {numeric}");
            }
        }

        return new AtResult(AtResultCode.Text, text);
    }

    /// <summary>What <paramref name="result"/> means, given whether a command is waiting for its answer.</summary>
    public static AtLineRole Classify(AtResult result, bool commandInFlight) => result.Code switch
    {
        AtResultCode.Ring => AtLineRole.Unsolicited,
        AtResultCode.Text => commandInFlight ? AtLineRole.Information : AtLineRole.Unsolicited,
        _ => commandInFlight ? AtLineRole.Final : AtLineRole.Unsolicited,
    };
}
