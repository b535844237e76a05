using TspHost.Abstractions;
using TspHost.Core.Calls;
using TspHost.Core.Devices;
using TspHost.Core.Tapi;

namespace TspHost.Core.Lifecycle;

// A phone associated with a line (PhoneCapabilities.AssociatedLineKey, naming a line of any plugin)
// works as that line's handset: lifting it answers an offering call or starts a call in dial tone,
// keypad digits dial, hanging up drops; an incoming call rings it. The engine routes this, so
// neither plugin knows the other. Routing works while TAPI has both the phone and the line open:
// that is when the phone's events reach the host and the line's calls have somewhere to go. A
// handset unplugged during a call ends it; one TAPI closes leaves the call to TAPI.
public sealed partial class ProviderSession
{
    private const int HandsetRingMode = 1;
    private const int HandsetRingVolume = 0xFFFF;

    /// <summary>The open line <paramref name="phone"/> is the handset of, if any.</summary>
    private OpenLine? AssociatedLine_NeedsLock(OpenPhone phone)
    {
        if (phone.Entry.Capabilities.AssociatedLineKey is not { Length: > 0 } key)
        {
            return null;
        }

        // The key is a line key, optionally qualified by its plugin: "line-1" or "Simulated/line-1".
        var entry = _lines.Entries.FirstOrDefault(l => !l.Removed && (l.Key == key || $"{l.Plugin}/{l.Key}" == key));
        return entry?.Open;
    }

    internal void OnHandsetHookSwitch(OpenPhone phone, HookSwitchMode mode)
    {
        lock (Lock)
        {
            if (phone.Closed || AssociatedLine_NeedsLock(phone) is not { } line)
            {
                return;
            }

            if (mode == HookSwitchMode.OnHook)
            {
                // Hanging up drops the handset's call.
                HangUp_NeedsLock(phone, phone.Closing);
                return;
            }

            if (phone.HandsetCall is not null)
            {
                return; // off hook already (another hook switch device moved)
            }

            if (line.Calls.FirstOrDefault(c => c is { Life: CallLife.Live, State: CallState.Offering, Backend: not null }) is { } offering)
            {
                phone.HandsetCall = offering;
                var backend = offering.Backend!;
                HandsetStep_NeedsLock(phone, "answer", ct => backend.AnswerAsync(ct));
                return;
            }

            if (!line.Entry.Capabilities.Features.HasFlag(LineFeatures.MakeCall))
            {
                return;
            }

            // A call placed on the handset: a backend-originated call for TAPI (LINE_NEWCALL), in dial tone.
            var placed = Announce_NeedsLock(line, CallOriginFlags.Outbound, MediaModes.InteractiveVoice, caller: null);
            phone.HandsetCall = placed;
            HandsetStep_NeedsLock(phone, "dial tone", async ct =>
            {
                var backend = await line.Entry.Line.MakeCallAsync(new MakeCallRequest { Destination = null }, placed, ct).ConfigureAwait(false);
                lock (Lock)
                {
                    if (placed.Life == CallLife.Closed)
                    {
                        ReleaseOrphan(backend);
                        return;
                    }

                    placed.Backend = backend;
                }
            });
        }
    }

    /// <summary>
    /// The phone is closing. A handset that vanished (unplugged) cannot hang up any more, so its call
    /// is dropped; when TAPI closes the phone the call is left to TAPI. Needs the session lock.
    /// </summary>
    private void OnHandsetClosing_NeedsLock(OpenPhone phone, bool deviceGone)
    {
        if (deviceGone)
        {
            // The phone's own token is cancelled as it closes: the drop must not depend on it.
            HangUp_NeedsLock(phone, CancellationToken.None);
            return;
        }

        StopCollectingDigits_NeedsLock(phone);
        phone.HandsetCall = null;
    }

    private void HangUp_NeedsLock(OpenPhone phone, CancellationToken cancellationToken)
    {
        StopCollectingDigits_NeedsLock(phone);
        if (phone.HandsetCall is { Life: CallLife.Live } call)
        {
            // The backend call of a call placed on the handset may still be on its way: the drop runs after it.
            HandsetStep_NeedsLock(phone, "drop", _ => call.Backend is { } backend && call.State != CallState.Idle ? backend.DropAsync(cancellationToken) : ValueTask.CompletedTask);
        }

        phone.HandsetCall = null;
    }

    private static void StopCollectingDigits_NeedsLock(OpenPhone phone)
    {
        phone.HandsetDigitTimer?.Dispose();
        phone.HandsetDigitTimer = null;
        phone.HandsetDigits.Clear();
    }

    internal void OnHandsetKey(OpenPhone phone, int buttonId)
    {
        if (buttonId is < 0 or > 11)
        {
            return;
        }

        var digit = buttonId switch
        {
            10 => '*',
            11 => '#',
            _ => (char)('0' + buttonId),
        };
        lock (Lock)
        {
            if (phone.HandsetCall is not { Life: CallLife.Live } call)
            {
                return;
            }

            if (call.State == CallState.Connected)
            {
                HandsetStep_NeedsLock(phone, $"send {digit}", ct => call.Backend is { } backend ? backend.DialAsync(digit.ToString(), ct) : ValueTask.CompletedTask);
                return;
            }

            // Collecting a number: dial it en bloc after a pause, or at once on '#'.
            phone.HandsetDigitTimer?.Dispose();
            phone.HandsetDigitTimer = null;
            if (digit != '#')
            {
                phone.HandsetDigits.Append(digit);
                phone.HandsetDigitTimer = _time.CreateTimer(_ => DialCollectedDigits(phone, call), null, _options.HandsetDialTimeout, Timeout.InfiniteTimeSpan);
                return;
            }

            DialCollectedDigits_NeedsLock(phone, call);
        }
    }

    private void DialCollectedDigits(OpenPhone phone, CallRecord call)
    {
        lock (Lock)
        {
            DialCollectedDigits_NeedsLock(phone, call);
        }
    }

    private void DialCollectedDigits_NeedsLock(OpenPhone phone, CallRecord call)
    {
        phone.HandsetDigitTimer?.Dispose();
        phone.HandsetDigitTimer = null;
        var digits = phone.HandsetDigits.ToString();
        phone.HandsetDigits.Clear();
        if (digits.Length == 0 || phone.Closed || phone.HandsetCall != call || call.Life != CallLife.Live)
        {
            return;
        }

        // The backend call of a handset-placed call may still be on its way: the step runs after it.
        HandsetStep_NeedsLock(phone, $"dial {digits}", ct => call.Backend is { } backend ? backend.DialAsync(digits, ct) : ValueTask.CompletedTask);
    }

    /// <summary>An incoming call on a line rings the open phones associated with it, until the call stops offering.</summary>
    private void RingAssociatedHandsets(OpenLine line, CallRecord call)
    {
        lock (Lock)
        {
            var handsets = Phones.Items.Where(p => !p.Closed && AssociatedLine_NeedsLock(p) == line && p.Entry.Capabilities.Features.HasFlag(PhoneFeatures.SetRing)).ToList();
            if (handsets.Count == 0)
            {
                return;
            }

            foreach (var phone in handsets)
            {
                SetHandsetRing_NeedsLock(phone, HandsetRingMode);
            }

            call.StateObserver = c =>
            {
                if (c.State != CallState.Offering)
                {
                    c.StateObserver = null;
                    foreach (var phone in handsets.Where(p => !p.Closed))
                    {
                        SetHandsetRing_NeedsLock(phone, 0);
                    }
                }
            };
        }
    }

    private void SetHandsetRing_NeedsLock(OpenPhone phone, int ringMode)
    {
        HandsetStep_NeedsLock(phone, ringMode == 0 ? "stop ringing" : "ring", async ct =>
        {
            await phone.Entry.Phone.SetRingAsync(ringMode, HandsetRingVolume, ct).ConfigureAwait(false);
            lock (Lock)
            {
                if (!phone.Closed)
                {
                    phone.Entry.RingMode = ringMode;
                    phone.Entry.RingVolume = HandsetRingVolume;
                    Dispatcher.PostPhone(phone, PhoneMessage.State, PhoneStateFlags.RingMode, (uint)ringMode);
                }
            }
        });
    }

    /// <summary>Queues handset work behind what the phone is already doing; bounded by the operation timeout; failures are logged.</summary>
    private void HandsetStep_NeedsLock(OpenPhone phone, string what, Func<CancellationToken, ValueTask> step)
    {
        phone.HandsetWork = phone.HandsetWork.ContinueWith(
            _ => GuardAsync($"Handset {phone.Entry}: {what}", () => step(phone.Closing), _options.OperationTimeout),
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
    }
}
