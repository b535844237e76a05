using System.Collections.Concurrent;
using System.Diagnostics;
using TspHost.Core.Hosting;

namespace TspHost.Demo;

/// <summary>
/// The <c>tsphost run</c> daemon the real-chain demo starts as a child process: this same executable,
/// on a socket and state directory of its own in a temporary directory, with the Simulated backend's
/// settings passed as <c>TSPHOST_Plugins__Simulated__...</c> environment variables.
/// </summary>
internal sealed class DemoDaemon : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _output = new();

    private DemoDaemon(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public string SocketPath => Path.Combine(_directory, "tsphost.sock");

    public int ProcessId => _process.Id;

    /// <summary>What the daemon printed (warnings and errors only).</summary>
    public string Output => string.Concat(_output.Select(line => line + "\n"));

    public static async Task<DemoDaemon> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan timeout)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"tsphost-demo-{Guid.NewGuid():N}"[..24]);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // the daemon takes only a socket directory of this user's alone
        }
        var start = Self();
        foreach (var argument in new[] { "run", "--socket", Path.Combine(directory, "tsphost.sock"), "--state-dir", Path.Combine(directory, "state") })
        {
            start.ArgumentList.Add(argument);
        }

        if (SimulatedOnly(directory) is { } plugins)
        {
            start.ArgumentList.Add("--plugins-dir");
            start.ArgumentList.Add(plugins);
        }

        start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.WorkingDirectory = directory; // no appsettings.json of the caller's directory
        start.Environment["TSPHOST_Logging__LogLevel__Default"] = "Warning";
        start.Environment.Remove("TSPHOST_SOCKET");
        foreach (var (key, value) in settings)
        {
            start.Environment[$"TSPHOST_Plugins__Simulated__{key}"] = value;
        }

        var daemon = new DemoDaemon(Process.Start(start) ?? throw new InvalidOperationException("could not start 'tsphost run'."), directory);
        daemon._process.OutputDataReceived += (_, e) => daemon.Append(e.Data);
        daemon._process.ErrorDataReceived += (_, e) => daemon.Append(e.Data);
        daemon._process.BeginOutputReadLine();
        daemon._process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + timeout;
        while (!Protocol.SocketPath.IsListening(daemon.SocketPath))
        {
            if (daemon._process.HasExited || DateTime.UtcNow > deadline)
            {
                var why = daemon._process.HasExited ? $"exited with {daemon._process.ExitCode}" : $"was not listening on {daemon.SocketPath} after {timeout.TotalSeconds:0} s";
                var output = daemon.Output;
                await daemon.DisposeAsync();
                throw new InvalidOperationException($"'tsphost run' {why}.{(output.Length > 0 ? "\n" + output.TrimEnd() : "")}");
            }

            await Task.Delay(50);
        }

        return daemon;
    }

    /// <summary>SIGTERM (the daemon ends its session and removes the socket), bounded; SIGKILL if it does not stop.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = NativeMethods.kill(_process.Id, SigTerm);
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                _process.Kill();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temporary directory
        }
    }

    /// <summary>
    /// A plugins directory under <paramref name="directory"/> holding only the Simulated plugin (a link
    /// to its folder in the usual plugins directory), so the demo's devices do not depend on the
    /// hardware or the plugins of this machine; null (the usual directory) when that cannot be made.
    /// </summary>
    private static string? SimulatedOnly(string directory)
    {
        var simulated = Path.Combine(HostPaths.PluginsDirectory(null), "Simulated");
        if (!Directory.Exists(simulated))
        {
            return null;
        }

        var plugins = Path.Combine(directory, "plugins");
        try
        {
            Directory.CreateDirectory(plugins);
            Directory.CreateSymbolicLink(Path.Combine(plugins, "Simulated"), simulated);
            return plugins;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>This executable: the apphost, or <c>dotnet tsphost.dll</c>.</summary>
    private static ProcessStartInfo Self()
    {
        var path = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(path);
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            start.ArgumentList.Add(typeof(DemoDaemon).Assembly.Location);
        }

        return start;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
