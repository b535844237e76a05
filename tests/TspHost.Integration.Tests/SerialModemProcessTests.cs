using TspHost.Plugins.SerialModem.Tests.Fakes;
using TspHost.Plugins.Tests;
using TspHost.Protocol;

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
        var caps = provider.Call(FrameType.LineGetDevCaps, w => w.U32(0).U32(DaemonTests.V3_1).U32(0)).Reader();
        Assert.Equal(0, caps.I32());
        Assert.Equal($"ACME V.92 test modem on {link.PortSetting}", caps.String()); // providerInfo: the modem answered AT+GMI / AT+GMM
        Assert.Equal(["ATZ", "ATE0V1", "ATX4", "ATS0=0", "AT+GMI", "AT+GMM", "AT+VCID=1"], modem.Commands);

        var negotiated = provider.Call(FrameType.LineNegotiateTspiVersion, w => w.U32(0).U32(DaemonTests.V3_1).U32(DaemonTests.V3_1)).Reader();
        Assert.Equal(0, negotiated.I32());
        var version = negotiated.U32();
        var open = provider.Call(FrameType.LineOpen, w => w.U32(0).Handle(0x400).U32(version)).Reader();
        Assert.Equal(0, open.I32());
        var hdLine = open.Handle();
        Assert.Equal(41, provider.Call(FrameType.LineMakeCall, w => w.U32(41).Handle(hdLine).Handle(0x501).String("5551234").U32(0)).Reader().I32());
        Assert.Equal(0, await provider.CompletionAsync(41));
        Assert.Contains("ATD5551234;", modem.Commands);
        Assert.False(host.HasExited, $"tsphost exited:\n{host.Output}");
    }
}
