namespace TspHost.Core.Lifecycle;

/// <summary>Where a plugin's worker process is in its life (R15).</summary>
public enum WorkerState
{
    /// <summary>Being started (the first time, or again after a failure).</summary>
    Starting,
    /// <summary>Running and answering.</summary>
    Running,
    /// <summary>It failed; it is started again after a pause that grows with each failure in a row.</summary>
    Restarting,
    /// <summary>It failed too often: the circuit is open, its devices are held out of service until the hold ends.</summary>
    HeldOut,
    /// <summary>Stopped with the host, or its plugin was removed.</summary>
    Stopped,
}

/// <summary>A plugin's worker as monitors see it.</summary>
/// <param name="Plugin">The plugin's name.</param>
/// <param name="ProcessId">The worker's process ID while one runs.</param>
/// <param name="State">Where it is.</param>
/// <param name="Restarts">How many times it was started again after a failure.</param>
/// <param name="MemoryBytes">The worker's resident memory at the last look, if known.</param>
/// <param name="MemoryLimitBytes">The memory limit it runs under.</param>
/// <param name="Since">When it entered <paramref name="State"/>.</param>
/// <param name="Reason">Why it is restarting or held out: the last failure.</param>
public sealed record PluginHealth(string Plugin, int? ProcessId, WorkerState State, int Restarts, long? MemoryBytes, long MemoryLimitBytes, DateTimeOffset Since, string? Reason);

/// <summary>A backend that runs in a worker process of its own and reports how that process is doing.</summary>
public interface IPluginHealthSource
{
    /// <summary>The worker's state now.</summary>
    PluginHealth Health { get; }
}
