namespace TspHost.Plugins.SerialModem.Tests.Fakes;

/// <summary>How a fake modem is reached: a pseudo-terminal or a TCP serial server.</summary>
internal interface IFakeModemLink : IAsyncDisposable
{
    /// <summary>The value of the plugin's <c>Port</c> setting that reaches the modem.</summary>
    string PortSetting { get; }

    /// <summary>Whether the plugin can reach the modem again after <see cref="CloseUnderPlugin"/>.</summary>
    bool ReachableAfterClose { get; }

    /// <summary>Takes the port away from the plugin (the pty master closed, the TCP connection dropped).</summary>
    void CloseUnderPlugin();
}
