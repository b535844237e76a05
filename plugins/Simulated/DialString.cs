namespace TspHost.Plugins.Simulated;

/// <summary>Turns what an application dials into the digits the exchange routes on.</summary>
internal static class DialString
{
    /// <summary>Shorter numbers are a bad address.</summary>
    public const int MinimumLength = 3;

    /// <summary>TAPI's "more digits follow" mark at the end of a partial dial string.</summary>
    public const char MoreDigitsMark = ';';

    // Formatting and dialling modifiers that carry no routing meaning here (TAPI's dialable format:
    // + country prefix, T/P tone or pulse, W wait, , pause, ! flash, @ quiet answer, $ billing tone).
    private const string Ignored = " -().+TtPpWw,!@$";

    /// <summary>The digits (0-9, *, #) of <paramref name="text"/>, or <c>null</c> if it holds anything that cannot be dialled.</summary>
    public static string? Normalize(string text)
    {
        var digits = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c) || c is '*' or '#')
            {
                digits.Append(c);
            }
            else if (!Ignored.Contains(c, StringComparison.Ordinal))
            {
                return null;
            }
        }

        return digits.ToString();
    }
}
