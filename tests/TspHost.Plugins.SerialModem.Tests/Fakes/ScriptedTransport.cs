using System.Text;
using TspHost.Plugins.SerialModem.Transport;

namespace TspHost.Plugins.SerialModem.Tests.Fakes;

/// <summary>A transport the test drives by hand: it records writes and injects received bytes.</summary>
internal sealed class ScriptedTransport : IModemTransport
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _written = new();
    private IModemTransportReceiver? _receiver;

    public string Description => "scripted";

    public bool Disposed { get; private set; }

    public string Written
    {
        get
        {
            lock (_lock)
            {
                return _written.ToString();
            }
        }
    }

    public ValueTask OpenAsync(IModemTransportReceiver receiver, CancellationToken cancellationToken)
    {
        _receiver = receiver;
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (Disposed)
        {
            throw new ModemUnavailableException("scripted transport closed");
        }

        lock (_lock)
        {
            _written.Append(Encoding.ASCII.GetString(data.Span));
        }

        return ValueTask.CompletedTask;
    }

    public void Receive(string text) => _receiver!.OnReceived(Encoding.ASCII.GetBytes(text));

    public void Fail(string why) => _receiver!.OnFaulted(new ModemUnavailableException(why));

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

internal sealed class NullLog : Abstractions.IBackendLog
{
    public static NullLog Instance { get; } = new();

    public void Log(Abstractions.BackendLogLevel level, string message, Exception? exception = null)
    {
    }
}
