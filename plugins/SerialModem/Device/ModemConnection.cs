using Polly;
using Polly.Retry;
using TspHost.Abstractions;
using TspHost.Plugins.SerialModem.Configuration;
using TspHost.Plugins.SerialModem.Engine;
using TspHost.Plugins.SerialModem.Parsing;
using TspHost.Plugins.SerialModem.Transport;

namespace TspHost.Plugins.SerialModem.Device;

/// <summary>What a connection reports to its line.</summary>
internal interface IModemConnectionOwner
{
    /// <summary>A line the modem sent on its own (RING, caller ID, NO CARRIER). Called on the reader loop.</summary>
    void OnUnsolicited(AtResult result);

    /// <summary>The modem came up (bring-up done) or went away.</summary>
    void OnServiceChanged(bool inService, string reason);

    /// <summary>Whether the modem is idle (no call): only then may it be polled, as AT in data mode would be data.</summary>
    bool CanPoll { get; }
}

/// <summary>
/// Keeps one modem connected for the length of a session: opens the port, runs bring-up, and when
/// the port fails or the modem stops answering, closes it and tries again with backoff (Polly),
/// reporting the line out of service meanwhile. Only the configured port is ever opened.
/// </summary>
internal sealed class ModemConnection : IAsyncDisposable
{
    private readonly ModemSettings _settings;
    private readonly TimeProvider _time;
    private readonly IBackendLog _log;
    private readonly IModemConnectionOwner _owner;
    private readonly Func<ModemSettings, IModemTransport> _transportFactory;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private AtEngine? _engine;
    private Task? _loop;

    public ModemConnection(ModemSettings settings, TimeProvider time, IBackendLog log, IModemConnectionOwner owner, Func<ModemSettings, IModemTransport> transportFactory)
    {
        _settings = settings;
        _time = time;
        _log = log;
        _owner = owner;
        _transportFactory = transportFactory;
    }

    /// <summary>Completes when the first attempt to bring the modem up has succeeded or failed.</summary>
    public Task FirstAttempt => _firstAttempt.Task;

    /// <summary>What the last successful bring-up learnt.</summary>
    public ModemIdentity? Identity { get; private set; }

    /// <summary>The engine of the modem while it is in service, else <c>null</c>.</summary>
    public AtEngine? Engine
    {
        get
        {
            lock (_lock)
            {
                return _engine;
            }
        }
    }

    public void Start() => _loop = RunAsync(_stop.Token);

    /// <summary>A command got no answer: the modem is treated as gone and reconnected.</summary>
    public void ReportNotAnswering(Exception error) => Engine?.Fault(error);

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    private string Name => $"{_settings.Id} ({_settings.Port})";

    private ResiliencePipeline BuildPipeline() => new ResiliencePipelineBuilder { TimeProvider = _time }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = false,
            Delay = _settings.ReconnectDelay,
            MaxDelay = _settings.ReconnectMaxDelay,
            OnRetry = args =>
            {
                var reason = args.Outcome.Exception?.Message ?? "unknown failure";
                _log.Log(BackendLogLevel.Error, $"{Name}: the modem is not usable: {reason} Retrying in {args.RetryDelay.TotalMilliseconds:0} ms.", args.Outcome.Exception);
                _owner.OnServiceChanged(false, reason);
                _firstAttempt.TrySetResult();
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    private async Task RunAsync(CancellationToken stop)
    {
        var pipeline = BuildPipeline();
        try
        {
            while (true)
            {
                var (engine, lost) = await pipeline.ExecuteAsync(static (self, ct) => self.ConnectOnceAsync(ct), this, stop).ConfigureAwait(false);
                lock (_lock)
                {
                    _engine = engine;
                }

                _log.Log(BackendLogLevel.Information, $"{Name}: in service ({Identity?.Description ?? "unidentified modem"}).");
                _owner.OnServiceChanged(true, "ready");
                _firstAttempt.TrySetResult();
                Exception reason;
                try
                {
                    reason = await WatchAsync(engine, lost, stop).ConfigureAwait(false);
                }
                finally
                {
                    lock (_lock)
                    {
                        _engine = null;
                    }

                    await engine.DisposeAsync().ConfigureAwait(false);
                }

                _log.Log(BackendLogLevel.Warning, $"{Name}: out of service: {reason.Message}", reason);
                _owner.OnServiceChanged(false, reason.Message);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the session ended
        }
        finally
        {
            _firstAttempt.TrySetResult();
        }
    }

    /// <summary>
    /// Waits until the modem is lost. An idle modem is asked <c>AT</c> every poll interval: a serial
    /// line with CLOCAL reports no hang-up when the cable is pulled, so silence is the only sign.
    /// </summary>
    private async Task<Exception> WatchAsync(AtEngine engine, Task<Exception> lost, CancellationToken stop)
    {
        if (_settings.PollInterval <= TimeSpan.Zero)
        {
            return await lost.WaitAsync(stop).ConfigureAwait(false);
        }

        while (true)
        {
            var tick = Task.Delay(_settings.PollInterval, _time, stop);
            if (await Task.WhenAny(lost, tick).ConfigureAwait(false) == lost)
            {
                return await lost.ConfigureAwait(false);
            }

            await tick.ConfigureAwait(false); // throws when the session ends
            if (!_owner.CanPoll)
            {
                continue;
            }

            try
            {
                await engine.SendAsync("AT", _settings.CommandTimeout, stop).ConfigureAwait(false);
            }
            catch (AtTimeoutException error)
            {
                engine.Fault(error);
            }
            catch (ModemUnavailableException)
            {
                // the port went away; lost completes
            }
        }
    }

    private async ValueTask<(AtEngine Engine, Task<Exception> Lost)> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        var engine = new AtEngine(_transportFactory(_settings), _time, _log, _owner.OnUnsolicited);
        var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.Faulted += error => lost.TrySetResult(error);
        try
        {
            await engine.OpenAsync(cancellationToken).ConfigureAwait(false);
            Identity = await new ModemBringUp(engine, _settings, _log).RunAsync(cancellationToken).ConfigureAwait(false);
            return (engine, lost.Task);
        }
        catch
        {
            await engine.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
