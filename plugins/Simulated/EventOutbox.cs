using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated;

/// <summary>
/// Events are queued while the exchange lock is held and delivered after it is released, one at a
/// time and in the order they were queued, by whichever thread drains first. A sink that calls back
/// into the exchange from inside an event only queues more events, which the same drain delivers
/// after the current one: nothing is raised under the exchange lock and nothing can deadlock.
/// </summary>
internal sealed class EventOutbox(IBackendLog log)
{
    private readonly Lock _lock = new();
    private readonly Queue<Action> _pending = new();
    private bool _draining;

    public void Enqueue(Action delivery)
    {
        lock (_lock)
        {
            _pending.Enqueue(delivery);
        }
    }

    public void Drain()
    {
        lock (_lock)
        {
            if (_draining)
            {
                return;
            }

            _draining = true;
        }

        while (true)
        {
            Action? next;
            lock (_lock)
            {
                if (!_pending.TryDequeue(out next))
                {
                    _draining = false;
                    return;
                }
            }

            try
            {
                next();
            }
#pragma warning disable CA1031 // A failing sink must not stop the events of other calls.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                log.Log(BackendLogLevel.Warning, "An event sink threw; the event was dropped.", ex);
            }
        }
    }
}
