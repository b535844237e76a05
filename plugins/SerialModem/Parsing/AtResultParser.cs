using System.Globalization;

namespace TspHost.Plugins.SerialModem.Parsing;

/// <summary>
/// Recognises V.250 result codes in lines, in verbose (ATV1) and numeric (ATV0) form, and tells
/// final, intermediate and unsolicited results apart. The one-digit numeric codes (0 OK, 1 CONNECT,
/// 2 RING, 3 NO CARRIER, 4 ERROR, 6 NO DIALTONE, 7 BUSY, 8 NO ANSWER) are understood at any time: a
/// modem may answer with them whatever ATV says (as ModemManager also reads a lone digit). RING is
/// always unsolicited; NO CARRIER and BUSY end a dial but arrive on their own when the far end hangs
/// up (as oFono treats them), and never end a command that does not place or answer a call.
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

    /// <summary>
    /// Parses one line. The numeric codes other than the one-digit ones above (5 and 10 and up:
    /// CONNECT at a speed) count only when <paramref name="numericResults"/> is set (the modem is
    /// known to be in ATV0); otherwise a number of two or three digits is text (an S-register's value).
    /// </summary>
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

        if (text.Length == 1 && s_numeric.TryGetValue(text[0] - '0', out var digitCode))
        {
            return new AtResult(digitCode, text);
        }

        if (numericResults && text.Length is > 0 and <= 3 &&
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric) &&
            (numeric == 5 || numeric >= 9))
        {
            return new AtResult(AtResultCode.Connect, text, $"code {numeric}");
        }

        return new AtResult(AtResultCode.Text, text);
    }

    /// <summary>Which results end <paramref name="command"/> (the command as sent, without the CR).</summary>
    public static AtCommandKind KindOf(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command == "+++")
        {
            return AtCommandKind.Call;
        }

        var body = command.StartsWith("AT", StringComparison.OrdinalIgnoreCase) ? command.AsSpan(2).TrimStart() : [];
        return body.Length > 0 && char.ToUpperInvariant(body[0]) is 'D' or 'A' or 'O' ? AtCommandKind.Call : AtCommandKind.Basic;
    }

    /// <summary>What <paramref name="result"/> means, given the kind of command waiting for its answer (<c>null</c>: none).</summary>
    public static AtLineRole Classify(AtResult result, AtCommandKind? inFlight) => result.Code switch
    {
        AtResultCode.Ring => AtLineRole.Unsolicited,
        _ when inFlight is null => AtLineRole.Unsolicited,
        AtResultCode.Text => AtLineRole.Information,
        AtResultCode.Ok or AtResultCode.Error or AtResultCode.CmeError => AtLineRole.Final,
        _ => inFlight == AtCommandKind.Call ? AtLineRole.Final : AtLineRole.CallProgress,
    };
}
