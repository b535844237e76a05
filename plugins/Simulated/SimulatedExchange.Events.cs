using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated;

// Queuing events and driving the ring cadence. Every helper runs under the exchange lock and only
// queues: the outbox raises the events once the lock is released.
public sealed partial class SimulatedExchange
{
    private void SetState_NeedsLock(SimulatedCall call, CallState state, DisconnectMode mode = DisconnectMode.None)
    {
        call.State = state;
        if (state is not (CallState.Offering or CallState.Ringback))
        {
            StopRinging_NeedsLock(call);
        }

        Emit_NeedsLock(call, e => e.StateChanged(state, mode));
    }

    private void Emit_NeedsLock(SimulatedCall call, Action<ICallEvents> raise)
    {
        if (call.Silenced)
        {
            return;
        }

        _outbox.Enqueue(() =>
        {
            ICallEvents? sink;
            lock (_lock)
            {
                sink = call.Silenced ? null : call.Events;
            }

            if (sink is not null)
            {
                raise(sink);
            }
        });
    }

    private void EmitLine_NeedsLock(SimulatedLine line, Action<ILineEvents> raise) => EmitToDevice_NeedsLock(line.Sink, () => line.Sink, raise);

    private void EmitPhone_NeedsLock(SimulatedPhone phone, Action<IPhoneEvents> raise) => EmitToDevice_NeedsLock(phone.Sink, () => phone.Sink, raise);

    /// <summary>Queues a device event for the device's current sink, dropped if the device closes (or closes and opens again) before delivery.</summary>
    private void EmitToDevice_NeedsLock<TSink>(TSink? sink, Func<TSink?> currentSink, Action<TSink> raise)
        where TSink : class
    {
        if (sink is null)
        {
            return;
        }

        _outbox.Enqueue(() =>
        {
            lock (_lock)
            {
                if (currentSink() != sink)
                {
                    return;
                }
            }

            raise(sink);
        });
    }

    /// <summary>Announces <paramref name="call"/> on its line as an offering call and starts ringing the line.</summary>
    private void Offer_NeedsLock(SimulatedCall call, PartyId caller)
    {
        var line = call.Line;
        call.State = CallState.Offering;
        call.FarParty = caller;

        // R10: NEWCALL is the call's first event; its initial state stands for the first CALLSTATE.
        var info = new NewCallInfo { InitialState = CallState.Offering, Origin = CallOrigin.Inbound, MediaMode = MediaModes.InteractiveVoice, Caller = caller };
        EmitLine_NeedsLock(line, sink =>
        {
            var events = sink.NewCall(call, info);
            lock (_lock)
            {
                call.Events ??= events;
            }
        });
        EmitRing_NeedsLock(call, 1);
        StartRinging_NeedsLock(call);
    }

    /// <summary>Rings the line for an offering call; a ring still queued when the call is answered or gone is not raised.</summary>
    private void EmitRing_NeedsLock(SimulatedCall call, int count) =>
        EmitLine_NeedsLock(call.Line, sink =>
        {
            lock (_lock)
            {
                if (call.State != CallState.Offering || call.Silenced)
                {
                    return;
                }
            }

            sink.Ringing(count);
        });

    private void StartRinging_NeedsLock(SimulatedCall call)
    {
        call.RingTicks = 0;
        call.RingTimer = _time.CreateTimer(static s => ((SimulatedCall)s!).Line.Exchange.OnRingTick((SimulatedCall)s!), call, Options.RingInterval, Options.RingInterval);
    }

    private static void StopRinging_NeedsLock(SimulatedCall call)
    {
        call.RingTimer?.Dispose();
        call.RingTimer = null;
    }

    /// <summary>One ring interval passed for an alerting call: the far end answers, gives up, or it rings again.</summary>
    private void OnRingTick(SimulatedCall call)
    {
        lock (_lock)
        {
            if (call.RingTimer is null || call.Silenced || _shutDown)
            {
                return; // a tick that was already on its way when ringing stopped
            }

            var ticks = ++call.RingTicks;
            switch (call.State)
            {
                case CallState.Ringback when call.Outside == OutsideParty.Answers && ticks >= Options.RingsBeforeAnswer:
                    SetState_NeedsLock(call, CallState.Connected);
                    Emit_NeedsLock(call, e => e.PartyChanged(PartyRole.Connected, call.FarParty!));
                    break;
                case CallState.Ringback when call.Outside == OutsideParty.NeverAnswers && ticks >= Options.NoAnswerRings:
                    SetState_NeedsLock(call, CallState.Disconnected, DisconnectMode.NoAnswer);
                    break;
                case CallState.Offering when ticks >= Options.NoAnswerRings:
                    // The caller gives up: an internal caller hears no answer, this line hears a hang-up.
                    var caller = call.Peer;
                    call.Peer = null;
                    if (caller is not null)
                    {
                        caller.Peer = null;
                        SetState_NeedsLock(caller, CallState.Disconnected, DisconnectMode.NoAnswer);
                    }

                    SetState_NeedsLock(call, CallState.Disconnected, DisconnectMode.Normal);
                    break;
                case CallState.Offering:
                    EmitRing_NeedsLock(call, ticks + 1);
                    break;
            }
        }

        _outbox.Drain();
    }
}
