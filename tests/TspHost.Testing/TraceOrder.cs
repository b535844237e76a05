namespace TspHost.Testing;

/// <summary>Checks that a trace (a program's output) shows things in a given order.</summary>
public static class TraceOrder
{
    /// <summary>
    /// The first of <paramref name="markers"/> that does not appear in <paramref name="text"/> after
    /// the ones before it, or null when all appear in that order.
    /// </summary>
    public static string? FirstOutOfOrder(string text, params string[] markers)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(markers);
        var at = 0;
        foreach (var marker in markers)
        {
            var found = text.IndexOf(marker, at, StringComparison.Ordinal);
            if (found < 0)
            {
                return marker;
            }

            at = found + marker.Length;
        }

        return null;
    }
}
