namespace TspHost.Abstractions;

/// <summary>
/// What a line reports while it is open, from inside <see cref="ILineDevice.OpenAsync"/> (e.g. that
/// the device is out of service) until <see cref="ILineDevice.CloseAsync"/> returns. Calls are
/// thread-safe and never block on the host; the host queues events and delivers them to TAPI in the
/// order they were reported.
/// </summary>
public interface ILineEvents
{
    /// <summary>
    /// Announces a call the host did not ask for (incoming, placed on a handset, a side effect).
    /// Returns where the call's own events go from now on. The call's first state is
    /// <see cref="NewCallInfo.InitialState"/>: do not report it again through
    /// <see cref="ICallEvents.StateChanged"/>. Report nothing else for the call before this returns.
    /// </summary>
    ICallEvents NewCall(IBackendCall call, NewCallInfo info);

    /// <summary>The line is ringing; <paramref name="ringCount"/> counts rings of the current alert, from 1.</summary>
    void Ringing(int ringCount);

    /// <summary>The device went out of service (unplugged, not answering) or came back.</summary>
    void ServiceChanged(bool inService);
}

/// <summary>What a call reports. Events sent after the call was released are ignored.</summary>
public interface ICallEvents
{
    /// <summary>The call changed state. <paramref name="disconnectMode"/> says why, for DISCONNECTED.</summary>
    void StateChanged(CallState state, DisconnectMode disconnectMode = DisconnectMode.None);

    /// <summary>The network identified a party of the call.</summary>
    void PartyChanged(PartyRole role, PartyId party);

    /// <summary>The call's media mode changed (e.g. a voice call turned into a data call).</summary>
    void MediaModeChanged(MediaModes mediaMode);

    /// <summary>A digit was received on the call (DTMF from the far end).</summary>
    void DigitReceived(char digit);
}

/// <summary>What a phone reports while it is open.</summary>
public interface IPhoneEvents
{
    /// <summary>A button went down or up. Keypad digits are buttons 0-9, <c>*</c> is 10, <c>#</c> is 11.</summary>
    void ButtonChanged(int buttonId, PhoneButtonMode mode, PhoneButtonState state);

    /// <summary>A hook switch device changed mode (the handset was lifted, the headset went on hook).</summary>
    void HookSwitchChanged(HookSwitchDevices device, HookSwitchMode mode);

    /// <summary>The device went out of service or came back.</summary>
    void ServiceChanged(bool inService);
}

/// <summary>Which party of a call <see cref="ICallEvents.PartyChanged"/> describes.</summary>
public enum PartyRole
{
    /// <summary>The calling party.</summary>
    Caller,
    /// <summary>The party that was called.</summary>
    Called,
    /// <summary>The party actually connected (after forwarding or transfer).</summary>
    Connected,
}

/// <summary>Where a backend-announced call came from.</summary>
public enum CallOrigin
{
    /// <summary>From the network.</summary>
    Inbound,
    /// <summary>Placed locally, outside TAPI (a handset lifted, a key pressed).</summary>
    Outbound,
    /// <summary>Created as a side effect of another operation (a consultation call).</summary>
    Internal,
}
