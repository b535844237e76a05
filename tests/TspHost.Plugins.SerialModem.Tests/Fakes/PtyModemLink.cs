namespace TspHost.Plugins.SerialModem.Tests.Fakes;

/// <summary>
/// The fake modem on the master side of a pseudo-terminal the test made; the plugin opens the slave
/// path like any serial port and goes through its real System.IO.Ports code.
/// </summary>
internal sealed class PtyModemLink : IFakeModemLink
{
    private readonly FakeModem _modem;
    private readonly Pty _pty = new();
    private readonly Thread _reader;
    private volatile bool _stopping;

    public PtyModemLink(FakeModem modem)
    {
        _modem = modem;
        modem.Connect(data => _pty.Write(data));
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "fake modem pty" };
        _reader.Start();
    }

    public string PortSetting => _pty.SlavePath;

    public bool ReachableAfterClose => false; // the slave path vanishes with the master

    public void CloseUnderPlugin()
    {
        _stopping = true;
        _reader.Join(TimeSpan.FromSeconds(2));
        _pty.Close();
    }

    public ValueTask DisposeAsync()
    {
        if (!_pty.IsClosed)
        {
            CloseUnderPlugin();
        }

        return ValueTask.CompletedTask;
    }

    private void ReadLoop()
    {
        var buffer = new byte[1024];
        while (!_stopping)
        {
            var n = _pty.Read(buffer, 20);
            if (n > 0)
            {
                _modem.Received(buffer.AsSpan(0, n));
            }
            else if (n < 0)
            {
                Thread.Sleep(5); // no slave open right now (the plugin is between two opens)
            }
        }
    }
}
