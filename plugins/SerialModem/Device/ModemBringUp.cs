using TspHost.Abstractions;
using TspHost.Plugins.SerialModem.Configuration;
using TspHost.Plugins.SerialModem.Engine;

namespace TspHost.Plugins.SerialModem.Device;

/// <summary>The steps that make a freshly opened modem usable, in order.</summary>
internal enum BringUpStep
{
    /// <summary><c>ATZ</c>: back to the stored profile; the result format is unknown until the next step.</summary>
    Reset,
    /// <summary><c>ATE0V1</c>, <c>ATX4</c>, <c>ATS0=0</c>: no echo, verbose results, BUSY and NO DIALTONE reported, no auto answer.</summary>
    Configure,
    /// <summary>The extra init commands from the settings.</summary>
    ExtraInit,
    /// <summary><c>AT+GMI</c>, <c>AT+GMM</c>: manufacturer and model.</summary>
    Identify,
    /// <summary><c>AT+VCID=1</c>, else <c>AT#CID=1</c>, else no caller ID: never a reason to stay out of service.</summary>
    CallerId,
}

/// <summary>What bring-up learnt about the modem.</summary>
internal sealed record ModemIdentity(string? Manufacturer, string? Model, string? CallerIdCommand)
{
    public string? Description => (Manufacturer, Model) switch
    {
        (null, null) => null,
        (_, null) => Manufacturer,
        (null, _) => Model,
        _ => $"{Manufacturer} {Model}",
    };
}

/// <summary>Runs the bring-up steps, checking for cancellation before each.</summary>
internal sealed class ModemBringUp(AtEngine engine, ModemSettings settings, IBackendLog log)
{
    public async Task<ModemIdentity> RunAsync(CancellationToken cancellationToken)
    {
        string? manufacturer = null, model = null, callerId = null;
        foreach (var step in Enum.GetValues<BringUpStep>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            log.Log(BackendLogLevel.Debug, $"{settings.Id} ({settings.Port}): bring-up step {step}.");
            switch (step)
            {
                case BringUpStep.Reset:
                    engine.NumericResults = true;
                    await RequireAsync("ATZ", step, cancellationToken).ConfigureAwait(false);
                    break;
                case BringUpStep.Configure:
                    await RequireAsync("ATE0V1", step, cancellationToken).ConfigureAwait(false);
                    engine.NumericResults = false;
                    if (await ProbeAsync("ATX4", cancellationToken).ConfigureAwait(false) != Probe.Accepted)
                    {
                        log.Log(BackendLogLevel.Warning, $"{Name}: the modem refused ATX4; BUSY and NO DIALTONE may be reported as NO CARRIER.");
                    }

                    await RequireAsync("ATS0=0", step, cancellationToken).ConfigureAwait(false);
                    break;
                case BringUpStep.ExtraInit:
                    foreach (var command in settings.InitCommands)
                    {
                        await RequireAsync(command, step, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case BringUpStep.Identify:
                    manufacturer = await QueryAsync("AT+GMI", cancellationToken).ConfigureAwait(false);
                    model = await QueryAsync("AT+GMM", cancellationToken).ConfigureAwait(false);
                    break;
                case BringUpStep.CallerId:
                    callerId = await FirstAcceptedAsync(["AT+VCID=1", "AT#CID=1"], cancellationToken).ConfigureAwait(false);
                    if (callerId is null)
                    {
                        log.Log(BackendLogLevel.Information, $"{Name}: the modem has no caller ID; incoming calls come without a number.");
                    }

                    break;
                default:
                    throw new InvalidOperationException($"Unknown bring-up step {step}.");
            }
        }

        return new ModemIdentity(manufacturer, model, callerId);
    }

    private string Name => $"{settings.Id} ({settings.Port})";

    private async Task RequireAsync(string command, BringUpStep step, CancellationToken cancellationToken)
    {
        var response = await engine.SendAsync(command, settings.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (!response.IsOk)
        {
            throw new TelephonyException(
                TelephonyError.NoDevice,
                $"{settings.Id} ({settings.Port}): bring-up step {step} failed: the modem answered {command} with {response.Final.Line}.");
        }
    }

    /// <summary>
    /// Sends a command the modem may not know. Only a verbose OK accepts it: modems that do not know
    /// a command answer ERROR, a numeric code (after ATE0V1), something else, or nothing at all, and
    /// each of these is "not supported". After no answer, one <c>AT</c> tells a modem that ignores the
    /// command from one that is gone: any answer will do (a late answer to the probe included), none
    /// fails the bring-up.
    /// </summary>
    private async Task<Probe> ProbeAsync(string command, CancellationToken cancellationToken)
    {
        try
        {
            var response = await engine.SendAsync(command, settings.CommandTimeout, cancellationToken).ConfigureAwait(false);
            return response is { IsOk: true, Final.IsNumeric: false } ? Probe.Accepted : Probe.Refused;
        }
        catch (AtTimeoutException)
        {
            log.Log(BackendLogLevel.Warning, $"{Name}: the modem gave no answer to {command} within {settings.CommandTimeout.TotalMilliseconds:0} ms; taking it as not supported.");
            _ = await engine.SendAsync("AT", settings.CommandTimeout, cancellationToken).ConfigureAwait(false);
            return Probe.Unanswered;
        }
    }

    private async Task<string?> QueryAsync(string command, CancellationToken cancellationToken)
    {
        var response = await engine.SendAsync(command, settings.CommandTimeout, cancellationToken).ConfigureAwait(false);
        return response.IsOk ? response.Text : null;
    }

    /// <summary>The first of <paramref name="commands"/> the modem accepts; after one it did not answer, no more are tried (a late answer could be taken for the next one's).</summary>
    private async Task<string?> FirstAcceptedAsync(string[] commands, CancellationToken cancellationToken)
    {
        foreach (var command in commands)
        {
            switch (await ProbeAsync(command, cancellationToken).ConfigureAwait(false))
            {
                case Probe.Accepted:
                    return command;
                case Probe.Unanswered:
                    return null;
                case Probe.Refused:
                default:
                    continue;
            }
        }

        return null;
    }

    private enum Probe
    {
        Accepted,
        Refused,
        Unanswered,
    }
}
