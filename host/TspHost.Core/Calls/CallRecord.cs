using TspHost.Abstractions;
using TspHost.Core.Devices;
using TspHost.Core.Events;
using TspHost.Core.Requests;
using TspHost.Core.Tapi;

namespace TspHost.Core.Calls;

/// <summary>Where a call is in its life as TAPI sees it.</summary>
public enum CallLife
{
    /// <summary>Created by a TAPI request that has not completed: the handle is not valid yet (R10).</summary>
    Pending,
    /// <summary>Valid: TAPI may act on it and receives its events.</summary>
    Live,
    /// <summary>Closed by lineCloseCall, the line's close, or a failed request.</summary>
    Closed,
}

/// <summary>
/// One call: the engine's handle (hdCall), TAPI's handle (htCall), the backend's call, and what TAPI
/// may ask about it. It is the <see cref="ICallEvents"/> the backend reports to. Events of a pending
/// TAPI-originated call are held until the request that created it completes successfully (R10);
/// events of a backend-originated call follow LINE_NEWCALL and are dropped if TAPI refuses the call.
/// All state is guarded by the session lock.
/// </summary>
public sealed class CallRecord : ICallEvents, IMessageTarget, IRequestOwner
{
    private readonly Lock _lock;
    private readonly TapiEventDispatcher _dispatcher;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _closing = new();
    private readonly List<Action> _held = [];
    private nint _htCall;

    internal CallRecord(OpenLine line, nint htCall, CallLife life, uint origin, MediaModes mediaMode, Lock sessionLock, TapiEventDispatcher dispatcher, TimeProvider time)
    {
        Line = line;
        _htCall = htCall;
        Life = life;
        Origin = origin;
        MediaMode = mediaMode;
        _lock = sessionLock;
        _dispatcher = dispatcher;
        _time = time;
        StateEntered = time.GetUtcNow();
    }

    public nint HdCall { get; internal set; }

    public OpenLine Line { get; }

    public IBackendCall? Backend { get; internal set; }

    public CallLife Life { get; private set; }

    public CallState State { get; private set; } = CallState.Idle;

    public DisconnectMode DisconnectMode { get; private set; }

    public DateTimeOffset StateEntered { get; private set; }

    public uint Origin { get; }

    public MediaModes MediaMode { get; private set; }

    public PartyId? Caller { get; private set; }

    public PartyId? Called { get; private set; }

    public PartyId? Connected { get; private set; }

    /// <summary>Told of every state change, under the session lock (the engine watches calls a handset is ringing for).</summary>
    internal Action<CallRecord>? StateObserver { get; set; }

    /// <summary>Every state the call has been in (LINECALLINFO.dwCallStates).</summary>
    public uint StatesSeen { get; private set; }

    public nint TapiHandle => Volatile.Read(ref _htCall);

    public bool AcceptsMessages => Life != CallLife.Closed && TapiHandle != 0;

    public CancellationToken Closing => _closing.Token;

    void ICallEvents.StateChanged(CallState state, DisconnectMode disconnectMode)
    {
        lock (_lock)
        {
            if (Life == CallLife.Closed)
            {
                return;
            }

            State = state;
            DisconnectMode = state == CallState.Disconnected ? disconnectMode : DisconnectMode.None;
            StateEntered = _time.GetUtcNow();
            StatesSeen |= (uint)state;
            var p2 = state == CallState.Disconnected ? (uint)(disconnectMode == DisconnectMode.None ? DisconnectMode.Normal : disconnectMode) : 0;
            var media = (uint)MediaMode;
            Post(() => _dispatcher.PostLine(Line, this, LineMessage.CallState, (uint)state, p2, media));
            StateObserver?.Invoke(this);
        }
    }

    void ICallEvents.PartyChanged(PartyRole role, PartyId party)
    {
        lock (_lock)
        {
            if (Life == CallLife.Closed)
            {
                return;
            }

            uint flag;
            switch (role)
            {
                case PartyRole.Caller:
                    Caller = party;
                    flag = CallInfoState.CallerId;
                    break;
                case PartyRole.Called:
                    Called = party;
                    flag = CallInfoState.CalledId;
                    break;
                default:
                    Connected = party;
                    flag = CallInfoState.ConnectedId;
                    break;
            }

            Post(() => _dispatcher.PostLine(Line, this, LineMessage.CallInfo, flag));
        }
    }

    void ICallEvents.MediaModeChanged(MediaModes mediaMode)
    {
        lock (_lock)
        {
            if (Life == CallLife.Closed)
            {
                return;
            }

            MediaMode = mediaMode;
            Post(() => _dispatcher.PostLine(Line, this, LineMessage.CallInfo, CallInfoState.MediaMode));
        }
    }

    void ICallEvents.DigitReceived(char digit)
    {
        const uint digitModeDtmf = 0x2; // LINEDIGITMODE_DTMF
        lock (_lock)
        {
            if (Life != CallLife.Closed)
            {
                Post(() => _dispatcher.PostLine(Line, this, LineMessage.MonitorDigits, digit, digitModeDtmf));
            }
        }
    }

    /// <summary>Records the parties known at creation (no message: LINE_NEWCALL or the request carries them).</summary>
    internal void SetInitialParties(PartyId? caller, PartyId? called)
    {
        Caller = caller;
        Called = called;
    }

    /// <summary>R10: the request that created the call completed successfully: deliver what was held. Needs the session lock.</summary>
    internal void Publish_NeedsLock()
    {
        if (Life != CallLife.Pending)
        {
            return;
        }

        Life = CallLife.Live;
        foreach (var post in _held)
        {
            post();
        }

        _held.Clear();
    }

    /// <summary>Ends the call for TAPI; returns false when it had ended already. Needs the session lock.</summary>
    internal bool Close_NeedsLock()
    {
        if (Life == CallLife.Closed)
        {
            return false;
        }

        Life = CallLife.Closed;
        _held.Clear();
        return true;
    }

    /// <summary>Cancels whatever the backend still runs for the call. Call outside the lock.</summary>
    internal void CancelPending()
    {
        try
        {
            _closing.Cancel();
        }
        catch (AggregateException)
        {
            // A backend's cancellation callback threw; the call is closed regardless.
        }
    }

    /// <summary>Sets TAPI's handle from its answer to LINE_NEWCALL.</summary>
    internal void SetTapiHandle(nint htCall) => Volatile.Write(ref _htCall, htCall);

    /// <summary>What TAPI may do with the call now (LINECALLSTATUS.dwCallFeatures), limited to what the line supports.</summary>
    public CallFeatures Features
    {
        get
        {
            var byState = State switch
            {
                CallState.Offering or CallState.Accepted => CallFeatures.Answer | CallFeatures.Drop,
                CallState.DialTone or CallState.Dialing => CallFeatures.Dial | CallFeatures.Drop,
                CallState.Connected => CallFeatures.Drop | CallFeatures.Hold | CallFeatures.SetupTransfer | CallFeatures.SetupConference | CallFeatures.Dial,
                CallState.OnHold => CallFeatures.Unhold | CallFeatures.Drop,
                CallState.OnHoldPendingTransfer => CallFeatures.CompleteTransfer | CallFeatures.Drop,
                CallState.Idle => CallFeatures.None,
                _ => CallFeatures.Drop,
            };
            return byState & FeatureMap.ToCallFeatures(Line.Entry.Capabilities.Features);
        }
    }

    private void Post(Action post)
    {
        if (Life == CallLife.Pending)
        {
            _held.Add(post); // R10: nothing about this call before its request completes
        }
        else
        {
            post();
        }
    }

    public override string ToString() => $"call 0x{HdCall:X} ({Backend?.Id ?? "pending"}) {State}";
}

/// <summary>Maps the contract's features onto TAPI's call features.</summary>
public static class FeatureMap
{
    public static CallFeatures ToCallFeatures(LineFeatures features)
    {
        var result = CallFeatures.None;
        if (features.HasFlag(LineFeatures.Answer)) result |= CallFeatures.Answer;
        if (features.HasFlag(LineFeatures.Dial)) result |= CallFeatures.Dial;
        if (features.HasFlag(LineFeatures.Drop)) result |= CallFeatures.Drop;
        if (features.HasFlag(LineFeatures.Hold)) result |= CallFeatures.Hold;
        if (features.HasFlag(LineFeatures.Unhold)) result |= CallFeatures.Unhold;
        if (features.HasFlag(LineFeatures.SetupTransfer)) result |= CallFeatures.SetupTransfer;
        if (features.HasFlag(LineFeatures.CompleteTransfer)) result |= CallFeatures.CompleteTransfer;
        if (features.HasFlag(LineFeatures.SetupConference)) result |= CallFeatures.SetupConference;
        return result;
    }
}
