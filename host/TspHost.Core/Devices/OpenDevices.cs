using TspHost.Abstractions;
using TspHost.Core.Calls;
using TspHost.Core.Events;
using TspHost.Core.Lifecycle;
using TspHost.Core.Requests;
using TspHost.Core.Tapi;

namespace TspHost.Core.Devices;

/// <summary>
/// A line between lineOpen and lineClose: TAPI's handle, the committed interface version (R4), its
/// calls, and the <see cref="ILineEvents"/> the backend reports to. After close it accepts nothing.
/// </summary>
public sealed class OpenLine : ILineEvents, IMessageTarget, IRequestOwner
{
    private readonly ProviderSession _session;
    private readonly CancellationTokenSource _closing = new();

    internal OpenLine(ProviderSession session, LineEntry entry, nint htLine, uint version)
    {
        _session = session;
        Entry = entry;
        HtLine = htLine;
        Version = version;
    }

    public LineEntry Entry { get; }

    public nint HdLine { get; internal set; }

    public nint HtLine { get; }

    /// <summary>R4: the interface version committed at open, held until close.</summary>
    public uint Version { get; }

    public bool Closed { get; private set; }

    /// <summary>The line's calls, in creation order (session lock).</summary>
    internal List<CallRecord> Calls { get; } = [];

    public nint TapiHandle => HtLine;

    public bool AcceptsMessages => !Closed;

    public CancellationToken Closing => _closing.Token;

    ICallEvents ILineEvents.NewCall(IBackendCall call, NewCallInfo info) => _session.AnnounceCall(this, call, info);

    void ILineEvents.Ringing(int ringCount)
    {
        const uint ringModeNormal = 1;
        _session.Dispatcher.PostLine(this, null, LineMessage.LineDevState, LineDevState.Ringing, ringModeNormal, (uint)Math.Max(ringCount, 1));
    }

    void ILineEvents.ServiceChanged(bool inService)
    {
        lock (_session.Lock)
        {
            Entry.InService = inService;
        }

        _session.Dispatcher.PostLine(this, null, LineMessage.LineDevState, inService ? LineDevState.InService : LineDevState.OutOfService);
    }

    /// <summary>Marks the line closed; returns its calls. Needs the session lock.</summary>
    internal List<CallRecord> Close_NeedsLock()
    {
        Closed = true;
        var calls = Calls.Where(c => c.Close_NeedsLock()).ToList();
        Calls.Clear();
        return calls;
    }

    internal void CancelPending()
    {
        try
        {
            _closing.Cancel();
        }
        catch (AggregateException)
        {
            // A backend's cancellation callback threw; the line closes regardless.
        }
    }

    public override string ToString() => $"{Entry} open as 0x{HdLine:X}";
}

/// <summary>A phone between phoneOpen and phoneClose.</summary>
public sealed class OpenPhone : IPhoneEvents, IMessageTarget, IRequestOwner
{
    private readonly ProviderSession _session;
    private readonly CancellationTokenSource _closing = new();

    internal OpenPhone(ProviderSession session, PhoneEntry entry, nint htPhone, uint version)
    {
        _session = session;
        Entry = entry;
        HtPhone = htPhone;
        Version = version;
    }

    public PhoneEntry Entry { get; }

    public nint HdPhone { get; internal set; }

    public nint HtPhone { get; }

    public uint Version { get; }

    public bool Closed { get; private set; }

    public nint TapiHandle => HtPhone;

    public bool AcceptsMessages => !Closed;

    public CancellationToken Closing => _closing.Token;

    void IPhoneEvents.ButtonChanged(int buttonId, PhoneButtonMode mode, PhoneButtonState state) =>
        _session.Dispatcher.PostPhone(this, PhoneMessage.Button, (uint)buttonId, (uint)mode, (uint)state);

    void IPhoneEvents.HookSwitchChanged(HookSwitchDevices device, HookSwitchMode mode)
    {
        lock (_session.Lock)
        {
            if (Closed)
            {
                return;
            }

            Entry.HookSwitch[device] = mode;
        }

        _session.Dispatcher.PostPhone(this, PhoneMessage.State, HookSwitchStateFlag(device), (uint)mode);
    }

    void IPhoneEvents.ServiceChanged(bool inService) =>
        _session.Dispatcher.PostPhone(this, PhoneMessage.State, inService ? PhoneStateFlags.Connected : PhoneStateFlags.Disconnected);

    internal static uint HookSwitchStateFlag(HookSwitchDevices device) => device switch
    {
        HookSwitchDevices.Speaker => PhoneStateFlags.SpeakerHookSwitch,
        HookSwitchDevices.Headset => PhoneStateFlags.HeadsetHookSwitch,
        _ => PhoneStateFlags.HandsetHookSwitch,
    };

    internal void Close_NeedsLock() => Closed = true;

    internal void CancelPending()
    {
        try
        {
            _closing.Cancel();
        }
        catch (AggregateException)
        {
            // A backend's cancellation callback threw; the phone closes regardless.
        }
    }

    public override string ToString() => $"{Entry} open as 0x{HdPhone:X}";
}
