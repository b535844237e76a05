using System.Diagnostics;
using System.Text;
using TspHost.Protocol;
using TspHost.Protocol.Messages;
using TspHost.Testing;

namespace TspHost.Integration.Tests;

/// <summary>A real <c>tsphost run</c> process on a socket and state directory of its own.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly string s_tsphost = typeof(TspHost.Ipc.IpcServer).Assembly.Location;
    private readonly StringBuilder _output = new();
    private Dictionary<string, string> _settings;
    private readonly string? _pluginsDirectory;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly IReadOnlyList<string> _wrapper;
    private Process? _process;

    private HostProcess(string directory, Dictionary<string, string> settings, string? pluginsDirectory, IReadOnlyDictionary<string, string>? environment,
        IReadOnlyList<string>? wrapper)
    {
        Directory = directory;
        _settings = settings;
        _pluginsDirectory = pluginsDirectory;
        _environment = environment ?? new Dictionary<string, string>();
        _wrapper = wrapper ?? [];
    }

    /// <summary>The process ID of the running host.</summary>
    public int ProcessId => _process!.Id;

    /// <summary>The directory holding the socket and the state.</summary>
    public string Directory { get; }

    public string SocketPath => Path.Combine(Directory, "tsphost.sock");

    public string StateDirectory => Path.Combine(Directory, "state");

    public bool HasExited => _process?.HasExited ?? true;

    public int ExitCode => _process!.ExitCode;

    /// <summary>What the host logged so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a host; <paramref name="simulated"/> holds Simulated plugin settings (used at providerInstall);
    /// <paramref name="pluginsDirectory"/> is passed as <c>--plugins-dir</c> (default: the build's plugins directory);
    /// <paramref name="environment"/> is added to the process's environment.
    /// </summary>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string>? simulated = null, string? pluginsDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var host = Create(simulated, pluginsDirectory, environment);
        await host.RestartAsync();
        return host;
    }

    /// <summary>
    /// A host not started yet (<see cref="RestartAsync"/> starts it): its paths are known before it runs.
    /// <paramref name="wrapper"/> is a command that runs the host (<c>strace -o FILE</c>): the process is then the wrapper's.
    /// </summary>
    public static HostProcess Create(IReadOnlyDictionary<string, string>? simulated = null, string? pluginsDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? wrapper = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"tsphost-it-{Guid.NewGuid():N}"[..24]);
        System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // the host refuses a socket directory others may write to
        return new HostProcess(directory, new Dictionary<string, string>(simulated ?? new Dictionary<string, string>()), pluginsDirectory, environment, wrapper);
    }

    /// <summary>
    /// Starts the process (again, after <see cref="KillAsync"/> or <see cref="StopAsync"/>) on the same socket and state;
    /// <paramref name="simulated"/>, when given, replaces the Simulated plugin settings from now on.
    /// </summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string>? simulated = null)
    {
        if (simulated is not null)
        {
            _settings = new Dictionary<string, string>(simulated);
        }

        var start = new ProcessStartInfo(_wrapper.Count > 0 ? _wrapper[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in _wrapper.Skip(1).Concat(_wrapper.Count > 0 ? ["dotnet"] : []).Concat([s_tsphost, "run", "--socket", SocketPath, "--state-dir", StateDirectory]))
        {
            start.ArgumentList.Add(argument);
        }

        if (_pluginsDirectory is not null)
        {
            start.ArgumentList.Add("--plugins-dir");
            start.ArgumentList.Add(_pluginsDirectory);
        }

        start.Environment["TSPHOST_Logging__LogLevel__Default"] = "Information";
        foreach (var (key, value) in _settings)
        {
            start.Environment[$"TSPHOST_Plugins__Simulated__{key}"] = value;
        }

        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.WaitAsync(() => HasExited || TspHost.Protocol.SocketPath.IsListening(SocketPath), $"tsphost to listen on {SocketPath}", TimeSpan.FromSeconds(20));
        if (HasExited)
        {
            throw new InvalidOperationException($"tsphost exited with {ExitCode} at start:\n{Output}");
        }
    }

    /// <summary>Connects and completes the handshake.</summary>
    public FrameSocket Connect(ClientRole role, uint sequence = 1)
    {
        var socket = FrameSocket.Connect(SocketPath, TimeSpan.FromSeconds(10));
        var hello = socket.Call(Handshake.Hello(sequence, 1, role)).Read<HelloReply>();
        Assert.Equal(Handshake.Version, hello.Version);
        Assert.Equal(0, hello.Result);
        return socket;
    }

    /// <summary>SIGTERM (to <paramref name="pid"/>, default the process started), then waits for the process to exit.</summary>
    public async Task StopAsync(int? pid = null)
    {
        using (var kill = Process.Start("kill", ["-TERM", (pid ?? _process!.Id).ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }

        await _process!.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>SIGKILL: the host dies without any cleanup.</summary>
    public async Task KillAsync()
    {
        _process!.Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            await KillAsync();
        }

        _process?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
