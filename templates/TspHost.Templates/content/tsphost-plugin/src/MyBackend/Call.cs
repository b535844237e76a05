using TspHost.Abstractions;

namespace MyBackend;

/// <summary>
/// One call: DIALING, PROCEEDING and RINGBACK at once, CONNECTED when the far end answers (a timer on
/// the host's clock), IDLE when dropped. After release it reports nothing more.
/// </summary>
internal sealed class Call(string destination, ICallEvents events, TimeProvider time, TimeSpan answerAfter, Action<Call> forget) : IBackendCall
{
    private readonly Lock _lock = new();
    private ITimer? _answer;
    private ICallEvents? _events = events;
    private CallState _state;

    public string Id { get; } = $"call-{destination}-{Guid.NewGuid():N}"[..24];

    public void Start()
    {
        lock (_lock)
        {
            Report(CallState.Dialing);
            Report(CallState.Proceeding);
            Report(CallState.Ringback);
            _events?.PartyChanged(PartyRole.Called, new PartyId { Number = destination });
            _answer = time.CreateTimer(_ => Answered(), null, answerAfter, Timeout.InfiniteTimeSpan);
        }
    }

    public ValueTask DropAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _answer?.Dispose();
            if (_state != CallState.Idle)
            {
                Report(CallState.Idle);
            }
        }

        forget(this);
        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(CancellationToken cancellationToken)
    {
        Silence();
        forget(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>No events from now on (released, line closed, session ended).</summary>
    public void Silence()
    {
        lock (_lock)
        {
            _answer?.Dispose();
            _events = null;
        }
    }

    private void Answered()
    {
        lock (_lock)
        {
            if (_state == CallState.Ringback)
            {
                Report(CallState.Connected);
            }
        }
    }

    private void Report(CallState state)
    {
        _state = state;
        _events?.StateChanged(state);
    }
}
