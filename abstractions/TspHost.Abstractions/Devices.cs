using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace TspHost.Abstractions;

/// <summary>
/// A line device: something that places and receives calls. Every operation is asynchronous, takes a
/// cancellation token (the host cancels it when its timeout expires or the line closes) and reports
/// failure by throwing, preferably a <see cref="TelephonyException"/>. Optional operations have default
/// implementations that fail with <see cref="TelephonyError.OperationUnavailable"/>: implement those
/// the device can do, and list them in <see cref="LineCapabilities.Features"/>.
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
    /// <remarks>Optional (<see cref="LineFeatures.SetupConference"/>): by default the operation is unavailable.</remarks>
    ValueTask<ConferenceSetup> SetupConferenceAsync(IBackendCall? initialCall, ICallEvents conferenceEvents, ICallEvents consultationEvents, int parties, CancellationToken cancellationToken) =>
        Unavailable.Operation<ConferenceSetup>("Setting up a conference");
}

/// <summary>
/// One call on a line, created by <see cref="ILineDevice.MakeCallAsync"/> or announced by the backend.
/// <see cref="DropAsync"/> and <see cref="ReleaseAsync"/> are required; the other operations are
/// optional and by default fail with <see cref="TelephonyError.OperationUnavailable"/>.
/// </summary>
public interface IBackendCall
{
    /// <summary>The backend's own name for the call, for logs.</summary>
    string Id { get; }

    /// <summary>Answers an offering call.</summary>
    ValueTask AnswerAsync(CancellationToken cancellationToken) => Unavailable.Operation("Answering");

    /// <summary>Dials more digits on a call in DIALTONE or DIALING (after a partial dial).</summary>
    ValueTask DialAsync(string digits, CancellationToken cancellationToken) => Unavailable.Operation("Dialling on a call");

    /// <summary>Disconnects the call (an offering call is rejected). The call ends IDLE.</summary>
    ValueTask DropAsync(CancellationToken cancellationToken);

    /// <summary>Puts a connected call on hold.</summary>
    ValueTask HoldAsync(CancellationToken cancellationToken) => Unavailable.Operation("Hold");

    /// <summary>Retrieves a held call.</summary>
    ValueTask UnholdAsync(CancellationToken cancellationToken) => Unavailable.Operation("Retrieving a held call");

    /// <summary>
    /// Starts a transfer: this call goes ONHOLDPENDTRANSFER and a new consultation call starts in DIALTONE.
    /// </summary>
    ValueTask<IBackendCall> SetupTransferAsync(ICallEvents consultationEvents, CancellationToken cancellationToken) =>
        Unavailable.Operation<IBackendCall>("Setting up a transfer");

    /// <summary>
    /// Completes a transfer to <paramref name="consultation"/>. <see cref="TransferMode.Transfer"/>: both
    /// calls go IDLE and nothing is returned. <see cref="TransferMode.Conference"/>: both calls go
    /// CONFERENCED and the new conference call (reporting to <paramref name="conferenceEvents"/>) is returned.
    /// </summary>
    ValueTask<IBackendCall?> CompleteTransferAsync(IBackendCall consultation, TransferMode mode, ICallEvents? conferenceEvents, CancellationToken cancellationToken) =>
        Unavailable.Operation<IBackendCall?>("Completing a transfer");

    /// <summary>
    /// Releases the call. The host calls it exactly once, when TAPI closes the call or the line; a call
    /// that is still up is dropped. No events may be sent for the call afterwards.
    /// </summary>
    ValueTask ReleaseAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A phone device: a handset, headset or desk phone with a hook switch, keys, a ringer and lamps. The
/// settings (hook switch, ringer, lamps) are optional and by default fail with
/// <see cref="TelephonyError.OperationUnavailable"/>; list those implemented in <see cref="PhoneCapabilities.Features"/>.
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
    ValueTask SetHookSwitchAsync(HookSwitchDevices devices, HookSwitchMode mode, CancellationToken cancellationToken) =>
        Unavailable.Operation("Setting the hook switch");

    /// <summary>Sets the ringer: <paramref name="ringMode"/> 0 is silent; <paramref name="volume"/> is 0..65535.</summary>
    ValueTask SetRingAsync(int ringMode, int volume, CancellationToken cancellationToken) => Unavailable.Operation("Setting the ringer");

    /// <summary>Sets lamp <paramref name="lampId"/> (0-based) to <paramref name="mode"/>.</summary>
    ValueTask SetLampAsync(int lampId, LampMode mode, CancellationToken cancellationToken) => Unavailable.Operation("Setting a lamp");
}

// The records below grow by new init-only properties, never by new constructor parameters, so a
// field added in a later minor version of the contract breaks no plugin built against an earlier one.
// The positional constructors and Deconstruct methods of contract 1.0 stay, hidden, for plugins built
// against 1.0 (removing them would break those binaries); new code sets the properties.

/// <summary>What to call: <c>new MakeCallRequest { Destination = "5551000" }</c>.</summary>
public sealed record MakeCallRequest
{
    /// <summary>Creates a request for dial tone only; set the properties to say more.</summary>
    public MakeCallRequest()
    {
    }

    /// <summary>Contract 1.0's constructor, kept for plugins built against it.</summary>
    [Obsolete("Set the properties instead: new MakeCallRequest { Destination = ... }.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public MakeCallRequest(string? Destination, MediaModes MediaMode = MediaModes.InteractiveVoice, bool MoreDigitsFollow = false) =>
        (this.Destination, this.MediaMode, this.MoreDigitsFollow) = (Destination, MediaMode, MoreDigitsFollow);

    /// <summary>The address to dial, or <c>null</c> for dial tone only.</summary>
    public string? Destination { get; init; }

    /// <summary>The call's media mode: voice or data decides how a modem dials.</summary>
    public MediaModes MediaMode { get; init; } = MediaModes.InteractiveVoice;

    /// <summary>The destination is partial; more digits come through <see cref="IBackendCall.DialAsync"/>.</summary>
    public bool MoreDigitsFollow { get; init; }

    /// <summary>Contract 1.0's deconstruction, kept for plugins built against it.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Deconstruct(out string? Destination, out MediaModes MediaMode, out bool MoreDigitsFollow) =>
        (Destination, MediaMode, MoreDigitsFollow) = (this.Destination, this.MediaMode, this.MoreDigitsFollow);
}

/// <summary>The two calls a conference setup creates.</summary>
public sealed record ConferenceSetup
{
    /// <summary>Creates the result; both calls are required.</summary>
    public ConferenceSetup()
    {
    }

    /// <summary>Contract 1.0's constructor, kept for plugins built against it.</summary>
    [Obsolete("Set the properties instead: new ConferenceSetup { Conference = ..., Consultation = ... }.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    [SetsRequiredMembers]
    public ConferenceSetup(IBackendCall Conference, IBackendCall Consultation) =>
        (this.Conference, this.Consultation) = (Conference, Consultation);

    /// <summary>The conference call (ONHOLDPENDCONF).</summary>
    public required IBackendCall Conference { get; init; }

    /// <summary>The consultation call (DIALTONE).</summary>
    public required IBackendCall Consultation { get; init; }

    /// <summary>Contract 1.0's deconstruction, kept for plugins built against it.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Deconstruct(out IBackendCall Conference, out IBackendCall Consultation) =>
        (Conference, Consultation) = (this.Conference, this.Consultation);
}

/// <summary>
/// A call that the backend announces itself: incoming, placed on a handset, or a side effect.
/// <c>new NewCallInfo { InitialState = CallState.Offering, Origin = CallOrigin.Inbound, Caller = ... }</c>.
/// </summary>
public sealed record NewCallInfo
{
    /// <summary>Creates the description; <see cref="InitialState"/> and <see cref="Origin"/> are required.</summary>
    public NewCallInfo()
    {
    }

    /// <summary>Contract 1.0's constructor, kept for plugins built against it.</summary>
    [Obsolete("Set the properties instead: new NewCallInfo { InitialState = ..., Origin = ... }.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    [SetsRequiredMembers]
    public NewCallInfo(CallState InitialState, CallOrigin Origin, MediaModes MediaMode = MediaModes.InteractiveVoice, PartyId? Caller = null) =>
        (this.InitialState, this.Origin, this.MediaMode, this.Caller) = (InitialState, Origin, MediaMode, Caller);

    /// <summary>The state the call starts in (OFFERING for an incoming call, DIALTONE for a handset lifted).</summary>
    public required CallState InitialState { get; init; }

    /// <summary>Where the call came from.</summary>
    public required CallOrigin Origin { get; init; }

    /// <summary>The call's media mode.</summary>
    public MediaModes MediaMode { get; init; } = MediaModes.InteractiveVoice;

    /// <summary>Who is calling, if known already.</summary>
    public PartyId? Caller { get; init; }

    /// <summary>Contract 1.0's deconstruction, kept for plugins built against it.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Deconstruct(out CallState InitialState, out CallOrigin Origin, out MediaModes MediaMode, out PartyId? Caller) =>
        (InitialState, Origin, MediaMode, Caller) = (this.InitialState, this.Origin, this.MediaMode, this.Caller);
}

/// <summary>A party's number and name as far as the network tells them: <c>new PartyId { Number = "5551234", Name = "Alice" }</c>.</summary>
public sealed record PartyId
{
    /// <summary>Creates an identity; with nothing set, the number is unknown.</summary>
    public PartyId()
    {
    }

    /// <summary>Contract 1.0's constructor, kept for plugins built against it.</summary>
    [Obsolete("Set the properties instead: new PartyId { Number = ..., Name = ... }.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public PartyId(string? Number, string? Name = null, PartyAvailability Availability = PartyAvailability.Available) =>
        (this.Number, this.Name, this.Availability) = (Number, Name, Availability);

    /// <summary>The number, or <c>null</c> when withheld or unknown.</summary>
    public string? Number { get; init; }

    /// <summary>The name, or <c>null</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Whether the number was withheld or unavailable.</summary>
    public PartyAvailability Availability { get; init; } = PartyAvailability.Available;

    /// <summary>Contract 1.0's deconstruction, kept for plugins built against it.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Deconstruct(out string? Number, out string? Name, out PartyAvailability Availability) =>
        (Number, Name, Availability) = (this.Number, this.Name, this.Availability);
}

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
