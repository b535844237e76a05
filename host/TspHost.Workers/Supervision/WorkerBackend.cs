using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using TspHost.Abstractions;
using TspHost.Core.Configuration;
using TspHost.Core.Lifecycle;
using TspHost.Core.Plugins;
using TspHost.Workers.Channel;

namespace TspHost.Workers.Supervision;

/// <summary>
/// A plugin that runs in a worker process, as the engine sees it: an <see cref="ITelephonyBackend"/>
/// whose every member crosses to the worker, and the worker's supervisor (R15). When the worker fails
/// (exits, hangs, outgrows its memory) the engine is told at once (<see cref="IBackendFaults"/>): the
/// plugin's devices go out of service and everything pending on them fails. The worker is then started
/// again after a pause that doubles with each failure in a row (Polly retry), its session restarted and
/// handed to the engine, which takes the devices back by key with their IDs. After
/// <see cref="WorkerSettings.MaxFailures"/> failures within <see cref="WorkerSettings.FailureWindow"/>
/// the circuit opens (Polly circuit breaker): the plugin is held out of service for
/// <see cref="WorkerSettings.HoldOut"/>, then tried once more.
/// </summary>
public sealed class WorkerBackend : ITelephonyBackend, IPluginHealthSource, IDisposable
{
    private readonly string _folder;
    private readonly WorkerSettings _settings;
    private readonly long _memoryLimit;
    private readonly string _socketDirectory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly ResiliencePipeline _restarts;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private TaskCompletionSource<WorkerProcess> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WorkerProcess? _adopt;
    private WorkerProcess? _current;
    private ActiveSession? _session;
    private PluginHealth _health;
    private int _failuresInARow;
    private Task _supervisor = Task.CompletedTask;

    private WorkerBackend(string name, string folder, WorkerSettings settings, long memoryLimit, string socketDirectory, ILogger logger, TimeProvider time)
    {
        Name = name;
        _folder = folder;
        _settings = settings;
        _memoryLimit = memoryLimit;
        _socketDirectory = socketDirectory;
        _logger = logger;
        _time = time;
        _health = new PluginHealth(name, null, WorkerState.Starting, 0, null, memoryLimit, time.GetUtcNow(), null);
        _restarts = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args => new ValueTask<TimeSpan?>(RestartDelay(args.Outcome.Exception)),
                OnRetry = args =>
                {
                    // Held out (the circuit opened on this very failure, or is open): the state says so until the hold-out ends.
                    if (args.Outcome.Exception is not BrokenCircuitException && _circuit.CircuitState != CircuitState.Open)
                    {
                        SetHealth(WorkerState.Restarting, null, Describe(args.Outcome.Exception), restarted: true);
                        _logger.LogWarning("Plugin '{Plugin}': starting its worker again in {Delay} ms", Name, (int)args.RetryDelay.TotalMilliseconds);
                    }

                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                FailureRatio = 1.0,
                MinimumThroughput = settings.MaxFailures,
                SamplingDuration = settings.FailureWindow,
                BreakDuration = settings.HoldOut,
                StateProvider = _circuit,
                OnOpened = args =>
                {
                    var why = $"held out of service: it failed {settings.MaxFailures} times within {settings.FailureWindow.TotalSeconds:0} s " +
                        $"(last: {Describe(args.Outcome.Exception)}); next try in {settings.HoldOut.TotalSeconds:0} s";
                    SetHealth(WorkerState.HeldOut, null, why, restarted: false);
                    _logger.LogError("Plugin '{Plugin}' is {Why}", Name, why);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    SetHealth(WorkerState.Restarting, null, "trying again after its hold-out", restarted: false);
                    return default;
                },
            })
            .Build();
    }

    public string Name { get; }

    public PluginHealth Health
    {
        get
        {
            lock (_lock)
            {
                return _health with { MemoryBytes = _current?.MemoryBytes };
            }
        }
    }

    /// <summary>Starts the plugin's worker and waits until it has loaded the plugin, then supervises it.</summary>
    /// <exception cref="PluginLoadException">The worker did not start or could not load the plugin.</exception>
    internal static async Task<WorkerBackend> StartAsync(string name, string folder, WorkerSettings settings, long memoryLimit, string socketDirectory, ILogger logger,
        TimeProvider time)
    {
        var backend = new WorkerBackend(name, folder, settings, memoryLimit, socketDirectory, logger, time);
        var first = await WorkerProcess.StartAsync(name, folder, settings, memoryLimit, socketDirectory, logger, backend._stop.Token).ConfigureAwait(false);
        backend._adopt = first;
        backend._supervisor = Task.Run(backend.SuperviseAsync);
        return backend;
    }

    public void ValidateSettings(BackendSettings settings)
    {
        // The contract's check is synchronous; the engine runs it off its own threads and bounded, so this waits for the worker's answer.
        var problem = RunOnWorker(w => w.InvokeAsync<SettingsProblemDto?>(nameof(IWorkerService.ValidateSettingsAsync), [SettingsDto.From(settings)], "checking its settings",
            CancellationToken.None)).GetAwaiter().GetResult();
        if (problem is null)
        {
            return;
        }

        throw problem.Key is null
            ? new PluginFailureException(Name, problem.Message)
            : new BackendConfigurationException(problem.Source ?? settings.Source, problem.Key, problem.ActualValue, problem.ExpectedForm ?? "");
    }

    public ValueTask InstallAsync(BackendHookContext context, CancellationToken cancellationToken) => Hook(HookKind.Install, context, cancellationToken);

    public ValueTask ConfigureAsync(BackendHookContext context, CancellationToken cancellationToken) => Hook(HookKind.Configure, context, cancellationToken);

    public ValueTask RemoveAsync(BackendHookContext context, CancellationToken cancellationToken) => Hook(HookKind.Remove, context, cancellationToken);

    public async ValueTask<IBackendSession> StartSessionAsync(BackendSessionContext context, CancellationToken cancellationToken)
    {
        var worker = await RunningAsync(cancellationToken).ConfigureAwait(false);
        var session = await StartSessionOnAsync(worker, context.Settings, context.Events, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _session = new ActiveSession(context.Settings, context.Events, session);
        }

        return session;
    }

    /// <summary>Ends the worker (the plugin unloads or the host stops).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        WorkerProcess? worker;
        lock (_lock)
        {
            worker = _current ?? _adopt;
            _current = _adopt = null;
            _health = _health with { State = WorkerState.Stopped, ProcessId = null, Since = _time.GetUtcNow() };
        }

        if (worker is not null)
        {
            worker.Callbacks.Closed = true;
            worker.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _running.TrySetException(new TelephonyException(TelephonyError.OperationFailed, $"Plugin '{Name}' was stopped."));
    }

    private async ValueTask Hook(HookKind hook, BackendHookContext context, CancellationToken cancellationToken) =>
        await RunOnWorker(w => w.InvokeAsync(nameof(IWorkerService.RunHookAsync), [hook, SettingsDto.From(context.Settings)], $"its {hook.ToString().ToLowerInvariant()} hook",
            cancellationToken), cancellationToken).ConfigureAwait(false);

    private async Task<T> RunOnWorker<T>(Func<WorkerProcess, Task<T>> call, CancellationToken cancellationToken = default) =>
        await call(await RunningAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    private async Task RunOnWorker(Func<WorkerProcess, Task> call, CancellationToken cancellationToken = default) =>
        await call(await RunningAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>The running worker; while it restarts, waits for it (bounded); held out, fails at once.</summary>
    private async Task<WorkerProcess> RunningAsync(CancellationToken cancellationToken)
    {
        Task<WorkerProcess> running;
        lock (_lock)
        {
            if (_current is { IsDead: false } current)
            {
                return current;
            }

            if (_health.State == WorkerState.HeldOut)
            {
                throw new TelephonyException(TelephonyError.OperationFailed, $"Plugin '{Name}' is {_health.Reason}.");
            }

            running = _running.Task;
        }

        try
        {
            return await running.WaitAsync(_settings.StartTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new TelephonyException(TelephonyError.OperationFailed, $"Plugin '{Name}' is not running ({Health.Reason ?? "its worker is starting"}).", e);
        }
    }

    private async Task<RemoteSession> StartSessionOnAsync(WorkerProcess worker, BackendSettings settings, ISessionEvents events, CancellationToken cancellationToken)
    {
        var dto = await worker.InvokeAsync<SessionDto>(nameof(IWorkerService.StartSessionAsync), [SettingsDto.From(settings)], "starting its session", cancellationToken)
            .ConfigureAwait(false);
        worker.Callbacks.Clear();
        worker.Callbacks.Session = events;
        return new RemoteSession(worker, [.. dto.Lines.Select(worker.Callbacks.AddLine)], [.. dto.Phones.Select(worker.Callbacks.AddPhone)], EndSessionAsync);
    }

    private async ValueTask EndSessionAsync(RemoteSession session)
    {
        lock (_lock)
        {
            if (_session?.Session == session)
            {
                _session = null;
            }
        }

        session.Worker.Callbacks.Session = null;
        if (!session.Worker.IsDead)
        {
            try
            {
                await session.Worker.InvokeAsync(nameof(IWorkerService.EndSessionAsync), [], "ending its session", CancellationToken.None).ConfigureAwait(false);
            }
            catch (TelephonyException)
            {
                // the worker died meanwhile: its session ended with it
            }
        }
    }

    /// <summary>Runs the plugin's workers one after another until the host stops: each run ends when its worker fails.</summary>
    private async Task SuperviseAsync()
    {
        try
        {
            await _restarts.ExecuteAsync(RunWorkerAsync, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the host stops
        }
    }

    /// <summary>One worker's life: started (or the first one adopted), its session brought back if one runs, then watched until it fails.</summary>
    private async ValueTask RunWorkerAsync(CancellationToken cancellationToken)
    {
        var worker = Interlocked.Exchange(ref _adopt, null)
            ?? await WorkerProcess.StartAsync(Name, _folder, _settings, _memoryLimit, _socketDirectory, _logger, cancellationToken).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        try
        {
            ActiveSession? session;
            lock (_lock)
            {
                session = _session;
            }

            if (session?.Events is IBackendFaults faults)
            {
                // R15: the plugin is back: a new session on the new worker, whose devices the engine takes back by key.
                var restored = await StartSessionOnAsync(worker, session.Settings, session.Events, cancellationToken).ConfigureAwait(false);
                lock (_lock)
                {
                    _session = session with { Session = restored };
                }

                await faults.SessionRestoredAsync(restored).ConfigureAwait(false);
            }

            Publish(worker);
            await worker.Failed.WaitAsync(cancellationToken).ConfigureAwait(false);
            throw new WorkerFailedException("");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever failed (the worker, or bringing its session back), the worker goes; its exit says best what happened:
            // one that died by itself is reported with its own exit code or signal, one still running is killed.
            string reason;
            try
            {
                reason = await worker.Failed.WaitAsync(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                worker.Kill(Describe(e));
                try
                {
                    reason = await worker.Failed.WaitAsync(TimeSpan.FromSeconds(5), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    reason = Describe(e);
                }
            }

            Fail(worker, reason);
            if (_time.GetElapsedTime(started) >= _settings.FailureWindow)
            {
                _failuresInARow = 0; // it ran long enough to count as recovered: the next pause is the shortest again
            }

            throw new WorkerFailedException(reason);
        }
    }

    private void Publish(WorkerProcess worker)
    {
        TaskCompletionSource<WorkerProcess> running;
        lock (_lock)
        {
            _current = worker;
            running = _running;
            _health = _health with { State = WorkerState.Running, ProcessId = worker.ProcessId, Since = _time.GetUtcNow() };
        }

        running.TrySetResult(worker);
        _logger.LogInformation("Plugin '{Plugin}' runs in worker process {Pid}", Name, worker.ProcessId);
    }

    /// <summary>R15: the worker failed: late notifications are dropped, the engine takes the devices out of service, callers wait for the next worker.</summary>
    private void Fail(WorkerProcess worker, string reason)
    {
        ActiveSession? session;
        lock (_lock)
        {
            if (_current == worker)
            {
                _current = null;
                _running = new TaskCompletionSource<WorkerProcess>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            session = _session;
            _health = _health with { State = WorkerState.Restarting, ProcessId = null, Since = _time.GetUtcNow(), Reason = reason };
        }

        _logger.LogError("Plugin '{Plugin}' failed: {Reason}", Name, reason);
        // After whatever the worker sent before it died: nothing of it is delivered once its devices went out of service.
        worker.Callbacks.Close(() =>
        {
            if (session?.Events is IBackendFaults faults && session.Session.Worker == worker)
            {
                faults.SessionFailed(reason);
            }
        });
    }

    private TimeSpan? RestartDelay(Exception? failure)
    {
        if (failure is BrokenCircuitException broken)
        {
            return broken.RetryAfter ?? _settings.HoldOut;
        }

        var inARow = Interlocked.Increment(ref _failuresInARow) - 1;
        var delay = _settings.RestartDelay * Math.Pow(2, Math.Min(inARow, 20));
        return delay < _settings.MaxRestartDelay ? delay : _settings.MaxRestartDelay;
    }

    private void SetHealth(WorkerState state, int? pid, string? reason, bool restarted)
    {
        lock (_lock)
        {
            _health = _health with
            {
                State = state,
                ProcessId = pid,
                Since = _time.GetUtcNow(),
                Reason = reason ?? _health.Reason,
                Restarts = _health.Restarts + (restarted ? 1 : 0),
            };
        }
    }

    private static string Describe(Exception? e) => e switch
    {
        null => "unknown",
        WorkerFailedException or PluginLoadException => e.Message,
        BrokenCircuitException => "held out of service",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private sealed record ActiveSession(BackendSettings Settings, ISessionEvents Events, RemoteSession Session);
}

/// <summary>A plugin's worker failed; the message says how (exit code or signal, hang, memory) and during what.</summary>
internal sealed class WorkerFailedException(string message) : Exception(message);
