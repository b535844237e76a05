using System.Text;

namespace TspHost.Plugins.SerialModem.Parsing;

/// <summary>
/// Cuts the byte stream of a modem into text lines. Any run of CR and LF ends a line (modems send
/// CR LF, echo ends with a bare CR, some send LF CR), empty lines are skipped, control bytes and
/// non-ASCII line noise are dropped, and a line longer than the limit is thrown away whole rather
/// than delivered cut, so a half line is never taken for a result.
/// </summary>
internal sealed class AtLineSplitter(int maxLineLength = AtLineSplitter.DefaultMaxLineLength)
{
    public const int DefaultMaxLineLength = 512;

    private readonly StringBuilder _line = new();
    private bool _overlong;

    /// <summary>How many overlong lines were discarded so far.</summary>
    public int DiscardedLines { get; private set; }

    /// <summary>The text received since the last line end, if any (a partial line).</summary>
    public string? PendingText => _line.Length > 0 ? _line.ToString() : null;

    /// <summary>Feeds bytes; every line completed by them is added to <paramref name="lines"/>.</summary>
    public void Feed(ReadOnlySpan<byte> data, List<string> lines)
    {
        foreach (var b in data)
        {
            if (b is (byte)'\r' or (byte)'\n')
            {
                EndLine(lines);
                continue;
            }

            // V.250 text is 7-bit ASCII; NUL, other control bytes and bytes with the top bit set are line noise.
            if (_overlong || (b < 0x20 && b != (byte)'\t') || b >= 0x7F)
            {
                continue;
            }

            if (_line.Length >= maxLineLength)
            {
                _overlong = true;
                _line.Clear();
                continue;
            }

            _line.Append((char)b);
        }
    }

    /// <summary>Forgets a partial line (after the port was reopened).</summary>
    public void Reset()
    {
        _line.Clear();
        _overlong = false;
    }

    private void EndLine(List<string> lines)
    {
        if (_overlong)
        {
            _overlong = false;
            DiscardedLines++;
        }
        else if (_line.Length > 0)
        {
            var text = _line.ToString().Trim();
            if (text.Length > 0)
            {
                lines.Add(text);
            }
        }

        _line.Clear();
    }
}
