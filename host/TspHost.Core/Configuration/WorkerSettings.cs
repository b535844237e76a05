namespace TspHost.Core.Configuration;

/// <summary>Where a plugin runs (<c>Plugins:&lt;Name&gt;:Isolation</c>).</summary>
public enum PluginIsolationMode
{
    /// <summary>In a worker process of its own (the default): its crash, hang or greed takes down only its devices (R15).</summary>
    Process,
    /// <summary>In the host's process, in a load context of its own: for debugging, and for tests that need the plugin's objects.</summary>
    InProcess,
}

/// <summary>How one plugin runs: the host-owned keys of its <c>Plugins:&lt;Name&gt;</c> section (they are not passed to the plugin).</summary>
/// <param name="Isolation">Where it runs.</param>
/// <param name="MemoryLimitBytes">The most memory its worker may use: its GC heap hard limit, and the resident size the host allows it.</param>
public sealed record PluginIsolationSettings(PluginIsolationMode Isolation, long MemoryLimitBytes);

/// <summary>How the host supervises plugin workers (the <c>Workers</c> section).</summary>
public sealed record WorkerSettings
{
    /// <summary>The keys of a <c>Plugins:&lt;Name&gt;</c> section that the host reads itself.</summary>
    public static readonly IReadOnlyList<string> ReservedPluginKeys = ["Isolation", "MemoryLimitMegabytes"];

    /// <summary>The longest a worker may take from its start to having loaded its plugin.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the host asks a worker whether it is alive (and how much memory it uses).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a heartbeat may go unanswered before the worker is taken for hung and killed.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The pause before the first restart after a failure; it doubles with each failure in a row.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest pause between restarts.</summary>
    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The failures within <see cref="FailureWindow"/> that open the circuit: the plugin is then held out of service.</summary>
    public int MaxFailures { get; init; } = 5;

    /// <summary>The window failures are counted in; a worker that ran this long counts as having recovered.</summary>
    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a plugin whose circuit opened is held out of service before one more try.</summary>
    public TimeSpan HoldOut { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The memory limit of a plugin that sets none (<c>Workers:MemoryLimitMegabytes</c>).</summary>
    public long MemoryLimitBytes { get; init; } = 256L * 1024 * 1024;
}
