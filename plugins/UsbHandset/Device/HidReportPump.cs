using TspHost.Plugins.UsbHandset.Transport;

namespace TspHost.Plugins.UsbHandset.Device;

/// <summary>
/// The one loop that owns reading a connection: a dedicated thread (blocking reads inside the thread
/// pool would starve it on small machines) that waits for a report at most <see cref="PollMilliseconds"/>
/// at a time, so <see cref="Stop"/> takes effect promptly.
/// </summary>
internal sealed class HidReportPump
{
    public const int PollMilliseconds = 100;

    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(5);

    private readonly IHidConnection _connection;
    private readonly int _bufferLength;
    private readonly ReportHandler _onReport;
    private readonly Action<Exception> _onFailure;
    private readonly Thread _thread;
    private volatile bool _stopping;

    public HidReportPump(IHidConnection connection, int bufferLength, ReportHandler onReport, Action<Exception> onFailure, string name)
    {
        _connection = connection;
        _bufferLength = Math.Max(bufferLength, 1);
        _onReport = onReport;
        _onFailure = onFailure;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
    }

    public delegate void ReportHandler(ReadOnlySpan<byte> report);

    public void Start() => _thread.Start();

    /// <summary>Stops the loop and waits for it, unless called from the loop itself (from an event handler).</summary>
    public void Stop()
    {
        _stopping = true;
        if (Thread.CurrentThread != _thread && _thread.IsAlive)
        {
            _thread.Join(s_stopTimeout);
        }
    }

    private void Run()
    {
        var buffer = new byte[_bufferLength];
        while (!_stopping)
        {
            int length;
            try
            {
                length = _connection.ReadReport(buffer, PollMilliseconds);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                if (!_stopping)
                {
                    _onFailure(ex);
                }

                return;
            }

            if (length > 0 && !_stopping)
            {
                _onReport(buffer.AsSpan(0, length));
            }
        }
    }
}
