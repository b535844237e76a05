using TspHost.Abstractions;
using TspHost.Core.Events;
using TspHost.Core.Tapi;
using TspHost.Testing;

namespace TspHost.Plugins.UsbHandset.Tests.EndToEnd;

/// <summary>
/// Plays TAPI for the end-to-end tests: accepts every new call and writes what arrives, in arrival
/// order, as one line of text each, with calls named by the order they were announced (<c>#1</c>,
/// <c>#2</c>). Call states, new calls, phone states, buttons, close and remove are written; completions, call info
/// and line device states are kept out of the timeline.
/// </summary>
internal sealed class TapiTimeline : ITapiCallbacks
{
    private readonly Lock _lock = new();
    private readonly List<string> _entries = [];
    private readonly List<(nint HdCall, nint HtCall)> _calls = [];

    public IReadOnlyList<string> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>The provider's handle of the <paramref name="number"/>th call announced (from 1).</summary>
    public nint HdCall(int number)
    {
        lock (_lock)
        {
            return _calls[number - 1].HdCall;
        }
    }

    public void AsyncCompletion(uint requestId, int result)
    {
    }

    public void LineEvent(nint htLine, nint htCall, LineMessage message, nuint param1, nuint param2, nuint param3)
    {
        if (message == LineMessage.CallState)
        {
            Add($"LINE_CALLSTATE {CallName(htCall)} {(CallState)param1}");
        }
    }

    public ValueTask<nint> LineNewCall(nint htLine, nint hdCall)
    {
        lock (_lock)
        {
            var htCall = (nint)(0x9000 + _calls.Count + 1);
            _calls.Add((hdCall, htCall));
            _entries.Add($"LINE_NEWCALL #{_calls.Count}");
            return ValueTask.FromResult(htCall);
        }
    }

    public void PhoneEvent(nint htPhone, PhoneMessage message, nuint param1, nuint param2, nuint param3)
    {
        switch (message)
        {
            case PhoneMessage.State when param1 == PhoneStateFlags.HandsetHookSwitch:
                Add($"PHONE_STATE HANDSETHOOKSWITCH {(HookSwitchMode)param2}");
                break;
            case PhoneMessage.State when param1 == PhoneStateFlags.RingMode:
                Add($"PHONE_STATE RINGMODE {param2}");
                break;
            case PhoneMessage.State:
                Add($"PHONE_STATE 0x{param1:X}");
                break;
            case PhoneMessage.Close or PhoneMessage.Remove:
                Add($"PHONE_{message.ToString().ToUpperInvariant()}");
                break;
            case PhoneMessage.Button:
                Add($"PHONE_BUTTON {param1} {(PhoneButtonMode)param2} {(PhoneButtonState)param3}");
                break;
        }
    }

    /// <summary>Waits, with the default bound, until <paramref name="entry"/> has arrived <paramref name="times"/> times.</summary>
    public Task WaitForAsync(string entry, int times = 1) =>
        Eventually.WaitAsync(() => Entries.Count(e => e == entry) >= times, times == 1 ? entry : $"{entry} ({times} times)");

    private string CallName(nint htCall)
    {
        lock (_lock)
        {
            var index = _calls.FindIndex(c => c.HtCall == htCall);
            return index < 0 ? $"0x{htCall:X}" : $"#{index + 1}";
        }
    }

    private void Add(string entry)
    {
        lock (_lock)
        {
            _entries.Add(entry);
        }
    }
}
