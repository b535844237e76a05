using TspHost.Core.Configuration;

namespace TspHost.Core.Lifecycle;

/// <summary>The engine's own settings (not a plugin's).</summary>
public sealed record ProviderEngineOptions
{
    /// <summary>The longest an asynchronous request may run in a backend before it is completed with a failure (R6).</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest opening or closing a device, or releasing a call, may take.</summary>
    public TimeSpan DeviceTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a plugin's session start, install, configure or remove hook may take.</summary>
    public TimeSpan HookTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// providerInstall installs the catalog's plugins; when one fails (its install hook throws, its
    /// settings are invalid), false backs the whole install out, true reports it and installs the others.
    /// </summary>
    public bool InstallSkipsFailingPlugins { get; init; }

    /// <summary>
    /// The plugins' configuration sections (tsphost.json, environment, switches), read at each session
    /// start (R2) beneath the settings kept in the provider state; none when null.
    /// </summary>
    public IPluginSettingsSource? PluginSettings { get; init; }

    /// <summary>
    /// How long a handset's keypad may pause before the digits collected so far are dialled; <c>#</c>
    /// dials at once. Digits pressed during a connected call are sent one by one.
    /// </summary>
    public TimeSpan HandsetDialTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest providerShutdown waits for the session to end. Past it, whatever a plugin has not
    /// finished closing is left to finish on its own: every request is completed and nothing more
    /// reaches TAPI, so the answer is true, and it comes well within the shim's reply timeout.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The longest a close waits for completions to reach TAPI before it returns.</summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
