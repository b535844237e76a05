using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace TspHost.Abstractions;

/// <summary>
/// A telephony backend: the entry point of a plugin. The host creates one instance per installed
/// plugin. Install, configure and remove act on the provider's static configuration and always run
/// outside any session; a session exposes the devices while telephony is running.
/// </summary>
public interface ITelephonyBackend
{
    /// <summary>A short name for logs and traces, e.g. <c>Simulated</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Checks settings without touching hardware. The host calls it before it accepts a configuration
    /// change, even while a session runs, so a bad value is refused at once instead of failing later.
    /// Throw <see cref="BackendConfigurationException"/> naming the key and the expected form.
    /// </summary>
    void ValidateSettings(BackendSettings settings);

    /// <summary>Runs when the plugin is installed into the provider. Throwing backs the install out. By default it does nothing.</summary>
    ValueTask InstallAsync(BackendHookContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Runs after the plugin's settings changed. It never runs during a session. By default it does nothing.</summary>
    ValueTask ConfigureAsync(BackendHookContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Runs when the plugin is removed from the provider. Failures are logged; the removal goes ahead. By default it does nothing.</summary>
    ValueTask RemoveAsync(BackendHookContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Starts a session: from here until the session is disposed, the backend's devices are live.
    /// Nothing of one session may be kept for the next one.
    /// </summary>
    ValueTask<IBackendSession> StartSessionAsync(BackendSessionContext context, CancellationToken cancellationToken);
}

/// <summary>The devices of a backend while telephony runs. Disposing it ends the session.</summary>
public interface IBackendSession : IAsyncDisposable
{
    /// <summary>The line devices present when the session started, in a stable order.</summary>
    IReadOnlyList<ILineDevice> Lines { get; }

    /// <summary>The phone devices present when the session started, in a stable order.</summary>
    IReadOnlyList<IPhoneDevice> Phones { get; }
}

// Both contexts grow by init-only properties (see MakeCallRequest); contract 1.0's positional
// constructors and Deconstruct methods stay, hidden, for plugins built against it.

/// <summary>What the host gives a backend for an install, configure or remove hook.</summary>
public sealed record BackendHookContext
{
    /// <summary>Creates a context; every property is required.</summary>
    public BackendHookContext()
    {
    }

    /// <summary>Contract 1.0's constructor, kept for plugins built against it.</summary>
    [Obsolete("Set the properties instead: new BackendHookContext { Settings = ..., Log = ..., Time = ... }.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    [SetsRequiredMembers]
    public BackendHookContext(BackendSettings Settings, IBackendLog Log, TimeProvider Time) =>
        (this.Settings, this.Log, this.Time) = (Settings, Log, Time);

    /// <summary>The plugin's settings after the change.</summary>
    public required BackendSettings Settings { get; init; }

    /// <summary>Where the backend reports what it does.</summary>
    public required IBackendLog Log { get; init; }

    /// <summary>The clock; tests inject a fake one.</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>Contract 1.0's deconstruction, kept for plugins built against it.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Deconstruct(out BackendSettings Settings, out IBackendLog Log, out TimeProvider Time) =>
        (Settings, Log, Time) = (this.Settings, this.Log, this.Time);
}

/// <summary>What the host gives a backend for a session.</summary>
public sealed record BackendSessionContext
{
    /// <summary>Creates a context; every property is required.</summary>
    public BackendSessionContext()
    {
    }

    /// <summary>Contract 1.0's constructor, kept for plugins built against it.</summary>
    [Obsolete("Set the properties instead: new BackendSessionContext { Settings = ..., Log = ..., Time = ..., Events = ... }.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    [SetsRequiredMembers]
    public BackendSessionContext(BackendSettings Settings, IBackendLog Log, TimeProvider Time, ISessionEvents Events) =>
        (this.Settings, this.Log, this.Time, this.Events) = (Settings, Log, Time, Events);

    /// <summary>The plugin's settings, a snapshot fixed for the whole session.</summary>
    public required BackendSettings Settings { get; init; }

    /// <summary>Where the backend reports what it does.</summary>
    public required IBackendLog Log { get; init; }

    /// <summary>The clock; tests inject a fake one.</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>Where the backend reports devices that appear or vanish during the session.</summary>
    public required ISessionEvents Events { get; init; }

    /// <summary>Contract 1.0's deconstruction, kept for plugins built against it.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Deconstruct(out BackendSettings Settings, out IBackendLog Log, out TimeProvider Time, out ISessionEvents Events) =>
        (Settings, Log, Time, Events) = (this.Settings, this.Log, this.Time, this.Events);
}

/// <summary>Devices appearing or vanishing during a session (hot plug).</summary>
public interface ISessionEvents
{
    /// <summary>A line device appeared; the host gives it a new device ID.</summary>
    void LineArrived(ILineDevice line);

    /// <summary>A line device vanished; the host closes its calls and removes it.</summary>
    void LineDeparted(ILineDevice line);

    /// <summary>A phone device appeared; the host gives it a new device ID.</summary>
    void PhoneArrived(IPhoneDevice phone);

    /// <summary>A phone device vanished; the host closes it and removes it.</summary>
    void PhoneDeparted(IPhoneDevice phone);
}

/// <summary>Severity of a backend log entry.</summary>
public enum BackendLogLevel
{
    /// <summary>Protocol-level detail (bytes, commands).</summary>
    Trace,
    /// <summary>Diagnostic detail.</summary>
    Debug,
    /// <summary>Normal operation.</summary>
    Information,
    /// <summary>Something unexpected that the backend recovered from.</summary>
    Warning,
    /// <summary>An operation failed.</summary>
    Error,
}

/// <summary>Structured logging for a backend; the host forwards entries to its own logging.</summary>
public interface IBackendLog
{
    /// <summary>Writes one entry.</summary>
    void Log(BackendLogLevel level, string message, Exception? exception = null);
}
