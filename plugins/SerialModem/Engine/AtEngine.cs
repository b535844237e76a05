using System.Text;
using TspHost.Abstractions;
using TspHost.Plugins.SerialModem.Parsing;
using TspHost.Plugins.SerialModem.Transport;

namespace TspHost.Plugins.SerialModem.Engine;

/// <summary>
/// Talks AT over a transport: one command in flight at a time with its own timeout (from the
/// injected clock), echo tolerated, information lines collected, final results completing the
/// command, everything else handed to the unsolicited handler. Which results are final depends on
/// the command (<see cref="AtCommandKind"/>): a NO CARRIER while <c>ATH</c> runs goes to the
/// unsolicited handler and ATH waits for its OK, so an OK that trails a NO CARRIER never answers the
/// next command. Disposing, or the port failing, fails every command still pending.
/// </summary>
internal sealed class AtEngine : IModemTransportReceiver, IAsyncDisposable
{
    private readonly IModemTransport _transport;
    private readonly TimeProvider _time;
    private readonly IBackendLog _log;
    private readonly Action<AtResult> _unsolicited;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly AtLineSplitter _splitter = new();
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();
    private AtExchange? _inFlight;
    private Exception? _failure;
    private int _faultRaised;

    public AtEngine(IModemTransport transport, TimeProvider time, IBackendLog log, Action<AtResult> unsolicited)
    {
        _transport = transport;
        _time = time;
        _log = log;
        _unsolicited = unsolicited;
    }

    /// <summary>Raised once when the port fails or the engine is faulted; not raised by <see cref="DisposeAsync"/>.</summary>
    public event Action<Exception>? Faulted;

    /// <summary>
    /// Accept every ATV0 numeric result code, CONNECT at a speed (5, 10 and up) too, while the modem's
    /// result format is not yet known. The one-digit codes are understood at any time.
    /// </summary>
    public bool NumericResults { get; set; }

    public string Description => _transport.Description;

    public ValueTask OpenAsync(CancellationToken cancellationToken) => _transport.OpenAsync(this, cancellationToken);

    /// <summary>Sends <paramref name="command"/> (CR is appended) and waits for its final result.</summary>
    /// <exception cref="AtTimeoutException">No final result within <paramref name="timeout"/>.</exception>
    /// <exception cref="ModemUnavailableException">The port is gone or the engine was disposed.</exception>
    public Task<AtResponse> SendAsync(string command, TimeSpan timeout, CancellationToken cancellationToken, Action<AtResponse>? onFinal = null) =>
        Start(command, timeout, cancellationToken, onFinal).Response;

    /// <summary>Queues <paramref name="command"/>; the returned exchange says when it was written and what came back.</summary>
    /// <param name="command">The command, without the CR.</param>
    /// <param name="timeout">How long the modem may take to give the final result.</param>
    /// <param name="cancellationToken">Cancels the command; with <paramref name="cancelUntilSentOnly"/>, only until it has been written (a dial goes on).</param>
    /// <param name="onFinal">Runs on the reader loop with the final result, before the exchange completes.</param>
    /// <param name="cancelUntilSentOnly">Whether cancellation stops applying once the command is written.</param>
    public AtExchange Start(string command, TimeSpan timeout, CancellationToken cancellationToken, Action<AtResponse>? onFinal = null, bool cancelUntilSentOnly = false)
    {
        var exchange = new AtExchange(command, onFinal);
        _ = RunAsync(exchange, Encoding.ASCII.GetBytes(command + "\r"), TimeSpan.Zero, timeout, cancellationToken, cancelUntilSentOnly);
        return exchange;
    }

    /// <summary>
    /// Leaves online data mode: silence for the guard time, <c>+++</c>, silence again; the modem
    /// answers OK once it is back in command mode.
    /// </summary>
    public Task<AtResponse> EscapeToCommandModeAsync(TimeSpan guardTime, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var exchange = new AtExchange("+++", null);
        _ = RunAsync(exchange, "+++"u8.ToArray(), guardTime, guardTime + timeout, cancellationToken, cancelUntilSentOnly: false);
        return exchange.Response;
    }

    /// <summary>Writes a lone CR: any character aborts a dial in progress (the modem answers NO CARRIER).</summary>
    public async Task AbortDialAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        await _transport.WriteAsync("\r"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Treats the modem as gone: fails what is pending and raises <see cref="Faulted"/>.</summary>
    public void Fault(Exception error) => OnFaulted(error);

    public async ValueTask DisposeAsync()
    {
        Fail(new ModemUnavailableException($"{_transport.Description} was closed."));
        await _transport.DisposeAsync().ConfigureAwait(false);
    }

    void IModemTransportReceiver.OnReceived(ReadOnlySpan<byte> data)
    {
        _lines.Clear();
        _splitter.Feed(data, _lines);
        foreach (var line in _lines)
        {
            HandleLine(line);
        }
    }

    void IModemTransportReceiver.OnFaulted(Exception error) => OnFaulted(error);

    private void OnFaulted(Exception error)
    {
        var failure = error as ModemUnavailableException ?? new ModemUnavailableException($"{_transport.Description}: {error.Message}", error);
        Fail(failure);
        if (Interlocked.Exchange(ref _faultRaised, 1) == 0)
        {
            Faulted?.Invoke(failure);
        }
    }

    private void Fail(Exception failure)
    {
        AtExchange? inFlight;
        lock (_lock)
        {
            _failure ??= failure;
            inFlight = _inFlight;
            _inFlight = null;
        }

        inFlight?.Fail(failure);
    }

    private void ThrowIfFailed()
    {
        lock (_lock)
        {
            if (_failure is not null)
            {
                throw new ModemUnavailableException(_failure.Message, _failure);
            }
        }
    }

    private async Task RunAsync(AtExchange exchange, byte[] bytes, TimeSpan guardTime, TimeSpan timeout, CancellationToken cancellationToken, bool cancelUntilSentOnly)
    {
        var entered = false;
        try
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            entered = true;
            if (guardTime > TimeSpan.Zero)
            {
                await Task.Delay(guardTime, _time, cancellationToken).ConfigureAwait(false);
            }

            lock (_lock)
            {
                if (_failure is not null)
                {
                    throw new ModemUnavailableException(_failure.Message, _failure);
                }

                _inFlight = exchange;
            }

            _log.Log(BackendLogLevel.Trace, $"{_transport.Description} <- {exchange.Command}");
            await _transport.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            exchange.MarkSent();
            try
            {
                await exchange.Response.WaitAsync(timeout, _time, cancelUntilSentOnly ? CancellationToken.None : cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException) when (!exchange.Response.IsCompleted)
            {
                AtResult? callProgress;
                lock (_lock)
                {
                    callProgress = exchange.CallProgress;
                }

                if (callProgress is { } answered)
                {
                    // The modem answered, only not with OK or ERROR (ATH answered NO CARRIER alone): it is there.
                    Finish(exchange, answered);
                }
                else
                {
                    exchange.Fail(new AtTimeoutException(exchange.Command, timeout));
                }
            }
        }
        catch (Exception error)
        {
            exchange.Fail(error);
        }
        finally
        {
            lock (_lock)
            {
                if (_inFlight == exchange)
                {
                    _inFlight = null;
                }
            }

            if (entered)
            {
                _gate.Release();
            }
        }
    }

    private void HandleLine(string line)
    {
        _log.Log(BackendLogLevel.Trace, $"{_transport.Description} -> {line}");
        AtExchange? exchange;
        lock (_lock)
        {
            exchange = _inFlight;
        }

        if (exchange is not null && !exchange.FirstLineSeen)
        {
            exchange.FirstLineSeen = true;
            if (string.Equals(line, exchange.Command, StringComparison.OrdinalIgnoreCase))
            {
                return; // echo (ATE1, or before ATE0 took effect)
            }
        }

        if (CallerIdParser.TryParse(line, out _))
        {
            _unsolicited(new AtResult(AtResultCode.Text, line));
            return;
        }

        var result = AtResultParser.Parse(line, NumericResults);
        switch (AtResultParser.Classify(result, exchange?.Kind))
        {
            case AtLineRole.Information:
                exchange!.Lines.Add(line);
                break;
            case AtLineRole.Final:
                Finish(exchange!, result);
                break;
            case AtLineRole.CallProgress:
                lock (_lock)
                {
                    exchange!.CallProgress ??= result;
                }

                _unsolicited(result);
                break;
            case AtLineRole.Unsolicited:
            default:
                _unsolicited(result);
                break;
        }
    }

    private void Finish(AtExchange exchange, AtResult result)
    {
        lock (_lock)
        {
            if (_inFlight != exchange)
            {
                return;
            }

            _inFlight = null;
        }

        var response = new AtResponse(exchange.Command, [.. exchange.Lines], result);
        try
        {
            exchange.OnFinal?.Invoke(response);
        }
        catch (Exception error)
        {
            _log.Log(BackendLogLevel.Error, $"{_transport.Description}: handling '{result.Line}' for {exchange.Command} failed.", error);
        }

        exchange.Complete(response);
    }
}
