using TspHost.Core.Configuration;
using TspHost.Protocol;

namespace TspHost.Ipc;

/// <summary>The daemon's IPC settings (configuration section <c>Ipc</c>, see <see cref="HostOptions"/>).</summary>
internal sealed record IpcServerOptions
{
    /// <summary>The socket path; see <see cref="SocketPath"/> for the default.</summary>
    public required string Socket { get; init; }

    /// <summary>The provider state file the engine uses (for the start-up log line).</summary>
    public required string StateFile { get; init; }

    /// <summary>How long LINE_NEWCALL waits for TAPI's htCall.</summary>
    public TimeSpan NewCallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long shutdown waits for completions to reach the provider before closing its connection.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long one write to the provider may block before it is dropped.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a connection's thread, having answered, keeps looking for the next request (yielding
    /// the processor between looks) before it sleeps in <c>recv</c>. Under a stream of requests it
    /// then serves them without a sleep and a wake-up each, and reads several at once; when requests
    /// stop it costs this long once. Zero: sleep at once.
    /// </summary>
    public TimeSpan RequestPoll { get; init; } = HostOptions.DefaultRequestPoll;

    /// <summary>The most connections at once besides the provider's, handshaking ones included.</summary>
    public int MaxClients { get; init; } = new HostOptions().MaxClients;

    /// <summary>The most monitors at once.</summary>
    public int MaxMonitors { get; init; } = new HostOptions().MaxMonitors;

    /// <summary>How long a new connection has to send its Hello.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = new HostOptions().HandshakeTimeout;

    /// <summary>The most bytes queued for one connection; a client further behind is disconnected.</summary>
    public int OutputLimitBytes { get; init; } = new HostOptions().OutputLimitBytes;

    /// <summary>Builds the options from the host's settings.</summary>
    public static IpcServerOptions From(HostOptions host, string socket, string stateFile) => new()
    {
        Socket = socket,
        StateFile = stateFile,
        RequestPoll = host.RequestPoll,
        MaxClients = host.MaxClients,
        MaxMonitors = host.MaxMonitors,
        HandshakeTimeout = host.HandshakeTimeout,
        OutputLimitBytes = host.OutputLimitBytes,
    };
}
