using TspHost.Abstractions;
using TspHost.Plugins.SerialModem.Configuration;
using TspHost.Plugins.SerialModem.Device;

namespace TspHost.Plugins.SerialModem;

/// <summary>
/// Hayes / V.250 AT-command modems on serial ports or TCP serial servers: one line per configured
/// modem. Nothing but the configured ports is ever opened.
/// </summary>
public sealed class SerialModemBackend : ITelephonyBackend
{
    /// <inheritdoc />
    public string Name => "SerialModem";

    /// <inheritdoc />
    public void ValidateSettings(BackendSettings settings) => _ = ModemSettingsReader.Read(settings);

    /// <inheritdoc />
    public ValueTask InstallAsync(BackendHookContext context, CancellationToken cancellationToken) => Check(context);

    /// <inheritdoc />
    public ValueTask ConfigureAsync(BackendHookContext context, CancellationToken cancellationToken) => Check(context);

    /// <inheritdoc />
    public ValueTask RemoveAsync(BackendHookContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask<IBackendSession> StartSessionAsync(BackendSessionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var lines = ModemSettingsReader.Read(context.Settings).Select(m => new ModemLine(m, context.Time, context.Log)).ToList();
        var session = new SerialModemSession(lines);
        foreach (var line in lines)
        {
            line.Start();
        }

        try
        {
            // Wait for one bring-up attempt per modem, so the identity is in the capabilities the host
            // reads when it maps the lines; a modem that failed keeps retrying out of service.
            await Task.WhenAll(lines.Select(l => l.FirstAttempt)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return session;
    }

    private static ValueTask Check(BackendHookContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var modems = ModemSettingsReader.Read(context.Settings);
        if (modems.Count == 0)
        {
            context.Log.Log(BackendLogLevel.Warning, "SerialModem: no modem is configured (Modem1:Port = /dev/ttyUSB0 or tcp://host:port); no line will appear.");
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The lines of one session; disposing closes every port.</summary>
internal sealed class SerialModemSession(IReadOnlyList<ModemLine> lines) : IBackendSession
{
    public IReadOnlyList<ILineDevice> Lines => lines;

    public IReadOnlyList<IPhoneDevice> Phones => [];

    public async ValueTask DisposeAsync()
    {
        foreach (var line in lines)
        {
            await line.DisposeAsync().ConfigureAwait(false);
        }
    }
}
