using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated;

// Phone operations the host asks for. The phones are not wired to the lines: the host routes an
// associated phone's hook switch and keys to its line (PhoneCapabilities.AssociatedLineKey).
public sealed partial class SimulatedExchange
{
    internal ValueTask OpenPhoneAsync(SimulatedPhone phone, IPhoneEvents events, CancellationToken cancellationToken) =>
        Run(cancellationToken, () =>
        {
            phone.Sink = EnsureNotOpen(phone.Sink, events, phone.Key);
        });

    internal ValueTask ClosePhoneAsync(SimulatedPhone phone, CancellationToken cancellationToken) =>
        RunSilencingAsync(() => phone.Sink = null);

    internal ValueTask SetHookSwitchAsync(SimulatedPhone phone, HookSwitchDevices devices, HookSwitchMode mode, CancellationToken cancellationToken) =>
        RunRequest(cancellationToken, () =>
        {
            EnsureOpen_NeedsLock(phone);
            var caps = phone.Capabilities;
            if (devices == HookSwitchDevices.None || (devices & ~caps.HookSwitchDevices) != 0)
            {
                throw new TelephonyException(TelephonyError.InvalidParameter, $"{phone.Key} has hook switches {caps.HookSwitchDevices}, not {devices}.");
            }

            if (!IsSingleFlag((int)mode) || (mode & ~caps.SettableHookSwitchModes) != 0)
            {
                throw new TelephonyException(TelephonyError.InvalidParameter, $"{phone.Key} can set one of {caps.SettableHookSwitchModes}, not {mode}.");
            }

            if (devices.HasFlag(HookSwitchDevices.Handset))
            {
                phone.Handset = mode;
            }

            if (devices.HasFlag(HookSwitchDevices.Speaker))
            {
                phone.Speaker = mode;
            }
        });

    internal ValueTask SetRingAsync(SimulatedPhone phone, int ringMode, int volume, CancellationToken cancellationToken) =>
        RunRequest(cancellationToken, () =>
        {
            EnsureOpen_NeedsLock(phone);
            if (ringMode < 0 || ringMode > phone.Capabilities.RingModes)
            {
                throw new TelephonyException(TelephonyError.InvalidParameter, $"{phone.Key} has ring modes 0 (silent) to {phone.Capabilities.RingModes}, not {ringMode}.");
            }

            if (volume is < 0 or > 0xFFFF)
            {
                throw new TelephonyException(TelephonyError.InvalidParameter, $"A ring volume is 0 to 65535, not {volume}.");
            }

            phone.RingMode = ringMode;
            phone.RingVolume = volume;
        });

    internal ValueTask SetLampAsync(SimulatedPhone phone, int lampId, LampMode mode, CancellationToken cancellationToken) =>
        RunRequest(cancellationToken, () =>
        {
            EnsureOpen_NeedsLock(phone);
            if (lampId < 0 || lampId >= phone.Lamps.Length)
            {
                throw new TelephonyException(TelephonyError.InvalidParameter, $"{phone.Key} has lamps 0 to {phone.Lamps.Length - 1}, not {lampId}.");
            }

            if (!Enum.IsDefined(mode))
            {
                throw new TelephonyException(TelephonyError.InvalidParameter, $"{mode} is not a lamp mode.");
            }

            phone.Lamps[lampId] = mode;
        });

    private static void EnsureOpen_NeedsLock(SimulatedPhone phone)
    {
        if (phone.Sink is null)
        {
            throw new TelephonyException(TelephonyError.OperationFailed, $"{phone.Key} is not open.");
        }
    }

    private static bool IsSingleFlag(int value) => value != 0 && (value & (value - 1)) == 0;
}
