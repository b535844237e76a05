using TspHost.Plugins.SerialModem.Parsing;

namespace TspHost.Plugins.SerialModem.Engine;

/// <summary>The answer to one command: its information lines and the final result.</summary>
internal sealed record AtResponse(string Command, IReadOnlyList<string> Lines, AtResult Final)
{
    public bool IsOk => Final.Code == AtResultCode.Ok;

    /// <summary>The information lines joined, or <c>null</c> when there were none.</summary>
    public string? Text => Lines.Count == 0 ? null : string.Join(" ", Lines);
}

/// <summary>A command the modem did not answer within its timeout: the modem has stopped answering.</summary>
internal sealed class AtTimeoutException(string command, TimeSpan timeout)
    : TimeoutException($"The modem did not answer {command} within {timeout.TotalMilliseconds:0} ms.")
{
    public string Command { get; } = command;
}

/// <summary>A command started through <see cref="AtEngine.Start"/>: when it was written, and its answer.</summary>
internal sealed class AtExchange
{
    private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<AtResponse> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AtExchange(string command, Action<AtResponse>? onFinal)
    {
        Command = command;
        Kind = AtResultParser.KindOf(command);
        OnFinal = onFinal;
    }

    public string Command { get; }

    /// <summary>Which results end the command.</summary>
    public AtCommandKind Kind { get; }

    /// <summary>Runs on the reader loop when the final result arrives, before <see cref="Response"/> completes: keeps events in order.</summary>
    public Action<AtResponse>? OnFinal { get; }

    /// <summary>Completes when the command has been written to the modem.</summary>
    public Task Sent => _sent.Task;

    /// <summary>Completes with the final answer; fails on timeout, cancellation or loss of the port.</summary>
    public Task<AtResponse> Response => _response.Task;

    internal List<string> Lines { get; } = [];

    internal bool FirstLineSeen { get; set; }

    /// <summary>The first call-progress result seen while the command waited for its OK or ERROR: its answer should none come.</summary>
    internal AtResult? CallProgress { get; set; }

    internal void MarkSent() => _sent.TrySetResult();

    internal bool Complete(AtResponse response)
    {
        _sent.TrySetResult();
        return _response.TrySetResult(response);
    }

    internal void Fail(Exception error)
    {
        if (error is OperationCanceledException oce)
        {
            _sent.TrySetCanceled(oce.CancellationToken);
            _response.TrySetCanceled(oce.CancellationToken);
            return;
        }

        _sent.TrySetException(error);
        _response.TrySetException(error);
    }
}
