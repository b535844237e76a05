namespace TspHost.Demo;

/// <summary>
/// Prints the demo's trace: steps, TSPI calls going to the provider (→) and callbacks coming back (←).
/// A callback that arrives while a TSPI call is still running (through the shim, a completion can
/// overtake the function's return) is held and printed right after that call's line.
/// </summary>
internal sealed class TraceWriter(TextWriter output, bool color)
{
    private readonly Lock _lock = new();
    private readonly List<string> _held = [];
    private bool _holding;
    private int _step;

    public void Step(string title) => Write($"\n{++_step,2}. {title}", "\u001b[1m");

    public void Call(string function, string arguments, int result, string? detail = null) =>
        Write($"  → TSPI_{function}({arguments}) = {TapiNames.Result(result)}{(detail is null ? "" : "  " + detail)}", result < 0 ? "\u001b[31m" : "\u001b[36m");

    public void Event(string text)
    {
        var line = Paint($"  ← {text}", "\u001b[32m");
        lock (_lock)
        {
            if (_holding)
            {
                _held.Add(line);
            }
            else
            {
                output.WriteLine(line);
            }
        }
    }

    /// <summary>A note; each line of <paramref name="text"/> indented.</summary>
    public void Note(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            Write($"    {line}", "\u001b[2m");
        }
    }

    /// <summary>A TSPI call starts: callbacks wait until the next line is printed (its result).</summary>
    public void HoldEvents()
    {
        lock (_lock)
        {
            _holding = true;
        }
    }

    private void Write(string line, string ansi)
    {
        lock (_lock)
        {
            output.WriteLine(Paint(line, ansi));
            foreach (var held in _held)
            {
                output.WriteLine(held);
            }

            _held.Clear();
            _holding = false;
        }
    }

    private string Paint(string line, string ansi) => color ? $"{ansi}{line}\u001b[0m" : line;
}
