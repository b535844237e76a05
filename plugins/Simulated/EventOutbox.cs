using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated;

/// <summary>
/// Events are queued while the exchange lock is held and delivered after it is released, one at a
/// time and in the order they were queued, by whichever thread drains first. A sink that calls back
/// into the exchange from inside an event only queues more events, which the same drain delivers
/// after the current one: nothing is raised under the exchange lock and nothing can deadlock.
/// Closing waits (<see cref="WhenOtherDrainDoneAsync"/>) for a drain running on another thread, so no
/// event that was already on its way arrives after a close has returned.
/// </summary>
internal sealed class EventOutbox(IBackendLog log)
{
    private readonly Lock _lock = new();
    private readonly Queue<Action> _pending = new();
    private bool _draining;
    private int _drainingThread;
    private TaskCompletionSource? _drainDone;

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
            _drainingThread = Environment.CurrentManagedThreadId;
        }

        while (true)
        {
            Action? next;
            lock (_lock)
            {
                if (!_pending.TryDequeue(out next))
                {
                    _draining = false;
                    var done = _drainDone;
                    _drainDone = null;
                    done?.TrySetResult();
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

    /// <summary>
    /// Completes when a drain running on another thread has finished; at once when none runs or the
    /// caller is the draining thread itself (a sink closing a device from inside an event).
    /// </summary>
    public Task WhenOtherDrainDoneAsync()
    {
        lock (_lock)
        {
            if (!_draining || _drainingThread == Environment.CurrentManagedThreadId)
            {
                return Task.CompletedTask;
            }

            _drainDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drainDone.Task;
        }
    }
}
