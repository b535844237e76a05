using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TspHost.Ipc;

/// <summary>
/// Rate-limits repeated warnings of one kind: the first of a kind in each window is logged, the
/// others are counted, and when the window ends one line says how many were left out. A flood of bad
/// frames or connections then costs a few lines of log, not one per frame.
/// </summary>
internal sealed class LogThrottle(ILogger logger, TimeSpan window, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, Kind> _kinds = new();

    /// <summary>True when a warning of <paramref name="kind"/> should be logged now; otherwise it is counted.</summary>
    public bool Admit(string kind)
    {
        var entry = _kinds.GetOrAdd(kind, static _ => new Kind());
        lock (entry)
        {
            if (entry.Timer is null)
            {
                // The first of a window: log it, and count the rest until the window ends.
                entry.Timer = _time.CreateTimer(_ => Flush(kind, entry), null, window, Timeout.InfiniteTimeSpan);
                return true;
            }

            entry.Suppressed++;
            return false;
        }
    }

    private void Flush(string kind, Kind entry)
    {
        int suppressed;
        lock (entry)
        {
            suppressed = entry.Suppressed;
            entry.Suppressed = 0;
            entry.Timer?.Dispose();
            entry.Timer = null;
        }

        if (suppressed > 0)
        {
            logger.LogWarning("{Count} more warning(s) like the last '{Kind}' one in the last {Seconds:0} s were not logged", suppressed, kind, window.TotalSeconds);
        }
    }

    private sealed class Kind
    {
        public ITimer? Timer;
        public int Suppressed;
    }
}
