using TspHost.Abstractions;

namespace TspHost.Conformance;

/// <summary>A call state change as a backend reported it.</summary>
/// <param name="State">The new state.</param>
/// <param name="Mode">The disconnect mode, for DISCONNECTED.</param>
public sealed record CallStateEvent(CallState State, DisconnectMode Mode);

/// <summary>A party identification as a backend reported it.</summary>
/// <param name="Role">Which party.</param>
/// <param name="Party">Who.</param>
public sealed record CallPartyEvent(PartyRole Role, PartyId Party);

/// <summary>Records what a backend reports for one call. Thread-safe.</summary>
/// <remarks><see cref="EventRecorder{T}.Events"/> holds <see cref="CallStateEvent"/>, <see cref="CallPartyEvent"/>, <see cref="MediaModes"/> or <see cref="char"/> (a digit).</remarks>
public sealed class RecordingCallEvents : EventRecorder<object>, ICallEvents
{
    /// <summary>The state changes, in order.</summary>
    public IReadOnlyList<CallStateEvent> StateEvents => [.. Events.OfType<CallStateEvent>()];

    /// <summary>The states, in order.</summary>
    public IReadOnlyList<CallState> States => [.. StateEvents.Select(e => e.State)];

    /// <summary>The latest state change, or <c>null</c>.</summary>
    public CallStateEvent? Last => StateEvents.LastOrDefault();

    /// <summary>The party identifications, in order.</summary>
    public IReadOnlyList<CallPartyEvent> Parties => [.. Events.OfType<CallPartyEvent>()];

    /// <summary>The digits received, in order.</summary>
    public string Digits => string.Concat(Events.OfType<char>());

    /// <summary>Whether the call has reported <paramref name="state"/> at some point.</summary>
    public bool HasReached(CallState state) => States.Contains(state);

    /// <inheritdoc />
    public void StateChanged(CallState state, DisconnectMode disconnectMode = DisconnectMode.None) => Add(new CallStateEvent(state, disconnectMode));

    /// <inheritdoc />
    public void PartyChanged(PartyRole role, PartyId party) => Add(new CallPartyEvent(role, party));

    /// <inheritdoc />
    public void MediaModeChanged(MediaModes mediaMode) => Add(mediaMode);

    /// <inheritdoc />
    public void DigitReceived(char digit) => Add(digit);
}

/// <summary>A call a backend announced through <see cref="ILineEvents.NewCall"/>.</summary>
/// <param name="Call">The call.</param>
/// <param name="Info">What the backend said about it.</param>
/// <param name="Events">Where its events went.</param>
public sealed record AnnouncedCall(IBackendCall Call, NewCallInfo Info, RecordingCallEvents Events);

/// <summary>Records what a backend reports for one line, and for the calls it announces. Thread-safe.</summary>
/// <remarks><see cref="EventRecorder{T}.Events"/> holds <see cref="AnnouncedCall"/>, <see cref="int"/> (a ring count) or <see cref="bool"/> (service).</remarks>
public sealed class RecordingLineEvents : EventRecorder<object>, ILineEvents
{
    /// <summary>The calls announced, in order.</summary>
    public IReadOnlyList<AnnouncedCall> NewCalls => [.. Events.OfType<AnnouncedCall>()];

    /// <summary>The ring counts reported, in order.</summary>
    public IReadOnlyList<int> Rings => [.. Events.OfType<int>()];

    /// <summary>Every event this sink and the calls it announced received.</summary>
    public int TotalCount => Events.Sum(e => e is AnnouncedCall call ? 1 + call.Events.Count : 1);

    /// <inheritdoc />
    public ICallEvents NewCall(IBackendCall call, NewCallInfo info)
    {
        var events = new RecordingCallEvents();
        Add(new AnnouncedCall(call, info, events));
        return events;
    }

    /// <inheritdoc />
    public void Ringing(int ringCount) => Add(ringCount);

    /// <inheritdoc />
    public void ServiceChanged(bool inService) => Add(inService);
}

/// <summary>A button event as a phone reported it.</summary>
/// <param name="ButtonId">The button.</param>
/// <param name="Mode">What kind of button.</param>
/// <param name="State">Down or up.</param>
public sealed record PhoneButtonEvent(int ButtonId, PhoneButtonMode Mode, PhoneButtonState State);

/// <summary>A hook switch change as a phone reported it.</summary>
/// <param name="Device">Which hook switch device.</param>
/// <param name="Mode">Its new mode.</param>
public sealed record HookSwitchEvent(HookSwitchDevices Device, HookSwitchMode Mode);

/// <summary>Records what a backend reports for one phone. Thread-safe.</summary>
/// <remarks><see cref="EventRecorder{T}.Events"/> holds <see cref="PhoneButtonEvent"/>, <see cref="HookSwitchEvent"/> or <see cref="bool"/> (service).</remarks>
public sealed class RecordingPhoneEvents : EventRecorder<object>, IPhoneEvents
{
    /// <summary>The button events, in order.</summary>
    public IReadOnlyList<PhoneButtonEvent> Buttons => [.. Events.OfType<PhoneButtonEvent>()];

    /// <summary>The hook switch events, in order.</summary>
    public IReadOnlyList<HookSwitchEvent> HookSwitches => [.. Events.OfType<HookSwitchEvent>()];

    /// <inheritdoc />
    public void ButtonChanged(int buttonId, PhoneButtonMode mode, PhoneButtonState state) => Add(new PhoneButtonEvent(buttonId, mode, state));

    /// <inheritdoc />
    public void HookSwitchChanged(HookSwitchDevices device, HookSwitchMode mode) => Add(new HookSwitchEvent(device, mode));

    /// <inheritdoc />
    public void ServiceChanged(bool inService) => Add(inService);
}

/// <summary>Records devices arriving and departing during a session. Thread-safe.</summary>
/// <remarks><see cref="EventRecorder{T}.Events"/> holds <c>+line key</c>, <c>-line key</c>, <c>+phone key</c>, <c>-phone key</c>.</remarks>
public sealed class RecordingSessionEvents : EventRecorder<string>, ISessionEvents
{
    /// <inheritdoc />
    public void LineArrived(ILineDevice line) => Add($"+line {line?.Key}");

    /// <inheritdoc />
    public void LineDeparted(ILineDevice line) => Add($"-line {line?.Key}");

    /// <inheritdoc />
    public void PhoneArrived(IPhoneDevice phone) => Add($"+phone {phone?.Key}");

    /// <inheritdoc />
    public void PhoneDeparted(IPhoneDevice phone) => Add($"-phone {phone?.Key}");
}

/// <summary>One entry a backend logged.</summary>
/// <param name="Level">Severity.</param>
/// <param name="Message">Text.</param>
/// <param name="Exception">The exception, if any.</param>
public sealed record BackendLogEntry(BackendLogLevel Level, string Message, Exception? Exception);

/// <summary>Keeps what a backend logs. Thread-safe.</summary>
public sealed class RecordingBackendLog : EventRecorder<BackendLogEntry>, IBackendLog
{
    /// <inheritdoc />
    public void Log(BackendLogLevel level, string message, Exception? exception = null) => Add(new BackendLogEntry(level, message, exception));
}

/// <summary>A thread-safe list that threads append to and tests read as a snapshot, in order.</summary>
/// <typeparam name="T">What is recorded.</typeparam>
public sealed class RecordedList<T>
{
    private readonly Lock _lock = new();
    private readonly List<T> _items = [];

    /// <summary>Everything added, in order (a copy).</summary>
    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_lock)
            {
                return [.. _items];
            }
        }
    }

    /// <summary>How many items were added.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Adds <paramref name="item"/> at the end.</summary>
    public void Add(T item)
    {
        lock (_lock)
        {
            _items.Add(item);
        }
    }
}

/// <summary>A thread-safe list of what arrived, in order; the base of the recorders.</summary>
/// <typeparam name="T">What is recorded.</typeparam>
public abstract class EventRecorder<T>
{
    private readonly RecordedList<T> _events = new();

    /// <summary>Everything recorded, in order.</summary>
    public IReadOnlyList<T> Events => _events.Items;

    /// <summary>How many events arrived.</summary>
    public int Count => _events.Count;

    /// <summary>Records <paramref name="e"/>.</summary>
    protected void Add(T e) => _events.Add(e);
}
