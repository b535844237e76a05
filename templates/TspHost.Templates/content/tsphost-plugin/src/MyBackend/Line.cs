using TspHost.Abstractions;

namespace MyBackend;

/// <summary>
/// The line: places calls and drops them. What it does not implement (answering, hold, transfer,
/// conference) is the contract's default, which reports the operation unavailable; the features in
/// <see cref="Capabilities"/> say the same to TAPI.
/// </summary>
internal sealed class Line(LineSettings settings, TimeProvider time, IBackendLog log) : ILineDevice
{
    private readonly Lock _lock = new();
    private readonly List<Call> _calls = [];
    private ILineEvents? _events;
    private bool _ended;

    /// <summary>Stable across sessions and restarts: the host derives the permanent device ID from it.</summary>
    public string Key => "line-1";

    public LineCapabilities Capabilities { get; } = new()
    {
        Name = "MyBackend line",
        Address = settings.Address,
        Features = LineFeatures.MakeCall | LineFeatures.Drop,
        MaxActiveCalls = 1,
    };

    public ValueTask OpenAsync(ILineEvents events, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _events = events;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        ReleaseAll();
        return ValueTask.CompletedTask;
    }

    public ValueTask<IBackendCall> MakeCallAsync(MakeCallRequest request, ICallEvents events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IBackendCall>(cancellationToken);
        }

        if (string.IsNullOrWhiteSpace(request.Destination))
        {
            return ValueTask.FromException<IBackendCall>(new TelephonyException(TelephonyError.InvalidAddress, "This line places calls to a number only (no dial tone)."));
        }

        Call call;
        lock (_lock)
        {
            if (_ended || _events is null)
            {
                return ValueTask.FromException<IBackendCall>(new TelephonyException(TelephonyError.OperationFailed, _ended ? "The session has ended." : "The line is not open."));
            }

            if (_calls.Count >= Capabilities.MaxActiveCalls)
            {
                return ValueTask.FromException<IBackendCall>(new TelephonyException(TelephonyError.ResourceUnavailable, "The line already has a call."));
            }

            call = new Call(request.Destination, events, time, settings.AnswerAfter, Forget);
            _calls.Add(call);
        }

        log.Log(BackendLogLevel.Information, $"Calling {request.Destination}");
        call.Start();
        return ValueTask.FromResult<IBackendCall>(call);
    }

    /// <summary>The session ended: every call goes silent and nothing more works.</summary>
    public void End()
    {
        lock (_lock)
        {
            _ended = true;
        }

        ReleaseAll();
    }

    private void ReleaseAll()
    {
        Call[] calls;
        lock (_lock)
        {
            calls = [.. _calls];
            _calls.Clear();
            _events = null;
        }

        foreach (var call in calls)
        {
            call.Silence();
        }
    }

    private void Forget(Call call)
    {
        lock (_lock)
        {
            _calls.Remove(call);
        }
    }
}
