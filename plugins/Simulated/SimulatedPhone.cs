using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated;

/// <summary>A desk phone of the simulated exchange. State is guarded by the exchange lock.</summary>
internal sealed class SimulatedPhone : IPhoneDevice
{
    public const int RingModes = 3;
    public const int LampCount = 2;
    public const int KeypadButtons = 12;

    private readonly SimulatedExchange _exchange;

    public SimulatedPhone(SimulatedExchange exchange, int index, string? associatedLineKey)
    {
        _exchange = exchange;
        Index = index;
        Key = SimulatedExchange.PhoneKey(index);
        Capabilities = new PhoneCapabilities
        {
            Name = $"Simulated phone {index}",
            ProviderInfo = "TspHost simulated exchange",
            Features = PhoneFeatures.SetHookSwitch | PhoneFeatures.SetRing | PhoneFeatures.SetLamp,
            HookSwitchDevices = HookSwitchDevices.Handset | HookSwitchDevices.Speaker,
            SettableHookSwitchModes = HookSwitchMode.OnHook | HookSwitchMode.Mic | HookSwitchMode.Speaker | HookSwitchMode.MicSpeaker,
            RingModes = RingModes,
            LampCount = LampCount,
            ButtonCount = KeypadButtons,
            AssociatedLineKey = associatedLineKey,
        };
        Array.Fill(Lamps, LampMode.Off);
    }

    public int Index { get; }

    public string Key { get; }

    public PhoneCapabilities Capabilities { get; }

    public IPhoneEvents? Sink { get; set; }

    public HookSwitchMode Handset { get; set; } = HookSwitchMode.OnHook;

    public HookSwitchMode Speaker { get; set; } = HookSwitchMode.OnHook;

    public int RingMode { get; set; }

    public int RingVolume { get; set; }

    public LampMode[] Lamps { get; } = new LampMode[LampCount];

    public ValueTask OpenAsync(IPhoneEvents events, CancellationToken cancellationToken) => _exchange.OpenPhoneAsync(this, events, cancellationToken);

    public ValueTask CloseAsync(CancellationToken cancellationToken) => _exchange.ClosePhoneAsync(this, cancellationToken);

    public ValueTask SetHookSwitchAsync(HookSwitchDevices devices, HookSwitchMode mode, CancellationToken cancellationToken) =>
        _exchange.SetHookSwitchAsync(this, devices, mode, cancellationToken);

    public ValueTask SetRingAsync(int ringMode, int volume, CancellationToken cancellationToken) =>
        _exchange.SetRingAsync(this, ringMode, volume, cancellationToken);

    public ValueTask SetLampAsync(int lampId, LampMode mode, CancellationToken cancellationToken) =>
        _exchange.SetLampAsync(this, lampId, mode, cancellationToken);

    public SimulatedPhoneState Snapshot() => new(Key, Sink is not null, Handset, Speaker, RingMode, RingVolume, [.. Lamps]);

    public override string ToString() => Key;
}

/// <summary>What a simulated phone looks like at one moment, for tests and demos.</summary>
/// <param name="Key">The phone's key.</param>
/// <param name="IsOpen">Whether the host has the phone open.</param>
/// <param name="Handset">The handset's hook switch mode.</param>
/// <param name="Speaker">The speakerphone's hook switch mode.</param>
/// <param name="RingMode">The ring pattern, 0 when silent.</param>
/// <param name="RingVolume">The ringer volume, 0..65535.</param>
/// <param name="Lamps">Each lamp's mode, by lamp ID.</param>
public sealed record SimulatedPhoneState(string Key, bool IsOpen, HookSwitchMode Handset, HookSwitchMode Speaker, int RingMode, int RingVolume, IReadOnlyList<LampMode> Lamps)
{
    /// <summary>Whether the handset is lifted.</summary>
    public bool IsOffHook => Handset != HookSwitchMode.OnHook;

    /// <summary>Whether the ringer is sounding.</summary>
    public bool IsRinging => RingMode != 0;
}
