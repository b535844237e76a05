using TspHost.Abstractions;
using TspHost.Plugins.Simulated;

[assembly: TelephonyBackend(typeof(SimulatedBackend))]

namespace TspHost.Plugins.Simulated;

/// <summary>
/// The Simulated backend: a software telephone exchange with lines, phones, outside numbers that
/// answer, are busy, never answer or cannot be reached, and scripted incoming calls. Settings are
/// described in the plugin's README.
/// </summary>
public sealed class SimulatedBackend : ITelephonyBackend
{
    private SimulatedSession? _currentSession;

    /// <inheritdoc />
    public string Name => "Simulated";

    /// <summary>
    /// The running session, or <c>null</c> between sessions. In-process code (a demo, a test) reaches
    /// the exchange through it to play callers and people: <c>backend.CurrentSession?.Exchange</c>.
    /// </summary>
    public SimulatedSession? CurrentSession => Volatile.Read(ref _currentSession);

    /// <summary>Raised when a session has started, before its devices are used.</summary>
    public event EventHandler<SimulatedSession>? SessionStarted;

    /// <inheritdoc />
    public void ValidateSettings(BackendSettings settings) => SimulatedOptions.Read(settings);

    /// <inheritdoc />
    public ValueTask InstallAsync(BackendHookContext context, CancellationToken cancellationToken) =>
        Describe(context, "installed");

    /// <inheritdoc />
    public ValueTask ConfigureAsync(BackendHookContext context, CancellationToken cancellationToken) =>
        Describe(context, "configured");

    /// <inheritdoc />
    public ValueTask RemoveAsync(BackendHookContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Log.Log(BackendLogLevel.Information, "Simulated exchange removed; it keeps no state of its own.");
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IBackendSession> StartSessionAsync(BackendSessionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IBackendSession>(cancellationToken);
        }

        SimulatedOptions options;
        try
        {
            options = SimulatedOptions.Read(context.Settings);
        }
        catch (BackendConfigurationException ex)
        {
            return ValueTask.FromException<IBackendSession>(ex);
        }

        // R1: every session gets a new exchange; nothing of the previous one survives.
        var session = new SimulatedSession(new SimulatedExchange(options, context.Time, context.Log), this);
        Volatile.Write(ref _currentSession, session);
        SessionStarted?.Invoke(this, session);
        session.Exchange.StartScript();
        context.Log.Log(BackendLogLevel.Information, $"Simulated exchange started: {options.Lines} lines from {options.LineNumber(1)}, {options.Phones} phones, {options.IncomingCalls.Count} scripted calls.");
        return ValueTask.FromResult<IBackendSession>(session);
    }

    internal void SessionEnded(SimulatedSession session) => Interlocked.CompareExchange(ref _currentSession, null, session);

    private static ValueTask Describe(BackendHookContext context, string what)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var options = SimulatedOptions.Read(context.Settings);
            context.Log.Log(BackendLogLevel.Information, $"Simulated exchange {what}: {options.Lines} lines, {options.Phones} phones.");
            return ValueTask.CompletedTask;
        }
        catch (BackendConfigurationException ex)
        {
            return ValueTask.FromException(ex);
        }
    }
}
