namespace TspHost.Demo;

/// <summary>Prints the demo's trace: steps, TSPI calls going to the provider (→) and callbacks coming back (←).</summary>
internal sealed class TraceWriter(TextWriter output, bool color)
{
    private readonly Lock _lock = new();
    private int _step;

    public void Step(string title) => Write($"\n{++_step,2}. {title}", "\u001b[1m");

    public void Call(string function, string arguments, int result, string? detail = null) =>
        Write($"  → TSPI_{function}({arguments}) = {TapiNames.Result(result)}{(detail is null ? "" : "  " + detail)}", result < 0 ? "\u001b[31m" : "\u001b[36m");

    public void Event(string text) => Write($"  ← {text}", "\u001b[32m");

    public void Note(string text) => Write($"    {text}", "\u001b[2m");

    private void Write(string line, string ansi)
    {
        lock (_lock)
        {
            output.WriteLine(color ? $"{ansi}{line}\u001b[0m" : line);
        }
    }
}
