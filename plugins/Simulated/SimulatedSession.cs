using TspHost.Abstractions;

namespace TspHost.Plugins.Simulated;

/// <summary>One session of the simulated exchange. Disposing it closes every device and stops every timer.</summary>
public sealed class SimulatedSession : IBackendSession
{
    private readonly SimulatedBackend _backend;

    internal SimulatedSession(SimulatedExchange exchange, SimulatedBackend backend)
    {
        Exchange = exchange;
        _backend = backend;
        Lines = [.. exchange.Lines];
        Phones = [.. exchange.Phones];
    }

    /// <summary>The exchange: inject incoming calls, hang up far ends, lift handsets, observe phones.</summary>
    public SimulatedExchange Exchange { get; }

    /// <inheritdoc />
    public IReadOnlyList<ILineDevice> Lines { get; }

    /// <inheritdoc />
    public IReadOnlyList<IPhoneDevice> Phones { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Exchange.ShutdownAsync();
        _backend.SessionEnded(this);
    }
}
