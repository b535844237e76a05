using TspHost.Core.Events;
using TspHost.Core.Tapi;

namespace TspHost.Bench;

/// <summary>A TAPI that lets the benchmark await the next LINE_CREATE / LINE_REMOVE (its second / first parameter).</summary>
internal sealed class SignallingTapi : ITapiCallbacks
{
    private readonly Lock _lock = new();
    private (LineMessage Message, TaskCompletionSource<uint> Signal)? _waiting;

    /// <summary>Completes with the message's temporary or device ID when <paramref name="message"/> next arrives.</summary>
    public Task<uint> Next(LineMessage message)
    {
        var signal = new TaskCompletionSource<uint>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiting = (message, signal);
        }

        return signal.Task;
    }

    public void AsyncCompletion(uint requestId, int result)
    {
    }

    public void LineEvent(nint htLine, nint htCall, LineMessage message, nuint param1, nuint param2, nuint param3)
    {
        lock (_lock)
        {
            if (_waiting is { } waiting && waiting.Message == message)
            {
                waiting.Signal.TrySetResult((uint)(message == LineMessage.Create ? param2 : param1));
                _waiting = null;
            }
        }
    }

    public ValueTask<nint> LineNewCall(nint htLine, nint hdCall) => ValueTask.FromResult<nint>(0);

    public void PhoneEvent(nint htPhone, PhoneMessage message, nuint param1, nuint param2, nuint param3)
    {
    }
}
