using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated;

/// <summary>A line of the simulated exchange, with its own number. State is guarded by the exchange lock.</summary>
internal sealed class SimulatedLine(SimulatedExchange exchange, int index, string number) : ILineDevice
{
    /// <summary>How many calls a simulated line holds at once.</summary>
    public const int MaxActiveCalls = 4;

    public SimulatedExchange Exchange { get; } = exchange;

    public int Index { get; } = index;

    public string Number { get; } = number;

    public string Key { get; } = SimulatedExchange.LineKey(index);

    public LineCapabilities Capabilities { get; } = new()
    {
        Name = $"Simulated line {index} ({number})",
        ProviderInfo = "TspHost simulated exchange",
        Address = number,
        Features = LineFeatures.All,
        MediaModes = MediaModes.InteractiveVoice | MediaModes.DataModem,
        MaxActiveCalls = MaxActiveCalls,
        CloseDrops = true,
    };

    /// <summary>The open line's sink, or <c>null</c> while the line is closed.</summary>
    public ILineEvents? Sink { get; set; }

    public List<SimulatedCall> Calls { get; } = [];

    public PartyId Party => new() { Number = Number, Name = $"Line {Index}" };

    public ValueTask OpenAsync(ILineEvents events, CancellationToken cancellationToken) => Exchange.OpenLineAsync(this, events, cancellationToken);

    public ValueTask CloseAsync(CancellationToken cancellationToken) => Exchange.CloseLineAsync(this, cancellationToken);

    public ValueTask<IBackendCall> MakeCallAsync(MakeCallRequest request, ICallEvents events, CancellationToken cancellationToken) =>
        Exchange.MakeCallAsync(this, request, events, cancellationToken);

    public ValueTask<ConferenceSetup> SetupConferenceAsync(IBackendCall? initialCall, ICallEvents conferenceEvents, ICallEvents consultationEvents, int parties, CancellationToken cancellationToken) =>
        Exchange.SetupConferenceAsync(this, initialCall, conferenceEvents, consultationEvents, parties, cancellationToken);

    public override string ToString() => Key;
}
