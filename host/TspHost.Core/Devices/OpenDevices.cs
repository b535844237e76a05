using TspHost.Abstractions;
using TspHost.Core.Calls;
using TspHost.Core.Events;
using TspHost.Core.Lifecycle;
using TspHost.Core.Requests;
using TspHost.Core.Tapi;

namespace TspHost.Core.Devices;

/// <summary>
/// A line or phone between its open and close: TAPI's handle, the provider's handle, the interface
/// version committed at open (R4). After close it accepts no messages and its pending work is cancelled.
/// </summary>
public abstract class OpenDevice(ProviderSession session, nint tapiHandle, uint version) : IMessageTarget, IRequestOwner
{
    private readonly CancellationTokenSource _closing = new();

    protected ProviderSession Session { get; } = session;

    /// <summary>The provider's handle (hdLine, hdPhone).</summary>
    public nint Handle { get; internal set; }

    /// <summary>TAPI's handle (htLine, htPhone).</summary>
    public nint TapiHandle { get; } = tapiHandle;

    /// <summary>R4: the interface version committed at open, held until close.</summary>
    public uint Version { get; } = version;

    public bool Closed { get; private set; }

    /// <summary>The device this is an open instance of.</summary>
    public abstract DeviceEntry Device { get; }

    public bool AcceptsMessages => !Closed;

    public CancellationToken Closing => _closing.Token;

    /// <summary>Marks the device closed; returns the calls that end with it. Needs the session lock.</summary>
    internal virtual List<CallRecord> Close_NeedsLock()
    {
        Closed = true;
        return [];
    }

    /// <summary>Cancels whatever the backend still runs for the device. Call outside the lock.</summary>
    internal void CancelPending()
    {
        try
        {
            _closing.Cancel();
        }
        catch (AggregateException)
        {
            // A backend's cancellation callback threw; the device closes regardless.
        }
    }
}

/// <summary>An open line: its calls, and the <see cref="ILineEvents"/> the backend reports to.</summary>
public sealed class OpenLine(ProviderSession session, LineEntry entry, nint htLine, uint version) : OpenDevice(session, htLine, version), ILineEvents
{
    public LineEntry Entry { get; } = entry;

    public override DeviceEntry Device => Entry;

    public nint HdLine => Handle;

    public nint HtLine => TapiHandle;

    /// <summary>The line's calls, in creation order (session lock).</summary>
    internal List<CallRecord> Calls { get; } = [];

    ICallEvents ILineEvents.NewCall(IBackendCall call, NewCallInfo info) => Session.AnnounceCall(this, call, info);

    void ILineEvents.Ringing(int ringCount)
    {
        const uint ringModeNormal = 1;
        Session.Dispatcher.PostLine(this, null, LineMessage.LineDevState, LineDevState.Ringing, ringModeNormal, (uint)Math.Max(ringCount, 1));
    }

    void ILineEvents.ServiceChanged(bool inService)
    {
        lock (Session.Lock)
        {
            Entry.InService = inService;
        }

        Session.Dispatcher.PostLine(this, null, LineMessage.LineDevState, inService ? LineDevState.InService : LineDevState.OutOfService);
    }

    internal override List<CallRecord> Close_NeedsLock()
    {
        base.Close_NeedsLock();
        var calls = Calls.Where(c => c.Close_NeedsLock()).ToList();
        Calls.Clear();
        return calls;
    }

    public override string ToString() => $"{Entry} open as 0x{Handle:X}";
}

/// <summary>An open phone and the <see cref="IPhoneEvents"/> the backend reports to.</summary>
public sealed class OpenPhone(ProviderSession session, PhoneEntry entry, nint htPhone, uint version) : OpenDevice(session, htPhone, version), IPhoneEvents
{
    public PhoneEntry Entry { get; } = entry;

    public override DeviceEntry Device => Entry;

    public nint HdPhone => Handle;

    public nint HtPhone => TapiHandle;

    /// <summary>The call this phone's handset is on, when the phone is associated with a line (session lock).</summary>
    internal CallRecord? HandsetCall { get; set; }

    /// <summary>Digits pressed on the handset not dialled yet, and the pause timer that dials them (session lock).</summary>
    internal System.Text.StringBuilder HandsetDigits { get; } = new();

    internal ITimer? HandsetDigitTimer { get; set; }

    /// <summary>Handset work runs one step after another, so digits are dialled in the order pressed (session lock).</summary>
    internal Task HandsetWork { get; set; } = Task.CompletedTask;

    void IPhoneEvents.ButtonChanged(int buttonId, PhoneButtonMode mode, PhoneButtonState state)
    {
        Session.Dispatcher.PostPhone(this, PhoneMessage.Button, (uint)buttonId, (uint)mode, (uint)state);
        if (mode == PhoneButtonMode.Keypad && state == PhoneButtonState.Down)
        {
            Session.OnHandsetKey(this, buttonId);
        }
    }

    void IPhoneEvents.HookSwitchChanged(HookSwitchDevices device, HookSwitchMode mode)
    {
        lock (Session.Lock)
        {
            if (Closed)
            {
                return;
            }

            Entry.HookSwitch[device] = mode;
        }

        Session.Dispatcher.PostPhone(this, PhoneMessage.State, HookSwitchStateFlag(device), (uint)mode);
        Session.OnHandsetHookSwitch(this, mode);
    }

    void IPhoneEvents.ServiceChanged(bool inService) =>
        Session.Dispatcher.PostPhone(this, PhoneMessage.State, inService ? PhoneStateFlags.Connected : PhoneStateFlags.Disconnected);

    internal static uint HookSwitchStateFlag(HookSwitchDevices device) => device switch
    {
        HookSwitchDevices.Speaker => PhoneStateFlags.SpeakerHookSwitch,
        HookSwitchDevices.Headset => PhoneStateFlags.HeadsetHookSwitch,
        _ => PhoneStateFlags.HandsetHookSwitch,
    };

    public override string ToString() => $"{Entry} open as 0x{Handle:X}";
}
