using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated;

// Line and call operations. Each runs through Run: under the lock, events raised afterwards.
public sealed partial class SimulatedExchange
{
    /// <summary>The most parties a conference may be set up for.</summary>
    public const int MaxConferenceParties = 8;

    internal ValueTask OpenLineAsync(SimulatedLine line, ILineEvents events, CancellationToken cancellationToken) =>
        Run(cancellationToken, () =>
        {
            line.Sink = EnsureNotOpen(line.Sink, events, line.Key);
        });

    // Closing always completes: the host closes lines while it shuts down.
    internal ValueTask CloseLineAsync(SimulatedLine line, CancellationToken cancellationToken) =>
        RunSilencingAsync(() => CloseLine_NeedsLock(line));

    private void CloseLine_NeedsLock(SimulatedLine line)
    {
        // R9: closing a line ends all its calls; the far ends of internal calls hear a hang-up.
        foreach (var call in line.Calls.ToList())
        {
            call.Silenced = true;
            if (call.State != CallState.Idle)
            {
                Drop_NeedsLock(call);
            }

            StopRinging_NeedsLock(call);
        }

        line.Calls.Clear();
        line.Sink = null;
    }

    internal ValueTask<IBackendCall> MakeCallAsync(SimulatedLine line, MakeCallRequest request, ICallEvents events, CancellationToken cancellationToken) =>
        RunRequest<IBackendCall>(cancellationToken, () =>
        {
            ArgumentNullException.ThrowIfNull(request);
            ArgumentNullException.ThrowIfNull(events);
            EnsureOpen_NeedsLock(line);
            if (request.MediaMode == MediaModes.None || (request.MediaMode & ~line.Capabilities.MediaModes) != 0)
            {
                throw new TelephonyException(TelephonyError.InvalidParameter, $"{line.Key} carries {line.Capabilities.MediaModes} calls, not {request.MediaMode}.");
            }

            EnsureCapacity_NeedsLock(line, 1);
            (string Digits, bool MoreFollow)? dialled = request.Destination is null ? null : ParseDialString(request.Destination);
            var call = NewCall_NeedsLock(line, events);
            if (dialled is not { } d)
            {
                SetState_NeedsLock(call, CallState.DialTone);
                return call;
            }

            call.Digits = d.Digits;
            SetState_NeedsLock(call, CallState.Dialing);
            if (!d.MoreFollow && !request.MoreDigitsFollow)
            {
                Route_NeedsLock(call);
            }

            return call;
        });

    internal ValueTask DialAsync(SimulatedCall call, string digits, CancellationToken cancellationToken) =>
        RunRequest(cancellationToken, () =>
        {
            ArgumentNullException.ThrowIfNull(digits);
            EnsureUsable_NeedsLock(call);
            var (added, moreFollow) = ParseDialString(digits);
            switch (call.State)
            {
                case CallState.DialTone:
                    call.Digits = added;
                    SetState_NeedsLock(call, CallState.Dialing);
                    break;
                case CallState.Dialing:
                    call.Digits += added;
                    break;
                case CallState.Connected:
                    // DTMF on a connected call: an internal far end hears the digits.
                    if (call.Peer is { } peer)
                    {
                        foreach (var digit in added)
                        {
                            Emit_NeedsLock(peer, e => e.DigitReceived(digit));
                        }
                    }

                    return;
                default:
                    throw InvalidState(call, "dial");
            }

            if (!moreFollow)
            {
                Route_NeedsLock(call);
            }
        });

    internal ValueTask AnswerAsync(SimulatedCall call, CancellationToken cancellationToken) =>
        RunRequest(cancellationToken, () =>
        {
            EnsureUsable_NeedsLock(call);
            if (call.State is not (CallState.Offering or CallState.Accepted))
            {
                throw InvalidState(call, "answer");
            }

            SetState_NeedsLock(call, CallState.Connected);
            if (call.Peer is { State: CallState.Ringback } caller)
            {
                SetState_NeedsLock(caller, CallState.Connected);
                Emit_NeedsLock(caller, e => e.PartyChanged(PartyRole.Connected, call.Line.Party));
            }
        });

    internal ValueTask DropAsync(SimulatedCall call, CancellationToken cancellationToken) =>
        RunRequest(cancellationToken, () =>
        {
            EnsureUsable_NeedsLock(call);
            if (call.State == CallState.Idle)
            {
                throw InvalidState(call, "drop");
            }

            Drop_NeedsLock(call);
        });

    internal ValueTask HoldAsync(SimulatedCall call, CancellationToken cancellationToken) =>
        RunRequest(cancellationToken, () =>
        {
            EnsureUsable_NeedsLock(call);
            if (call.State != CallState.Connected)
            {
                throw InvalidState(call, "hold");
            }

            SetState_NeedsLock(call, CallState.OnHold);
        });

    internal ValueTask UnholdAsync(SimulatedCall call, CancellationToken cancellationToken) =>
        RunRequest(cancellationToken, () =>
        {
            EnsureUsable_NeedsLock(call);
            if (call.State is not (CallState.OnHold or CallState.OnHoldPendingTransfer or CallState.OnHoldPendingConference))
            {
                throw InvalidState(call, "retrieve");
            }

            SetState_NeedsLock(call, CallState.Connected);
        });

    internal ValueTask<IBackendCall> SetupTransferAsync(SimulatedCall call, ICallEvents consultationEvents, CancellationToken cancellationToken) =>
        RunRequest<IBackendCall>(cancellationToken, () =>
        {
            ArgumentNullException.ThrowIfNull(consultationEvents);
            EnsureUsable_NeedsLock(call);
            if (call.State is not (CallState.Connected or CallState.OnHold))
            {
                throw InvalidState(call, "set up a transfer on");
            }

            EnsureCapacity_NeedsLock(call.Line, 1);
            SetState_NeedsLock(call, CallState.OnHoldPendingTransfer);
            var consultation = NewCall_NeedsLock(call.Line, consultationEvents);
            SetState_NeedsLock(consultation, CallState.DialTone);
            return consultation;
        });

    internal ValueTask<IBackendCall?> CompleteTransferAsync(SimulatedCall call, IBackendCall consultationCall, TransferMode mode, ICallEvents? conferenceEvents, CancellationToken cancellationToken) =>
        RunRequest(cancellationToken, () =>
        {
            EnsureUsable_NeedsLock(call);
            if (consultationCall is not SimulatedCall consultation || consultation.Line != call.Line || consultation == call)
            {
                throw new TelephonyException(TelephonyError.InvalidParameter, $"'{consultationCall?.Id}' is not another call on {call.Line.Key}.");
            }

            EnsureUsable_NeedsLock(consultation);
            if (call.State != CallState.OnHoldPendingTransfer)
            {
                throw InvalidState(call, "complete a transfer of");
            }

            if (consultation.State is not (CallState.Connected or CallState.Ringback))
            {
                throw InvalidState(consultation, "transfer to");
            }

            return mode switch
            {
                TransferMode.Transfer => Transfer_NeedsLock(call, consultation),
                TransferMode.Conference => JoinConference_NeedsLock(call, consultation, conferenceEvents),
                _ => throw new TelephonyException(TelephonyError.InvalidParameter, $"Unknown transfer mode {mode}."),
            };
        });

    private IBackendCall? Transfer_NeedsLock(SimulatedCall call, SimulatedCall consultation)
    {
        // The two far ends now talk to each other; both local calls end.
        var (first, firstParty) = (call.Peer, call.FarParty);
        var (second, secondParty) = (consultation.Peer, consultation.FarParty);
        call.Peer = null;
        consultation.Peer = null;
        Reconnect_NeedsLock(first, second, secondParty);
        Reconnect_NeedsLock(second, first, firstParty);
        SetState_NeedsLock(call, CallState.Idle);
        SetState_NeedsLock(consultation, CallState.Idle);
        return null;
    }

    private void Reconnect_NeedsLock(SimulatedCall? farEnd, SimulatedCall? newPeer, PartyId? newParty)
    {
        if (farEnd is null)
        {
            return;
        }

        farEnd.Peer = newPeer;
        farEnd.FarParty = newParty;
        if (newParty is not null)
        {
            Emit_NeedsLock(farEnd, e => e.PartyChanged(PartyRole.Connected, newParty));
        }
    }

    private SimulatedCall JoinConference_NeedsLock(SimulatedCall call, SimulatedCall consultation, ICallEvents? conferenceEvents)
    {
        if (conferenceEvents is null)
        {
            throw new TelephonyException(TelephonyError.InvalidParameter, "Completing a transfer as a conference needs events for the conference call.");
        }

        EnsureCapacity_NeedsLock(call.Line, 1);
        var conference = NewCall_NeedsLock(call.Line, conferenceEvents);
        conference.Members = [];
        AddMember_NeedsLock(conference, call);
        AddMember_NeedsLock(conference, consultation);
        SetState_NeedsLock(conference, CallState.Connected);
        return conference;
    }

    private void AddMember_NeedsLock(SimulatedCall conference, SimulatedCall member)
    {
        conference.Members!.Add(member);
        member.Conference = conference;
        SetState_NeedsLock(member, CallState.Conferenced);
    }

    internal ValueTask<ConferenceSetup> SetupConferenceAsync(SimulatedLine line, IBackendCall? initialCall, ICallEvents conferenceEvents, ICallEvents consultationEvents, int parties, CancellationToken cancellationToken) =>
        RunRequest(cancellationToken, () =>
        {
            ArgumentNullException.ThrowIfNull(conferenceEvents);
            ArgumentNullException.ThrowIfNull(consultationEvents);
            EnsureOpen_NeedsLock(line);
            if (parties is < 2 or > MaxConferenceParties)
            {
                throw new TelephonyException(TelephonyError.InvalidParameter, $"A conference has 2 to {MaxConferenceParties} parties, not {parties}.");
            }

            SimulatedCall? initial = null;
            if (initialCall is not null)
            {
                initial = initialCall as SimulatedCall;
                if (initial is null || initial.Line != line)
                {
                    throw new TelephonyException(TelephonyError.InvalidParameter, $"'{initialCall.Id}' is not a call on {line.Key}.");
                }

                EnsureUsable_NeedsLock(initial);
                if (initial.State is not (CallState.Connected or CallState.OnHold))
                {
                    throw InvalidState(initial, "conference");
                }
            }

            EnsureCapacity_NeedsLock(line, 2);
            var conference = NewCall_NeedsLock(line, conferenceEvents);
            conference.Members = [];
            if (initial is not null)
            {
                AddMember_NeedsLock(conference, initial);
            }

            SetState_NeedsLock(conference, CallState.OnHoldPendingConference);
            var consultation = NewCall_NeedsLock(line, consultationEvents);
            SetState_NeedsLock(consultation, CallState.DialTone);
            return new ConferenceSetup { Conference = conference, Consultation = consultation };
        });

    // Release always completes, also after the session ended: the host calls it exactly once per call.
    internal ValueTask ReleaseAsync(SimulatedCall call, CancellationToken cancellationToken) =>
        RunSilencingAsync(() =>
        {
            if (call.Released)
            {
                return;
            }

            call.Released = true;
            call.Silenced = true;
            if (call.State != CallState.Idle)
            {
                Drop_NeedsLock(call);
            }

            StopRinging_NeedsLock(call);
            call.Line.Calls.Remove(call);
        });

    /// <summary>Ends the local side of a call: the far end hears a hang-up (or a rejection), a conference ends its members.</summary>
    private void Drop_NeedsLock(SimulatedCall call)
    {
        HangUpFarEnd_NeedsLock(call);
        if (call.Members is { } members)
        {
            foreach (var member in members.ToList())
            {
                member.Conference = null;
                if (member.State != CallState.Idle)
                {
                    HangUpFarEnd_NeedsLock(member);
                    SetState_NeedsLock(member, CallState.Idle);
                }
            }

            members.Clear();
        }

        if (call.Conference is { } conference)
        {
            conference.Members!.Remove(call);
            call.Conference = null;
        }

        SetState_NeedsLock(call, CallState.Idle);
    }

    private void HangUpFarEnd_NeedsLock(SimulatedCall call)
    {
        if (call.Peer is not { } peer)
        {
            return;
        }

        call.Peer = null;
        peer.Peer = null;
        if (peer.State is not (CallState.Idle or CallState.Disconnected))
        {
            // An offering call dropped is a rejection; anything else is an ordinary hang-up.
            SetState_NeedsLock(peer, CallState.Disconnected, call.State == CallState.Offering ? DisconnectMode.Reject : DisconnectMode.Normal);
        }
    }

    /// <summary>Dialling is complete: decide where the call goes.</summary>
    private void Route_NeedsLock(SimulatedCall call)
    {
        var number = call.Digits;
        if (number.Length < DialString.MinimumLength)
        {
            SetState_NeedsLock(call, CallState.Disconnected, DisconnectMode.BadAddress);
            return;
        }

        var callee = _lines.Find(l => l.Number == number);
        var called = callee?.Party ?? new PartyId { Number = number };
        call.FarParty = called;
        Emit_NeedsLock(call, e => e.PartyChanged(PartyRole.Called, called));
        SetState_NeedsLock(call, CallState.Proceeding);
        if (callee is not null)
        {
            RouteToLine_NeedsLock(call, callee);
        }
        else if (Options.BusyNumbers.Contains(number))
        {
            Busy_NeedsLock(call);
        }
        else if (Options.UnreachableNumbers.Contains(number))
        {
            SetState_NeedsLock(call, CallState.Disconnected, DisconnectMode.Unreachable);
        }
        else
        {
            call.Outside = Options.NoAnswerNumbers.Contains(number) ? OutsideParty.NeverAnswers : OutsideParty.Answers;
            SetState_NeedsLock(call, CallState.Ringback);
            StartRinging_NeedsLock(call);
        }
    }

    private void RouteToLine_NeedsLock(SimulatedCall call, SimulatedLine calleeLine)
    {
        // A line that is closed, full, or the caller's own is busy.
        if (calleeLine == call.Line || calleeLine.Sink is null || ActiveCalls_NeedsLock(calleeLine) >= SimulatedLine.MaxActiveCalls)
        {
            Busy_NeedsLock(call);
            return;
        }

        var callee = NewCall_NeedsLock(calleeLine, events: null);
        callee.Peer = call;
        call.Peer = callee;
        SetState_NeedsLock(call, CallState.Ringback);
        Offer_NeedsLock(callee, call.Line.Party);
    }

    private void Busy_NeedsLock(SimulatedCall call)
    {
        SetState_NeedsLock(call, CallState.Busy);
        SetState_NeedsLock(call, CallState.Disconnected, DisconnectMode.Busy);
    }

    private SimulatedCall NewCall_NeedsLock(SimulatedLine line, ICallEvents? events)
    {
        var call = new SimulatedCall(this, line, $"{line.Key}/call-{++_callCount}") { Events = events, State = CallState.Idle };
        line.Calls.Add(call);
        return call;
    }

    private static TSink EnsureNotOpen<TSink>(TSink? current, TSink events, string key)
        where TSink : class
    {
        ArgumentNullException.ThrowIfNull(events);
        return current is null ? events : throw new TelephonyException(TelephonyError.Allocated, $"{key} is already open.");
    }

    private static int ActiveCalls_NeedsLock(SimulatedLine line) => line.Calls.Count(c => c.IsActive);

    private static void EnsureOpen_NeedsLock(SimulatedLine line)
    {
        if (line.Sink is null)
        {
            throw new TelephonyException(TelephonyError.OperationFailed, $"{line.Key} is not open.");
        }
    }

    private static void EnsureCapacity_NeedsLock(SimulatedLine line, int newCalls)
    {
        if (ActiveCalls_NeedsLock(line) + newCalls > SimulatedLine.MaxActiveCalls)
        {
            throw new TelephonyException(TelephonyError.ResourceUnavailable, $"{line.Key} already holds {ActiveCalls_NeedsLock(line)} of its {SimulatedLine.MaxActiveCalls} calls.");
        }
    }

    private static void EnsureUsable_NeedsLock(SimulatedCall call)
    {
        if (call.Released || call.Silenced)
        {
            throw new TelephonyException(TelephonyError.InvalidCallState, $"{call.Id} has been released or its line closed.");
        }
    }

    private static TelephonyException InvalidState(SimulatedCall call, string operation) =>
        new(TelephonyError.InvalidCallState, $"Cannot {operation} {call.Id}: it is {call.State}.");

    private static (string Digits, bool MoreFollow) ParseDialString(string text)
    {
        var trimmed = text.Trim();
        var moreFollow = trimmed.EndsWith(DialString.MoreDigitsMark);
        var digits = DialString.Normalize(moreFollow ? trimmed[..^1] : trimmed)
            ?? throw new TelephonyException(TelephonyError.InvalidAddress, $"'{text}' cannot be dialled: use digits, * and #.");
        return (digits, moreFollow);
    }
}
