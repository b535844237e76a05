using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated;

// What the people and the outside world do: the methods a test or a demo drives the exchange with.
// They throw ArgumentException for an unknown device or call and InvalidOperationException when the
// action makes no sense now (ObjectDisposedException once the session has ended).
public sealed partial class SimulatedExchange
{
    /// <summary>
    /// Someone outside calls the line <paramref name="lineKey"/>: the line announces a new OFFERING
    /// call and rings every <c>RingInterval</c> until it is answered, rejected, the caller hangs up
    /// (<see cref="RemoteHangUp"/>) or gives up after <c>NoAnswerRings</c> rings.
    /// </summary>
    /// <returns>The new call, as the host will see it in <see cref="ILineEvents.NewCall"/>.</returns>
    /// <exception cref="InvalidOperationException">The line is not open, or all its call appearances are in use.</exception>
    public IBackendCall InjectIncomingCall(string lineKey, PartyId caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var line = FindLine(lineKey);
        SimulatedCall call;
        lock (_lock)
        {
            ThrowIfEnded_NeedsLock();
            if (line.Sink is null)
            {
                throw new InvalidOperationException($"{line.Key} is not open, so nobody would see the call.");
            }

            if (ActiveCalls_NeedsLock(line) >= SimulatedLine.MaxActiveCalls)
            {
                throw new InvalidOperationException($"{line.Key} has no free call appearance.");
            }

            call = NewCall_NeedsLock(line, events: null);
            call.Outside = OutsideParty.Calling;
            Offer_NeedsLock(call, caller);
        }

        _outbox.Drain();
        return call;
    }

    /// <summary>
    /// The far end of <paramref name="call"/> hangs up: the call goes DISCONNECTED (Normal). For a call
    /// between two simulated lines this is the other line dropping its side.
    /// </summary>
    /// <exception cref="InvalidOperationException">The call has no far end to hang up (idle, disconnected, dialling, on dial tone).</exception>
    public void RemoteHangUp(IBackendCall call)
    {
        var simulated = AsOwnCall(call, nameof(call));
        lock (_lock)
        {
            ThrowIfEnded_NeedsLock();
            if (simulated.State is CallState.Idle or CallState.Disconnected or CallState.DialTone or CallState.Dialing || simulated.Released)
            {
                throw new InvalidOperationException($"{simulated.Id} is {simulated.State}; there is no far end to hang up.");
            }

            if (simulated.Peer is { } peer)
            {
                Drop_NeedsLock(peer);
            }
            else
            {
                SetState_NeedsLock(simulated, CallState.Disconnected, DisconnectMode.Normal);
            }
        }

        _outbox.Drain();
    }

    /// <summary>The person at phone <paramref name="phoneKey"/> lifts the handset (HookSwitchChanged Handset, MicSpeaker).</summary>
    public void LiftHandset(string phoneKey) => MoveHandset(phoneKey, HookSwitchMode.MicSpeaker);

    /// <summary>The person at phone <paramref name="phoneKey"/> puts the handset down (HookSwitchChanged Handset, OnHook).</summary>
    public void ReplaceHandset(string phoneKey) => MoveHandset(phoneKey, HookSwitchMode.OnHook);

    /// <summary>
    /// The person at phone <paramref name="phoneKey"/> presses and releases a keypad key
    /// (<c>0</c>-<c>9</c>, <c>*</c>, <c>#</c>): ButtonChanged Down, then Up, for buttons 0-9, 10 (*) and 11 (#).
    /// </summary>
    public void PressKey(string phoneKey, char key)
    {
        var button = key switch
        {
            >= '0' and <= '9' => key - '0',
            '*' => 10,
            '#' => 11,
            _ => throw new ArgumentOutOfRangeException(nameof(key), key, "A keypad key is 0-9, * or #."),
        };
        var phone = FindPhone(phoneKey);
        lock (_lock)
        {
            ThrowIfEnded_NeedsLock();
            EmitPhone_NeedsLock(phone, e => e.ButtonChanged(button, PhoneButtonMode.Keypad, PhoneButtonState.Down));
            EmitPhone_NeedsLock(phone, e => e.ButtonChanged(button, PhoneButtonMode.Keypad, PhoneButtonState.Up));
        }

        _outbox.Drain();
    }

    /// <summary>Presses each key of <paramref name="keys"/> in turn (see <see cref="PressKey"/>).</summary>
    public void PressKeys(string phoneKey, string keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            PressKey(phoneKey, key);
        }
    }

    /// <summary>What phone <paramref name="phoneKey"/> looks like now: hook switches, ringer, lamps.</summary>
    public SimulatedPhoneState GetPhoneState(string phoneKey)
    {
        var phone = FindPhone(phoneKey);
        lock (_lock)
        {
            return phone.Snapshot();
        }
    }

    private void MoveHandset(string phoneKey, HookSwitchMode mode)
    {
        var phone = FindPhone(phoneKey);
        lock (_lock)
        {
            ThrowIfEnded_NeedsLock();
            if (phone.Handset == mode)
            {
                return;
            }

            phone.Handset = mode;
            EmitPhone_NeedsLock(phone, e => e.HookSwitchChanged(HookSwitchDevices.Handset, mode));
        }

        _outbox.Drain();
    }

    private void ThrowIfEnded_NeedsLock() => ObjectDisposedException.ThrowIf(_shutDown, this);
}
