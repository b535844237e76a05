namespace TspHost.Abstractions;

/// <summary>
/// A line device: something that places and receives calls. Every operation is asynchronous, takes a
/// cancellation token (the host cancels it when its timeout expires or the line closes) and reports
/// failure by throwing, preferably a <see cref="TelephonyException"/>.
/// </summary>
public interface ILineDevice
{
    /// <summary>
    /// A key that names this device stably across sessions and restarts (a port name, a serial number,
    /// <c>line-1</c>). The host derives the permanent device ID from it.
    /// </summary>
    string Key { get; }

    /// <summary>What the device can do. Read once when the device is mapped.</summary>
    LineCapabilities Capabilities { get; }

    /// <summary>Opens the device; from now until <see cref="CloseAsync"/>, events go to <paramref name="events"/>.</summary>
    ValueTask OpenAsync(ILineEvents events, CancellationToken cancellationToken);

    /// <summary>
    /// Closes the device. The host has already closed every call; the backend drops what is still up
    /// and sends no more events.
    /// </summary>
    ValueTask CloseAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Places a call. Report its progress through <paramref name="events"/> (DIALTONE, DIALING,
    /// PROCEEDING, RINGBACK, CONNECTED, ...). The returned task completes when the call has been
    /// placed (the network accepted it), not when it is answered.
    /// </summary>
    ValueTask<IBackendCall> MakeCallAsync(MakeCallRequest request, ICallEvents events, CancellationToken cancellationToken);

    /// <summary>
    /// Sets up a conference: <paramref name="initialCall"/> (if any) joins a new conference call,
    /// which waits ONHOLDPENDCONF while a new consultation call starts in DIALTONE.
    /// </summary>
    ValueTask<ConferenceSetup> SetupConferenceAsync(IBackendCall? initialCall, ICallEvents conferenceEvents, ICallEvents consultationEvents, int parties, CancellationToken cancellationToken);
}

/// <summary>One call on a line, created by <see cref="ILineDevice.MakeCallAsync"/> or announced by the backend.</summary>
public interface IBackendCall
{
    /// <summary>The backend's own name for the call, for logs.</summary>
    string Id { get; }

    /// <summary>Answers an offering call.</summary>
    ValueTask AnswerAsync(CancellationToken cancellationToken);

    /// <summary>Dials more digits on a call in DIALTONE or DIALING (after a partial dial).</summary>
    ValueTask DialAsync(string digits, CancellationToken cancellationToken);

    /// <summary>Disconnects the call (an offering call is rejected). The call ends IDLE.</summary>
    ValueTask DropAsync(CancellationToken cancellationToken);

    /// <summary>Puts a connected call on hold.</summary>
    ValueTask HoldAsync(CancellationToken cancellationToken);

    /// <summary>Retrieves a held call.</summary>
    ValueTask UnholdAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts a transfer: this call goes ONHOLDPENDTRANSFER and a new consultation call starts in DIALTONE.
    /// </summary>
    ValueTask<IBackendCall> SetupTransferAsync(ICallEvents consultationEvents, CancellationToken cancellationToken);

    /// <summary>
    /// Completes a transfer to <paramref name="consultation"/>. <see cref="TransferMode.Transfer"/>: both
    /// calls go IDLE and nothing is returned. <see cref="TransferMode.Conference"/>: both calls go
    /// CONFERENCED and the new conference call (reporting to <paramref name="conferenceEvents"/>) is returned.
    /// </summary>
    ValueTask<IBackendCall?> CompleteTransferAsync(IBackendCall consultation, TransferMode mode, ICallEvents? conferenceEvents, CancellationToken cancellationToken);

    /// <summary>
    /// Releases the call. The host calls it exactly once, when TAPI closes the call or the line; a call
    /// that is still up is dropped. No events may be sent for the call afterwards.
    /// </summary>
    ValueTask ReleaseAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A phone device: a handset, headset or desk phone with a hook switch, keys, a ringer and lamps.
/// </summary>
public interface IPhoneDevice
{
    /// <summary>A key that names the device stably across sessions and restarts.</summary>
    string Key { get; }

    /// <summary>What the device can do.</summary>
    PhoneCapabilities Capabilities { get; }

    /// <summary>Opens the device; from now until <see cref="CloseAsync"/>, events go to <paramref name="events"/>.</summary>
    ValueTask OpenAsync(IPhoneEvents events, CancellationToken cancellationToken);

    /// <summary>Closes the device; no more events afterwards.</summary>
    ValueTask CloseAsync(CancellationToken cancellationToken);

    /// <summary>Sets the mode of the hook switch devices in <paramref name="devices"/>.</summary>
    ValueTask SetHookSwitchAsync(HookSwitchDevices devices, HookSwitchMode mode, CancellationToken cancellationToken);

    /// <summary>Sets the ringer: <paramref name="ringMode"/> 0 is silent; <paramref name="volume"/> is 0..65535.</summary>
    ValueTask SetRingAsync(int ringMode, int volume, CancellationToken cancellationToken);

    /// <summary>Sets lamp <paramref name="lampId"/> (0-based) to <paramref name="mode"/>.</summary>
    ValueTask SetLampAsync(int lampId, LampMode mode, CancellationToken cancellationToken);
}

/// <summary>What to call.</summary>
/// <param name="Destination">The address to dial, or <c>null</c> for dial tone only.</param>
/// <param name="MediaMode">The call's media mode: voice or data decides how a modem dials.</param>
/// <param name="MoreDigitsFollow">The destination is partial; more digits come through <see cref="IBackendCall.DialAsync"/>.</param>
public sealed record MakeCallRequest(string? Destination, MediaModes MediaMode = MediaModes.InteractiveVoice, bool MoreDigitsFollow = false);

/// <summary>The two calls a conference setup creates.</summary>
/// <param name="Conference">The conference call (ONHOLDPENDCONF).</param>
/// <param name="Consultation">The consultation call (DIALTONE).</param>
public sealed record ConferenceSetup(IBackendCall Conference, IBackendCall Consultation);

/// <summary>A call that the backend announces itself: incoming, placed on a handset, or a side effect.</summary>
/// <param name="InitialState">The state the call starts in (OFFERING for an incoming call, DIALTONE for a handset lifted).</param>
/// <param name="Origin">Where the call came from.</param>
/// <param name="MediaMode">The call's media mode.</param>
/// <param name="Caller">Who is calling, if known already.</param>
public sealed record NewCallInfo(CallState InitialState, CallOrigin Origin, MediaModes MediaMode = MediaModes.InteractiveVoice, PartyId? Caller = null);

/// <summary>A party's number and name as far as the network tells them.</summary>
/// <param name="Number">The number, or <c>null</c> when withheld or unknown.</param>
/// <param name="Name">The name, or <c>null</c>.</param>
/// <param name="Availability">Whether the number was withheld or unavailable.</param>
public sealed record PartyId(string? Number, string? Name = null, PartyAvailability Availability = PartyAvailability.Available);

/// <summary>Why a party's number is missing.</summary>
public enum PartyAvailability
{
    /// <summary>Number and/or name are given.</summary>
    Available,
    /// <summary>The caller withheld it (caller ID <c>P</c>).</summary>
    Blocked,
    /// <summary>The network does not have it (caller ID <c>O</c>).</summary>
    OutOfArea,
}
