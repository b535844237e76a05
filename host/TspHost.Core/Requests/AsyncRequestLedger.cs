using TspHost.Core.Events;

namespace TspHost.Core.Requests;

/// <summary>What an asynchronous request belongs to: closing it fails the request (R6).</summary>
public interface IRequestOwner
{
    /// <summary>Cancelled when the owner closes; operations running for it see the cancellation.</summary>
    CancellationToken Closing { get; }
}

/// <summary>One asynchronous request from the moment its ID is returned to TAPI until its completion.</summary>
public sealed class PendingRequest(uint requestId, string operation, IReadOnlyList<IRequestOwner> owners)
{
    private int _completed;

    public uint RequestId { get; } = requestId;

    public string Operation { get; } = operation;

    /// <summary>The line or phone the request runs on, then the calls it acts on or creates.</summary>
    public IReadOnlyList<IRequestOwner> Owners { get; } = owners;

    /// <summary>Claims the right to complete; true exactly once.</summary>
    internal bool TryClaim() => Interlocked.Exchange(ref _completed, 1) == 0;
}

/// <summary>
/// The ledger of asynchronous requests (R6): every request ID handed to TAPI is completed exactly
/// once, whichever comes first of the backend finishing, failing, timing out, or the line, phone or
/// call being closed. Completions go to TAPI through the dispatcher, in order with events. The
/// ledger shares the session's lock, so completing a request and publishing the call it created
/// are one step with no lock ordering to get wrong.
/// </summary>
public sealed class AsyncRequestLedger(TapiEventDispatcher dispatcher, Lock sessionLock)
{
    private readonly Dictionary<uint, PendingRequest> _pending = [];

    public int Count
    {
        get
        {
            lock (sessionLock)
            {
                return _pending.Count;
            }
        }
    }

    public IReadOnlyList<PendingRequest> Snapshot()
    {
        lock (sessionLock)
        {
            return [.. _pending.Values];
        }
    }

    /// <summary>Records a request; returns <c>null</c> when TAPI reused an ID that is still pending.</summary>
    public PendingRequest? Begin(uint requestId, string operation, params IRequestOwner[] owners)
    {
        var request = new PendingRequest(requestId, operation, owners);
        lock (sessionLock)
        {
            return _pending.TryAdd(requestId, request) ? request : null;
        }
    }

    /// <summary>
    /// Completes <paramref name="request"/> with <paramref name="result"/> unless it completed already.
    /// <paramref name="inOrder"/> runs under the session lock right after the completion is posted, so
    /// the events it posts (those of a call the request made valid, R10) follow the completion.
    /// </summary>
    public bool TryComplete(PendingRequest request, int result, Action? inOrder = null)
    {
        if (!request.TryClaim())
        {
            return false;
        }

        lock (sessionLock)
        {
            _pending.Remove(request.RequestId);
            dispatcher.PostCompletion(request.RequestId, result);
            inOrder?.Invoke();
        }

        return true;
    }

    /// <summary>Fails every pending request that belongs to <paramref name="owner"/>; returns how many.</summary>
    public int FailAll(IRequestOwner owner, int result) => FailWhere(r => r.Owners.Contains(owner), result);

    /// <summary>Fails every pending request; returns how many.</summary>
    public int FailAll(int result) => FailWhere(_ => true, result);

    private int FailWhere(Func<PendingRequest, bool> match, int result)
    {
        List<PendingRequest> victims;
        lock (sessionLock)
        {
            victims = [.. _pending.Values.Where(match)];
        }

        return victims.Count(r => TryComplete(r, result));
    }
}
