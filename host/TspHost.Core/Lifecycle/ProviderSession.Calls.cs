using Microsoft.Extensions.Logging;
using TspHost.Abstractions;
using TspHost.Core.Calls;
using TspHost.Core.Devices;
using TspHost.Core.Requests;
using TspHost.Core.Tapi;

namespace TspHost.Core.Lifecycle;

public sealed partial class ProviderSession
{
    internal int LineMakeCall(uint requestId, nint hdLine, nint htCall, out nint hdCall, string? destination, MediaModes mediaMode)
    {
        hdCall = 0;
        var (error, open) = CheckLine(hdLine, LineFeatures.MakeCall);
        if (error != 0)
        {
            return error;
        }

        var partial = destination?.EndsWith(';') == true;
        var request = new MakeCallRequest { Destination = partial ? destination![..^1] : destination, MediaMode = mediaMode, MoreDigitsFollow = partial };
        CallRecord call;
        lock (Lock)
        {
            // R8: a call lives strictly inside its line's open/close pair.
            if (open!.Closed)
            {
                return LineErr.InvalLineHandle;
            }

            call = NewCall_NeedsLock(open, htCall, CallLife.Pending, CallOriginFlags.Outbound, mediaMode);
            call.SetInitialParties(null, destination is null ? null : new PartyId { Number = request.Destination });
            hdCall = call.HdCall;
        }

        if (Begin(requestId, "lineMakeCall", open, call) is not { } pending)
        {
            DiscardCall(call);
            hdCall = 0;
            return LineErr.InvalParam;
        }

        return Run(pending, phone: false,
            ct => open.Entry.Line.MakeCallAsync(request, call, ct),
            backendCall => call.Backend = backendCall,
            created: [call],
            orphaned: ReleaseOrphan);
    }

    internal int LineDial(uint requestId, nint hdCall, string digits) =>
        CallRequest(requestId, hdCall, "lineDial", CallFeatures.Dial, LineFeatures.Dial, (call, ct) => call.DialAsync(digits, ct));

    internal int LineAnswer(uint requestId, nint hdCall) =>
        CallRequest(requestId, hdCall, "lineAnswer", CallFeatures.Answer, LineFeatures.Answer, (call, ct) => call.AnswerAsync(ct));

    internal int LineDrop(uint requestId, nint hdCall) =>
        CallRequest(requestId, hdCall, "lineDrop", CallFeatures.Drop, LineFeatures.Drop, (call, ct) => call.DropAsync(ct));

    internal int LineHold(uint requestId, nint hdCall) =>
        CallRequest(requestId, hdCall, "lineHold", CallFeatures.Hold, LineFeatures.Hold, (call, ct) => call.HoldAsync(ct));

    internal int LineUnhold(uint requestId, nint hdCall) =>
        CallRequest(requestId, hdCall, "lineUnhold", CallFeatures.Unhold, LineFeatures.Unhold, (call, ct) => call.UnholdAsync(ct));

    internal int LineSetupTransfer(uint requestId, nint hdCall, nint htConsultCall, out nint hdConsultCall)
    {
        hdConsultCall = 0;
        var (error, call) = CheckCall(hdCall, CallFeatures.SetupTransfer, LineFeatures.SetupTransfer);
        if (error != 0)
        {
            return error;
        }

        CallRecord consult;
        lock (Lock)
        {
            consult = NewCall_NeedsLock(call!.Line, htConsultCall, CallLife.Pending, CallOriginFlags.Outbound, call.MediaMode);
            hdConsultCall = consult.HdCall;
        }

        if (Begin(requestId, "lineSetupTransfer", call.Line, call, consult) is not { } pending)
        {
            DiscardCall(consult);
            hdConsultCall = 0;
            return LineErr.InvalParam;
        }

        var backend = call.Backend!;
        return Run(pending, phone: false,
            ct => backend.SetupTransferAsync(consult, ct),
            consultCall => consult.Backend = consultCall,
            created: [consult],
            orphaned: ReleaseOrphan);
    }

    internal int LineCompleteTransfer(uint requestId, nint hdCall, nint hdConsultCall, nint htConfCall, out nint hdConfCall, TransferMode mode)
    {
        hdConfCall = 0;
        if (mode is not (TransferMode.Transfer or TransferMode.Conference))
        {
            return LineErr.InvalParam;
        }

        var (error, call) = CheckCall(hdCall, CallFeatures.CompleteTransfer, LineFeatures.CompleteTransfer);
        if (error != 0)
        {
            return error;
        }

        if (!Calls.TryGet(hdConsultCall, out var consult) || consult.Life != CallLife.Live || consult.Line != call!.Line)
        {
            return LineErr.InvalCallHandle;
        }

        CallRecord? conference = null;
        lock (Lock)
        {
            if (mode == TransferMode.Conference)
            {
                conference = NewCall_NeedsLock(call.Line, htConfCall, CallLife.Pending, CallOriginFlags.Conference, call.MediaMode);
                hdConfCall = conference.HdCall;
            }
        }

        IRequestOwner[] owners = conference is null ? [call.Line, call, consult] : [call.Line, call, consult, conference];
        if (Begin(requestId, "lineCompleteTransfer", owners) is not { } pending)
        {
            if (conference is not null)
            {
                DiscardCall(conference);
            }

            hdConfCall = 0;
            return LineErr.InvalParam;
        }

        var backend = call.Backend!;
        var consultBackend = consult.Backend!;
        return Run(pending, phone: false,
            async ct =>
            {
                var result = await backend.CompleteTransferAsync(consultBackend, mode, conference, ct).ConfigureAwait(false);
                return conference is not null && result is null
                    ? throw new TelephonyException(TelephonyError.OperationFailed, "The backend completed a conference transfer without a conference call.")
                    : result;
            },
            conferenceCall =>
            {
                if (conference is not null)
                {
                    conference.Backend = conferenceCall;
                }
            },
            created: conference is null ? [] : [conference],
            orphaned: ReleaseOrphan);
    }

    internal int LineSetupConference(uint requestId, nint hdCall, nint hdLine, nint htConfCall, out nint hdConfCall, nint htConsultCall, out nint hdConsultCall, uint numParties)
    {
        hdConfCall = hdConsultCall = 0;
        CallRecord? initial = null;
        OpenLine? open;
        if (hdCall != 0)
        {
            var (callError, call) = CheckCall(hdCall, CallFeatures.SetupConference, LineFeatures.SetupConference);
            if (callError != 0)
            {
                return callError;
            }

            initial = call;
            open = call!.Line;
        }
        else
        {
            var (lineError, line) = CheckLine(hdLine, LineFeatures.SetupConference);
            if (lineError != 0)
            {
                return lineError;
            }

            open = line!;
        }

        if (numParties < 2)
        {
            return LineErr.InvalParam;
        }

        CallRecord conference, consult;
        lock (Lock)
        {
            if (open.Closed)
            {
                return LineErr.InvalLineHandle;
            }

            conference = NewCall_NeedsLock(open, htConfCall, CallLife.Pending, CallOriginFlags.Conference, initial?.MediaMode ?? MediaModes.InteractiveVoice);
            consult = NewCall_NeedsLock(open, htConsultCall, CallLife.Pending, CallOriginFlags.Outbound, conference.MediaMode);
            hdConfCall = conference.HdCall;
            hdConsultCall = consult.HdCall;
        }

        IRequestOwner[] owners = initial is null ? [open, conference, consult] : [open, initial, conference, consult];
        if (Begin(requestId, "lineSetupConference", owners) is not { } pending)
        {
            DiscardCall(conference);
            DiscardCall(consult);
            hdConfCall = hdConsultCall = 0;
            return LineErr.InvalParam;
        }

        var initialBackend = initial?.Backend;
        return Run(pending, phone: false,
            ct => open.Entry.Line.SetupConferenceAsync(initialBackend, conference, consult, (int)numParties, ct),
            setup =>
            {
                conference.Backend = setup.Conference;
                consult.Backend = setup.Consultation;
            },
            created: [conference, consult],
            orphaned: setup =>
            {
                ReleaseOrphan(setup.Conference);
                ReleaseOrphan(setup.Consultation);
            });
    }

    /// <summary>R9: ends the call; idempotent; completes what is pending on it first.</summary>
    internal async Task<int> LineCloseCallAsync(nint hdCall)
    {
        CallRecord? call;
        lock (Lock)
        {
            call = Calls.Retire(hdCall);
            if (call is null)
            {
                return Calls.WasRetired(hdCall) ? 0 : LineErr.InvalCallHandle;
            }

            call.Close_NeedsLock();
            call.Line.Calls.Remove(call);
        }

        call.CancelPending();
        Ledger.FailAll(call, LineErr.OperationFailed);
        if (call.Backend is { } backend)
        {
            await GuardAsync($"Releasing {call}", () => backend.ReleaseAsync(CancellationToken.None), _options.DeviceTimeout).ConfigureAwait(false);
        }

        await Dispatcher.FlushAsync(_options.FlushTimeout).ConfigureAwait(false);
        return 0;
    }

    internal int LineGetCallInfo(nint hdCall, out LineCallInfoData? info)
    {
        info = null;
        if (!TryGetLiveCall(hdCall, out var call))
        {
            return LineErr.InvalCallHandle;
        }

        lock (Lock)
        {
            var (callerFlags, caller, callerName) = Party(call.Caller);
            var (calledFlags, called, calledName) = Party(call.Called);
            var (connectedFlags, connected, connectedName) = Party(call.Connected);
            info = new LineCallInfoData(
                LineDeviceId: call.Line.Entry.DeviceId ?? 0,
                AddressId: 0,
                MediaMode: (uint)call.MediaMode,
                CallStates: call.StatesSeen,
                Origin: call.Origin,
                Reason: 0x1, // LINECALLREASON_DIRECT
                callerFlags, caller, callerName,
                calledFlags, called, calledName,
                connectedFlags, connected, connectedName);
        }

        return 0;
    }

    internal int LineGetCallStatus(nint hdCall, out LineCallStatusData? status)
    {
        status = null;
        if (!TryGetLiveCall(hdCall, out var call))
        {
            return LineErr.InvalCallHandle;
        }

        lock (Lock)
        {
            status = new LineCallStatusData((uint)call.State, (uint)call.DisconnectMode, (uint)call.Features, call.StateEntered);
        }

        return 0;
    }

    /// <summary>
    /// R8/R10: a call the backend started itself. LINE_NEWCALL goes first; TAPI's htCall, when it
    /// comes, is carried by every later event; a refused call is released and nothing more is sent.
    /// </summary>
    internal ICallEvents AnnounceCall(OpenLine open, IBackendCall backendCall, NewCallInfo info)
    {
        CallRecord call;
        lock (Lock)
        {
            if (open.Closed)
            {
                _ = GuardAsync($"Releasing call {backendCall.Id} announced on a closed line", () => backendCall.ReleaseAsync(CancellationToken.None), _options.DeviceTimeout);
                return DeadCall.Instance;
            }

            var origin = info.Origin switch
            {
                CallOrigin.Inbound => CallOriginFlags.Inbound,
                CallOrigin.Internal => CallOriginFlags.Internal,
                _ => CallOriginFlags.Outbound,
            };
            call = Announce_NeedsLock(open, origin, info.MediaMode, info.Caller);
            call.Backend = backendCall;
            ((ICallEvents)call).StateChanged(info.InitialState);
            if (info.Caller is not null)
            {
                Dispatcher.PostLine(open, call, LineMessage.CallInfo, CallInfoState.CallerId);
            }
        }

        if (info.InitialState == CallState.Offering)
        {
            RingAssociatedHandsets(open, call);
        }

        return call;
    }

    /// <summary>A call TAPI did not ask for: LINE_NEWCALL goes out first; TAPI's htCall comes back with its answer. Needs the session lock.</summary>
    private CallRecord Announce_NeedsLock(OpenLine open, uint origin, MediaModes mediaMode, PartyId? caller)
    {
        var call = NewCall_NeedsLock(open, htCall: 0, CallLife.Live, origin, mediaMode);
        call.SetInitialParties(caller, null);
        Dispatcher.PostNewCall(open, call.HdCall, htCall => OnNewCallAnswered(call, htCall));
        return call;
    }

    private void OnNewCallAnswered(CallRecord call, nint htCall)
    {
        if (htCall != 0)
        {
            call.SetTapiHandle(htCall);
            return;
        }

        // TAPI refused the call: drop it, and send nothing else for it.
        _logger.LogInformation("TAPI refused {Call}; releasing it", call);
        lock (Lock)
        {
            Calls.Retire(call.HdCall);
            call.Close_NeedsLock();
            call.Line.Calls.Remove(call);
        }

        ReleaseOrphan(call.Backend);
    }

    private CallRecord NewCall_NeedsLock(OpenLine open, nint htCall, CallLife life, uint origin, MediaModes mediaMode)
    {
        var call = new CallRecord(open, htCall, life, origin, mediaMode, Lock, Dispatcher, _time);
        call.HdCall = Calls.Add(call);
        open.Calls.Add(call);
        return call;
    }

    /// <summary>R10: a request that would have created the call failed: the handle never becomes valid.</summary>
    private void DiscardCall_NeedsLock(CallRecord call)
    {
        Calls.Retire(call.HdCall);
        call.Close_NeedsLock();
        call.Line.Calls.Remove(call);
    }

    private void DiscardCall(CallRecord call)
    {
        lock (Lock)
        {
            DiscardCall_NeedsLock(call);
        }
    }

    private void ReleaseOrphan(IBackendCall? call)
    {
        if (call is not null)
        {
            _ = GuardAsync($"Releasing call {call.Id}, whose request completed without it", () => call.ReleaseAsync(CancellationToken.None), _options.DeviceTimeout);
        }
    }

    private int CallRequest(uint requestId, nint hdCall, string operation, CallFeatures feature, LineFeatures lineFeature, Func<IBackendCall, CancellationToken, ValueTask> action)
    {
        var (error, call) = CheckCall(hdCall, feature, lineFeature);
        if (error != 0)
        {
            return error;
        }

        if (Begin(requestId, operation, call!.Line, call) is not { } pending)
        {
            return LineErr.InvalParam;
        }

        var backend = call.Backend!;
        return Run(pending, phone: false, ct => action(backend, ct));
    }

    private (int Error, OpenLine? Line) CheckLine(nint hdLine, LineFeatures feature)
    {
        if (!Lines.TryGet(hdLine, out var open))
        {
            return (LineErr.InvalLineHandle, null);
        }

        if (!open.Entry.Capabilities.Features.HasFlag(feature))
        {
            return (LineErr.OperationUnavail, null);
        }

        return (0, open);
    }

    private (int Error, CallRecord? Call) CheckCall(nint hdCall, CallFeatures feature, LineFeatures lineFeature)
    {
        if (!TryGetLiveCall(hdCall, out var call))
        {
            return (LineErr.InvalCallHandle, null);
        }

        if (!call.Line.Entry.Capabilities.Features.HasFlag(lineFeature))
        {
            return (LineErr.OperationUnavail, null);
        }

        lock (Lock)
        {
            return call.Features.HasFlag(feature) ? (0, call) : (LineErr.InvalCallState, null);
        }
    }

    /// <summary>
    /// R10: a call is usable only once live (its creating request completed successfully). Read under the
    /// session lock: the completion is posted, and can reach TAPI, a moment before the same locked step
    /// makes the call live; TAPI acting on it at once must wait for that step, not see the call pending.
    /// </summary>
    private bool TryGetLiveCall(nint hdCall, out CallRecord call)
    {
        lock (Lock)
        {
            return Calls.TryGet(hdCall, out call) && call.Life == CallLife.Live && call.Backend is not null;
        }
    }

    private PendingRequest? Begin(uint requestId, string operation, params IRequestOwner[] owners)
    {
        var pending = Ledger.Begin(requestId, operation, owners);
        if (pending is null)
        {
            _logger.LogWarning("{Operation}: request ID {RequestId} is already pending; refused", operation, requestId);
        }

        return pending;
    }

    private static (uint Flags, string? Number, string? Name) Party(PartyId? party)
    {
        if (party is null)
        {
            return (CallPartyIdFlags.Unknown, null, null);
        }

        var flags = party.Availability switch
        {
            PartyAvailability.Blocked => CallPartyIdFlags.Blocked,
            PartyAvailability.OutOfArea => CallPartyIdFlags.OutOfArea,
            _ => 0u,
        };
        if (party.Number is not null)
        {
            flags |= CallPartyIdFlags.Address;
        }

        if (party.Name is not null)
        {
            flags |= CallPartyIdFlags.Name;
        }

        return (flags == 0 ? CallPartyIdFlags.Unknown : flags, party.Number, party.Name);
    }

    /// <summary>The sink given for a call announced on a line that has closed: everything is ignored.</summary>
    private sealed class DeadCall : ICallEvents
    {
        public static readonly DeadCall Instance = new();

        public void StateChanged(CallState state, DisconnectMode disconnectMode = DisconnectMode.None)
        {
        }

        public void PartyChanged(PartyRole role, PartyId party)
        {
        }

        public void MediaModeChanged(MediaModes mediaMode)
        {
        }

        public void DigitReceived(char digit)
        {
        }
    }
}
