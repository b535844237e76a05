using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using StreamJsonRpc;
using TspHost.Abstractions;
using TspHost.Core.Configuration;
using TspHost.Core.Plugins;
using TspHost.Workers.Channel;
using TspHost.Workers.Worker;

namespace TspHost.Workers.Supervision;

/// <summary>
/// One worker process of a plugin and its channel, from its start to its end. It knows the worker
/// failed when the process exits (any code or signal), the channel drops, a heartbeat goes unanswered
/// (the host measures it: a hung or starved worker is killed), or its memory passes its limit (also
/// killed). <see cref="Failed"/> then completes once, with a sentence that names the plugin, the exit
/// code or signal and the operation that was in progress. Every request still waiting on the worker
/// fails at once (the channel is closed).
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly string[] s_signals = ["", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"];
    private readonly string _plugin;
    private readonly Process _process;
    private readonly WorkerSettings _settings;
    private readonly long _memoryLimit;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<string> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<long, string> _inFlight = new();
    private readonly ConcurrentQueue<string> _lastErrors = new();
    private readonly CancellationTokenSource _stop = new();
    private JsonRpc? _rpc;
    private string? _firstCause;
    private long _nextCall;
    private volatile bool _stopping;

    private WorkerProcess(string plugin, Process process, WorkerSettings settings, long memoryLimit, ILogger logger)
    {
        _plugin = plugin;
        _process = process;
        _settings = settings;
        _memoryLimit = memoryLimit;
        _logger = logger;
        Callbacks = new HostCallbacks(this, logger, plugin);
    }

    public int ProcessId => _process.Id;

    /// <summary>The worker's resident memory at the last heartbeat.</summary>
    public long? MemoryBytes { get; private set; }

    /// <summary>Completes once, when the worker has failed (or been stopped), with what happened.</summary>
    public Task<string> Failed => _failed.Task;

    public bool IsDead => _failed.Task.IsCompleted;

    /// <summary>The host's handlers of the worker's notifications, run one after another in the order they came.</summary>
    public HostCallbacks Callbacks { get; }

    /// <summary>
    /// Starts a worker for <paramref name="folder"/> and waits until it has connected and loaded its plugin.
    /// </summary>
    /// <exception cref="PluginLoadException">The worker did not start, connect or load the plugin; the message says why.</exception>
    public static async Task<WorkerProcess> StartAsync(string plugin, string folder, WorkerSettings settings, long memoryLimit, string socketDirectory,
        ILogger logger, CancellationToken cancellationToken)
    {
        using var listener = WorkerChannel.Listen(socketDirectory, plugin, out var socketPath);
        Process process;
        try
        {
            process = Process.Start(StartInfo(folder, socketPath, memoryLimit))
                ?? throw new PluginLoadException(plugin, "its worker process did not start.");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            File.Delete(socketPath);
            throw new PluginLoadException(plugin, $"its worker process did not start: {e.Message}", e);
        }

        var worker = new WorkerProcess(plugin, process, settings, memoryLimit, logger);
        process.ErrorDataReceived += (_, e) => worker.OnOutput(e.Data);
        process.OutputDataReceived += (_, e) => worker.OnOutput(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.StartTimeout);
        try
        {
            var exited = process.WaitForExitAsync(timeout.Token);
            var accept = WorkerChannel.AcceptAsync(listener, process.Id, timeout.Token);
            if (await Task.WhenAny(accept, exited).ConfigureAwait(false) != accept)
            {
                await exited.ConfigureAwait(false); // cancelled: the timeout below
                throw new PluginLoadException(plugin, $"its worker process {worker.ExitDescription()} before it connected{worker.LastErrors()}.");
            }

            var socket = await accept.ConfigureAwait(false);
            worker.Connect(socket);
            var ready = await worker.InvokeAsync<WorkerReady>(nameof(IWorkerService.HelloAsync), [], "loading the plugin", timeout.Token).ConfigureAwait(false);
            if (ready.Problem is { } problem)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
                throw new PluginLoadException(plugin, $"{problem.Replace($"Plugin '{plugin}': ", "", StringComparison.Ordinal)} (in its worker process)");
            }

            worker.Watch();
            return worker;
        }
        catch (Exception e) when (e is not PluginLoadException)
        {
            var why = e is OperationCanceledException && !cancellationToken.IsCancellationRequested
                ? $"its worker process did not connect and load it within {settings.StartTimeout.TotalSeconds:0.#} s"
                : process.HasExited ? $"its worker process {worker.ExitDescription()} while loading it{worker.LastErrors()}" : $"its worker failed to start: {e.Message}";
            await worker.DisposeAsync().ConfigureAwait(false);
            throw new PluginLoadException(plugin, $"{why}.", e);
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    /// <summary>Calls the worker; <paramref name="operation"/> names what it does, for the log should the worker die meanwhile.</summary>
    public async Task<T> InvokeAsync<T>(string method, object?[] arguments, string operation, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextCall);
        _inFlight[id] = operation;
        try
        {
            var result = await Rpc.InvokeWithCancellationAsync<T>(method, arguments, cancellationToken).ConfigureAwait(false);
            _inFlight.TryRemove(id, out _);
            return result;
        }
        catch (RemoteInvocationException e)
        {
            _inFlight.TryRemove(id, out _);
            throw Translate(e);
        }
        catch (Exception e) when (e is ConnectionLostException or ObjectDisposedException or RemoteRpcException || (e is OperationCanceledException && IsDead))
        {
            // Kept in flight: the worker died during it, and the log names it.
            throw Gone(e);
        }
        catch
        {
            _inFlight.TryRemove(id, out _);
            throw;
        }
    }

    public Task InvokeAsync(string method, object?[] arguments, string operation, CancellationToken cancellationToken) =>
        InvokeAsync<object?>(method, arguments, operation, cancellationToken);

    /// <summary>The error a request gets once the worker is gone.</summary>
    public TelephonyException Gone(Exception? inner = null) =>
        new(TelephonyError.OperationFailed, $"Plugin '{_plugin}' is not running: {(IsDead ? _failed.Task.Result : "its worker's channel closed")}.", inner);

    /// <summary>Takes the worker down (hung, over its memory, or no longer wanted): kills the process; <see cref="Failed"/> completes with <paramref name="cause"/>.</summary>
    public void Kill(string cause)
    {
        Interlocked.CompareExchange(ref _firstCause, cause, null);
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // exited already
        }
    }

    /// <summary>Ends the worker as the host stops or the plugin leaves: the channel closes (the worker exits on its own), then the process is killed if it lingers.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        Interlocked.CompareExchange(ref _firstCause, "stopped by the host", null);
        await _stop.CancelAsync().ConfigureAwait(false);
        _rpc?.Dispose();
        try
        {
            // Its session has ended already: a worker that does not leave at once is not waited for (the host's stop is bounded).
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMilliseconds(300)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Kill("stopped by the host");
        }

        _failed.TrySetResult(_firstCause ?? "stopped by the host");
        _process.Dispose();
    }

    private JsonRpc Rpc => _rpc ?? throw Gone();

    private static ProcessStartInfo StartInfo(string folder, string socketPath, long memoryLimit)
    {
        var (file, leading) = WorkerCommand.Resolve();
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = false };
        foreach (var argument in leading.Concat(["worker", "--plugin", folder, "--connect", socketPath]))
        {
            start.ArgumentList.Add(argument);
        }

        // R15: the runtime enforces the plugin's memory limit (an allocation past it fails and ends the
        // worker); the rest keeps an idle worker small: workstation GC without its background thread,
        // a small first generation, no profile-guided re-compilation.
        start.Environment["DOTNET_GCHeapHardLimit"] = memoryLimit.ToString("X", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_gcConcurrent"] = "0";
        start.Environment["DOTNET_GCgen0size"] = "0x200000";
        start.Environment["DOTNET_TieredPGO"] = "0";
        return start;
    }

    private void Connect(Socket socket)
    {
        // The worker's notifications are handled on the channel's reading loop itself, one after another, in the order
        // they came and before the reply that followed them (the handlers only queue work for the engine, never wait).
        _rpc = WorkerChannel.Create(new NetworkStream(socket, ownsSocket: true), Callbacks, InlineSynchronizationContext.Instance);
        _rpc.Disconnected += (_, e) => _ = Task.Run(async () =>
        {
            try
            {
                // A worker that died closes its channel first: its exit, not the closed channel, is the cause.
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
            catch (TimeoutException) when (!_stopping)
            {
                Kill($"its channel closed ({e.Description})");
            }
        });
        _rpc.StartListening();
    }

    /// <summary>Watches the process and its heartbeat until it ends.</summary>
    private void Watch()
    {
        _ = Task.Run(async () =>
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
            var operation = _inFlight.OrderBy(o => o.Key).Select(o => o.Value).FirstOrDefault(); // the oldest request still waiting
            var cause = _firstCause is { } c && c != "stopped by the host" ? $"{c}; its worker process (pid {_process.Id}) was killed" : $"its worker process (pid {_process.Id}) {ExitDescription()}";
            _failed.TrySetResult($"{cause}{(operation is null ? "" : $", during {operation}")}{LastErrors()}");
            _rpc?.Dispose();
        });
        _ = Task.Run(HeartbeatAsync);
    }

    private async Task HeartbeatAsync()
    {
        using var timer = new PeriodicTimer(_settings.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false) && !IsDead)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(_settings.HeartbeatTimeout);
                var ping = _rpc!.InvokeWithCancellationAsync<WorkerStatus>(nameof(IWorkerService.PingAsync), [], CancellationToken.None);
                try
                {
                    // Measured here, by the host: a worker that does not answer is hung, whatever it thinks.
                    await ping.WaitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                    Kill($"it stopped answering (no heartbeat within {_settings.HeartbeatTimeout.TotalSeconds:0.#} s)");
                    return;
                }

                // The GC heap hard limit catches managed allocations; memory the GC does not see (native
                // allocations) is caught here, at twice the limit, leaving room for the runtime itself.
                MemoryBytes = ResidentBytes() ?? ping.Result.WorkingSetBytes;
                if (MemoryBytes > 2 * _memoryLimit)
                {
                    Kill($"its resident memory reached {MemoryBytes / (1024 * 1024)} MB, over twice its memory limit of {_memoryLimit / (1024 * 1024)} MB");
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionLostException or ObjectDisposedException or RemoteInvocationException)
        {
            // the worker ended: the exit watcher reports it
        }
    }

    /// <summary>The worker's resident set size from /proc (Linux), counting native memory the GC does not see.</summary>
    private long? ResidentBytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return kilobytes is null ? null : long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private string ExitDescription()
    {
        if (!_process.HasExited)
        {
            return "is still running";
        }

        var code = _process.ExitCode;
        if (code == WorkerMain.MemoryLimitExitCode)
        {
            return $"exited with code {code}: it passed its memory limit of {_memoryLimit / (1024 * 1024)} MB";
        }

        // A process the kernel ended with signal N is reported as 128 + N.
        return code is > 128 and < 128 + 32
            ? $"was killed by signal {code - 128}{(code - 128 < s_signals.Length ? $" ({s_signals[code - 128]})" : "")}"
            : $"exited with code {code}";
    }

    private string LastErrors() => _lastErrors.IsEmpty ? "" : $"; it wrote: {string.Join(" | ", _lastErrors)}";

    private void OnOutput(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        _logger.LogWarning("[{Plugin}] worker: {Line}", _plugin, line);
        _lastErrors.Enqueue(line.Length > 300 ? line[..300] + "..." : line);
        while (_lastErrors.Count > 3)
        {
            _lastErrors.TryDequeue(out _);
        }
    }

    private Exception Translate(RemoteInvocationException e) => e.ErrorCode switch
    {
        >= WorkerErrors.Telephony and < WorkerErrors.Plugin => new TelephonyException((TelephonyError)(e.ErrorCode - WorkerErrors.Telephony), e.Message, e),
        WorkerErrors.Unknown => new TelephonyException(TelephonyError.NoDevice, e.Message, e),
        _ => new PluginFailureException(_plugin, e.Message, e),
    };
}

/// <summary>Runs what StreamJsonRpc posts at once, on the posting thread: its reading loop, for the host's notification handlers.</summary>
internal sealed class InlineSynchronizationContext : SynchronizationContext
{
    public static readonly InlineSynchronizationContext Instance = new();

    public override void Post(SendOrPostCallback d, object? state) => d(state);

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;
}

/// <summary>A plugin in a worker threw something other than a <see cref="TelephonyException"/>; the message names the plugin and the exception.</summary>
public sealed class PluginFailureException(string plugin, string message, Exception? inner = null) : Exception($"Plugin '{plugin}': {message}", inner);

/// <summary>How the host starts a worker: itself, with the <c>worker</c> verb.</summary>
internal static class WorkerCommand
{
    /// <summary>The program and the arguments before <c>worker</c>: <c>tsphost</c>, or <c>dotnet tsphost.dll</c> when run that way.</summary>
    public static (string File, string[] Leading) Resolve()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "tsphost.dll");
        var process = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(process) == "tsphost")
        {
            return (process, []);
        }

        var apphost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "tsphost.exe" : "tsphost");
        if (File.Exists(apphost))
        {
            return (apphost, []);
        }

        return (Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet", [beside]);
    }
}
