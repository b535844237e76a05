using TspHost.Abstractions;
using TspHost.Core.Devices;
using TspHost.Core.Tapi;

namespace TspHost.Core.Lifecycle;

public sealed partial class ProviderSession
{
    /// <summary>R4, R7: phones negotiate separately from lines (never with INITIALIZE_NEGOTIATION).</summary>
    internal int PhoneNegotiateTspiVersion(uint deviceId, uint low, uint high, out uint version) =>
        NegotiateTspiVersion(Find(_phones, deviceId), DeviceKind.Phone, low, high, out version);

    internal int PhoneNegotiateExtVersion(uint deviceId, uint tspiVersion, uint low, uint high, out uint extVersion) =>
        NegotiateExtVersion(Find(_phones, deviceId), DeviceKind.Phone, tspiVersion, low, high, out extVersion);

    internal int PhoneSelectExtVersion(nint hdPhone, uint extVersion) => SelectExtVersion(Phones, DeviceKind.Phone, hdPhone, extVersion);

    internal Task<(int Result, nint HdPhone)> PhoneOpenAsync(uint deviceId, nint htPhone, uint tspiVersion) =>
        OpenAsync(Find(_phones, deviceId), DeviceKind.Phone, tspiVersion, Phones,
            entry => new OpenPhone(this, entry, htPhone, tspiVersion),
            (entry, open, ct) => entry.Phone.OpenAsync(open, ct));

    internal Task<int> PhoneCloseAsync(nint hdPhone) => CloseAsync(Phones, DeviceKind.Phone, hdPhone);

    internal int PhoneGetDevCaps(uint deviceId, uint tspiVersion, uint extVersion, uint permanentProviderId, out PhoneCapsData? caps)
    {
        caps = null;
        if (Find(_phones, deviceId) is not { } phone)
        {
            return PhoneErr.BadDeviceId;
        }

        if (CheckVersions(phone, tspiVersion, extVersion) is var error and not 0)
        {
            return error;
        }

        var c = phone.Capabilities;
        caps = new PhoneCapsData(
            ProviderInfo: c.ProviderInfo ?? phone.Plugin,
            PhoneInfo: c.AssociatedLineKey is null ? string.Empty : $"line {c.AssociatedLineKey}",
            PermanentProviderId: permanentProviderId,
            PermanentPhoneId: phone.PermanentId,
            PhoneName: c.Name,
            HookSwitchDevs: (uint)c.HookSwitchDevices,
            HookSwitchModes: (uint)c.SettableHookSwitchModes,
            NumRingModes: (uint)Math.Max(0, c.RingModes),
            NumButtonLamps: (uint)Math.Max(c.ButtonCount, c.LampCount),
            PhoneFeatures: (uint)c.Features);
        return 0;
    }

    internal int PhoneGetHookSwitch(nint hdPhone, out HookSwitchDevices offHook)
    {
        offHook = HookSwitchDevices.None;
        if (!Phones.TryGet(hdPhone, out var open))
        {
            return PhoneErr.InvalPhoneHandle;
        }

        lock (Lock)
        {
            foreach (var (device, mode) in open.Entry.HookSwitch)
            {
                if (mode is not (HookSwitchMode.OnHook or HookSwitchMode.None))
                {
                    offHook |= device;
                }
            }
        }

        return 0;
    }

    internal int PhoneGetRing(nint hdPhone, out uint ringMode, out uint volume)
    {
        ringMode = volume = 0;
        if (!Phones.TryGet(hdPhone, out var open))
        {
            return PhoneErr.InvalPhoneHandle;
        }

        lock (Lock)
        {
            ringMode = (uint)open.Entry.RingMode;
            volume = (uint)open.Entry.RingVolume;
        }

        return 0;
    }

    internal int PhoneGetLamp(nint hdPhone, uint lampId, out LampMode mode)
    {
        mode = LampMode.Off;
        if (!Phones.TryGet(hdPhone, out var open))
        {
            return PhoneErr.InvalPhoneHandle;
        }

        if (lampId >= open.Entry.Capabilities.LampCount)
        {
            return PhoneErr.InvalButtonLampId;
        }

        lock (Lock)
        {
            mode = open.Entry.Lamps.GetValueOrDefault((int)lampId, LampMode.Off);
        }

        return 0;
    }

    internal int PhoneSetHookSwitch(uint requestId, nint hdPhone, HookSwitchDevices devices, HookSwitchMode mode)
    {
        var (error, open) = CheckPhone(hdPhone, PhoneFeatures.SetHookSwitch);
        if (error != 0)
        {
            return error;
        }

        var caps = open!.Entry.Capabilities;
        if (devices == HookSwitchDevices.None || (devices & ~caps.HookSwitchDevices) != 0)
        {
            return PhoneErr.InvalHookSwitchDev;
        }

        if (!IsSingleFlag((int)mode) || !caps.SettableHookSwitchModes.HasFlag(mode))
        {
            return PhoneErr.InvalHookSwitchMode;
        }

        return BeginPhone(requestId, "phoneSetHookSwitch", open, ct => open.Entry.Phone.SetHookSwitchAsync(devices, mode, ct), () =>
        {
            foreach (var device in new[] { HookSwitchDevices.Handset, HookSwitchDevices.Speaker, HookSwitchDevices.Headset }.Where(d => devices.HasFlag(d)))
            {
                open.Entry.HookSwitch[device] = mode;
                Dispatcher.PostPhone(open, PhoneMessage.State, OpenPhone.HookSwitchStateFlag(device), (uint)mode);
            }
        });
    }

    internal int PhoneSetRing(uint requestId, nint hdPhone, uint ringMode, uint volume)
    {
        var (error, open) = CheckPhone(hdPhone, PhoneFeatures.SetRing);
        if (error != 0)
        {
            return error;
        }

        if (ringMode > (uint)open!.Entry.Capabilities.RingModes)
        {
            return PhoneErr.InvalRingMode;
        }

        if (volume > 0xFFFF)
        {
            return PhoneErr.InvalParam;
        }

        return BeginPhone(requestId, "phoneSetRing", open, ct => open.Entry.Phone.SetRingAsync((int)ringMode, (int)volume, ct), () =>
        {
            open.Entry.RingMode = (int)ringMode;
            open.Entry.RingVolume = (int)volume;
            Dispatcher.PostPhone(open, PhoneMessage.State, PhoneStateFlags.RingMode, ringMode);
        });
    }

    internal int PhoneSetLamp(uint requestId, nint hdPhone, uint lampId, LampMode mode)
    {
        var (error, open) = CheckPhone(hdPhone, PhoneFeatures.SetLamp);
        if (error != 0)
        {
            return error;
        }

        if (lampId >= open!.Entry.Capabilities.LampCount)
        {
            return PhoneErr.InvalButtonLampId;
        }

        if (mode is not (LampMode.Off or LampMode.Steady or LampMode.Wink or LampMode.Flash))
        {
            return PhoneErr.InvalLampMode;
        }

        return BeginPhone(requestId, "phoneSetLamp", open, ct => open.Entry.Phone.SetLampAsync((int)lampId, mode, ct), () =>
        {
            open.Entry.Lamps[(int)lampId] = mode;
            Dispatcher.PostPhone(open, PhoneMessage.State, PhoneStateFlags.Lamp, lampId);
        });
    }

    private int BeginPhone(uint requestId, string operation, OpenPhone open, Func<CancellationToken, ValueTask> action, Action succeeded_NeedsLock)
    {
        if (Begin(requestId, operation, open) is not { } pending)
        {
            return PhoneErr.InvalParam;
        }

        return Run(pending, phone: true, action, _ => succeeded_NeedsLock());
    }

    private (int Error, OpenPhone? Phone) CheckPhone(nint hdPhone, PhoneFeatures feature)
    {
        if (!Phones.TryGet(hdPhone, out var open))
        {
            return (PhoneErr.InvalPhoneHandle, null);
        }

        return open.Entry.Capabilities.Features.HasFlag(feature) ? (0, open) : (PhoneErr.OperationUnavail, null);
    }

    private static bool IsSingleFlag(int value) => value != 0 && (value & (value - 1)) == 0;
}
