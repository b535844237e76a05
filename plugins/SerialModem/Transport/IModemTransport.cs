namespace TspHost.Plugins.SerialModem.Transport;

/// <summary>
/// A byte pipe to a modem: a serial port or a TCP serial server. One reader loop per transport
/// delivers what arrives to the receiver; the transport reports its own end exactly once.
/// </summary>
internal interface IModemTransport : IAsyncDisposable
{
    /// <summary>What the transport talks to, for messages (a device path, <c>tcp://host:port</c>).</summary>
    string Description { get; }

    /// <summary>Opens the port and starts the reader loop.</summary>
    /// <exception cref="ModemUnavailableException">The port cannot be opened.</exception>
    ValueTask OpenAsync(IModemTransportReceiver receiver, CancellationToken cancellationToken);

    /// <summary>Writes all of <paramref name="data"/>.</summary>
    /// <exception cref="ModemUnavailableException">The port is closed or failed.</exception>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}

/// <summary>Where a transport's reader loop delivers. Called on the reader loop, one call at a time.</summary>
internal interface IModemTransportReceiver
{
    /// <summary>Bytes arrived.</summary>
    void OnReceived(ReadOnlySpan<byte> data);

    /// <summary>The port went away (hang-up, unplugged, connection dropped). Not called for a close we asked for.</summary>
    void OnFaulted(Exception error);
}

/// <summary>The modem cannot be reached: the port cannot be opened, went away, or was closed.</summary>
internal sealed class ModemUnavailableException(string message, Exception? innerException = null)
    : IOException(message, innerException);
