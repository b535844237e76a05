using TspHost.Plugins.SerialModem.Tests.Fakes;
using TspHost.Plugins.Tests;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Integration.Tests;

/// <summary>
/// The SerialModem plugin folder the build publishes, loaded by a real <c>tsphost run</c>, driving a
/// fake Hayes modem on a pseudo-terminal: System.IO.Ports and its native library must come with the
/// folder and load inside the plugin's load context.
/// </summary>
public sealed class SerialModemProcessTests
{
    [Fact]
    public async Task SerialModemOnAPty_LoadsInARealDaemon_BringsTheModemUpAndDials()
    {
        var folder = Path.Combine(PluginFolders.BuiltPluginsDirectory, "SerialModem");
        Assert.True(File.Exists(Path.Combine(folder, "runtimes", "unix", "lib", "net10.0", "System.IO.Ports.dll")), $"{folder} lacks System.IO.Ports for Unix");
        Assert.True(File.Exists(Path.Combine(folder, "runtimes", "linux-x64", "native", "libSystem.IO.Ports.Native.so")), $"{folder} lacks libSystem.IO.Ports.Native.so");

        var modem = new FakeModem();
        await using var link = new PtyModemLink(modem);
        using var folders = new PluginFolders();
        folders.Add("SerialModem", from: PluginFolders.BuiltPluginsDirectory);
        await using var host = await HostProcess.StartAsync(pluginsDirectory: folders.Directory, environment: new Dictionary<string, string>
        {
            ["TSPHOST_Plugins__SerialModem__Modem1__Port"] = link.PortSetting,
            ["TSPHOST_Plugins__SerialModem__PollInterval"] = "0",
        });
        using var provider = new ProviderClient(host.Connect(ClientRole.Provider));

        var (lines, _) = DaemonTests.StartSession(provider);
        Assert.True(lines == 1, $"expected the modem's line:\n{host.Output}");
        var caps = provider.Call<LineGetDevCapsRequest, LineGetDevCapsReply>(new() { DeviceId = 0, TspiVersion = DaemonTests.V3_1, ExtVersion = 0 });
        Assert.Equal(0, caps.Result);
        Assert.Equal($"ACME V.92 test modem on {link.PortSetting}", caps.ProviderInfo); // the modem answered AT+GMI / AT+GMM
        Assert.Equal(["ATZ", "ATE0V1", "ATX4", "ATS0=0", "AT+GMI", "AT+GMM", "AT+VCID=1"], modem.Commands);

        var negotiated = provider.Call<LineNegotiateTspiVersionRequest, TspiVersionReply>(new() { DeviceId = 0, LowVersion = DaemonTests.V3_1, HighVersion = DaemonTests.V3_1 });
        Assert.Equal(0, negotiated.Result);
        var open = provider.Call<LineOpenRequest, LineOpenReply>(new() { DeviceId = 0, HtLine = 0x400, TspiVersion = negotiated.Version });
        Assert.Equal(0, open.Result);
        Assert.Equal(41, DaemonTests.MakeCall(provider, 41, open.HdLine, 0x501, "5551234").Result);
        Assert.Equal(0, await provider.CompletionAsync(41));
        // The request completes once ATD is written to the pty; the fake modem reads it on a thread of its own.
        await TspHost.Testing.Eventually.WaitAsync(() => modem.Commands.Contains("ATD5551234;"), "the modem to receive ATD5551234;");
        Assert.False(host.HasExited, $"tsphost exited:\n{host.Output}");
    }
}
