using System.Text.Json;
using TspHost.Core.Configuration;
using TspHost.Core.Lifecycle;
using TspHost.Core.Tapi;
using TspHost.Core.Tests.Fakes;
using TspHost.Testing;

namespace TspHost.Plugins.Tests;

/// <summary>R11-R14 with plugins loaded from folders and the provider state in a real file, across host restarts.</summary>
public sealed class PluginLifecycleTests
{
    [Fact, Trait("Rule", "R11")]
    public async Task R11_InstallAndRemovePairing_HoldsAcrossHostRestarts()
    {
        await using var host = new PluginHost("HotPlug");
        await host.InstallAsync();

        await host.RestartAsync();
        Assert.Equal(ProviderStatus.Installed, host.Engine.Status);
        Assert.Equal(LineErr.NoMultipleInstance, (await host.Engine.ProviderInstallAsync(PluginHost.ProviderId)).Result);
        Assert.True((await host.Engine.ProviderRemoveAsync()).Succeeded);

        await host.RestartAsync();
        Assert.Equal(ProviderStatus.NotInstalled, host.Engine.Status);
        Assert.Equal(LineErr.OperationFailed, (await host.Engine.ProviderRemoveAsync()).Result);
        Assert.Equal(LineErr.OperationFailed, (await host.Engine.InstallPluginAsync("HotPlug")).Result); // R11: install comes first
    }

    [Fact, Trait("Rule", "R11")]
    public async Task R11_PluginWhoseInstallHookThrows_IsReportedAndSkipped_TheOthersAreInstalled()
    {
        await using var host = new PluginHost("ThrowingInstall", "HotPlug");

        var install = await host.Engine.ProviderInstallAsync(PluginHost.ProviderId);

        Assert.True(install.Succeeded, install.Message);
        Assert.Contains("install hook of plugin 'ThrowingInstall' failed", install.Message);
        Assert.Equal(["HotPlug"], host.Engine.State.Plugins.Select(p => p.Name));
        var single = await host.Engine.InstallPluginAsync("ThrowingInstall");
        Assert.Equal(LineErr.OperationFailed, single.Result);
        Assert.Contains("fails on purpose", single.Message);
        await host.InitAsync();
        Assert.Equal(["HotPlug line"], host.Lines.Select(l => l.Name));
    }

    [Fact, Trait("Rule", "R12")]
    public async Task R12_PluginsInstalledAndRemovedOneByOne_PersistWithTheirPermanentDeviceIds()
    {
        await using var host = new PluginHost("DependencyV1", "HotPlug");
        Assert.True((await host.Engine.ProviderInstallAsync(PluginHost.ProviderId, ["DependencyV1"])).Succeeded);
        await host.InitAsync();
        var firstId = host.Engine.Session!.LineEntries.Single().PermanentId;
        await host.ShutdownAsync();

        await host.RestartAsync();
        Assert.True((await host.Engine.InstallPluginAsync("HotPlug")).Succeeded);
        await host.RestartAsync();
        await host.InitAsync();

        Assert.Equal(["DependencyV1", "HotPlug"], host.Lines.Select(l => l.Plugin));
        Assert.Equal(firstId, host.Engine.Session!.LineEntries.Single(e => e.Plugin == "DependencyV1").PermanentId);
        await host.ShutdownAsync();
        Assert.True((await host.Engine.RemovePluginAsync("DependencyV1")).Succeeded);
        await host.RestartAsync();
        Assert.Equal(["HotPlug"], host.Engine.State.Plugins.Select(p => p.Name));
        Assert.Contains("DependencyV1/line/line-1", host.Engine.State.PermanentIds.Keys); // kept for when it comes back
    }

    [Fact, Trait("Rule", "R13"), Trait("Rule", "R14")]
    public async Task R13_ConfigureDuringASession_IsDeferredAndAppliedAtTheNextInit_EvenAfterARestart()
    {
        await using var host = new PluginHost("HotPlug");
        await host.InstallAsync();
        await host.InitAsync();

        var config = await host.Engine.ProviderConfigAsync("HotPlug", new Dictionary<string, string?> { ["Lines"] = "3" });

        Assert.True(config.Succeeded, config.Message);
        await host.Tapi.WaitForAsync(r => r is LineEventRecord { Message: LineMessage.LineDevState } e && e.P1 == LineDevState.Reinit, "LINEDEVSTATE_REINIT");
        await host.Tapi.WaitForAsync(r => r is PhoneEventRecord { Message: PhoneMessage.State } e && e.P1 == PhoneStateFlags.Reinit, "PHONESTATE_REINIT");
        Assert.Single(host.Lines); // the running session keeps its snapshot
        Assert.Contains("\"ConfigurePending\": true", File.ReadAllText(host.StatePath));

        await host.RestartAsync(); // the host stops mid-session; the deferred change survives it
        await host.InitAsync();

        Assert.Equal(3, host.Lines.Count);
        Assert.DoesNotContain("\"ConfigurePending\": true", File.ReadAllText(host.StatePath));
    }

    [Fact, Trait("Rule", "R13"), Trait("Rule", "R14")]
    public async Task R13_InstallAndRemoveOfAPluginDuringASession_AreDeferredToItsEnd()
    {
        await using var host = new PluginHost("DependencyV1", "HotPlug");
        Assert.True((await host.Engine.ProviderInstallAsync(PluginHost.ProviderId, ["DependencyV1"])).Succeeded);
        await host.InitAsync();

        var install = await host.Engine.InstallPluginAsync("HotPlug");
        var remove = await host.Engine.RemovePluginAsync("DependencyV1");

        Assert.True(install.Succeeded && remove.Succeeded, $"{install.Message} {remove.Message}");
        Assert.Contains("when the running session shuts down", install.Message);
        await Eventually.WaitAsync(() => host.Tapi.Records.OfType<LineEventRecord>().Count(e => e.Message == LineMessage.LineDevState && e.P1 == LineDevState.Reinit) == 2,
            "LINEDEVSTATE_REINIT for each change");
        Assert.Equal(["DependencyV1"], host.Lines.Select(l => l.Plugin));
        Assert.DoesNotContain(host.Tapi.Records, r => r is LineEventRecord { Message: LineMessage.Create or LineMessage.Remove });

        await host.ShutdownAsync();
        await host.InitAsync();

        Assert.Equal(["HotPlug"], host.Lines.Select(l => l.Plugin));
        Assert.Equal(["HotPlug"], host.Engine.State.Plugins.Select(p => p.Name));
    }

    [Fact]
    public async Task StateFile_IsJsonWrittenAtomically_NoTemporaryFileLeftBehind()
    {
        await using var host = new PluginHost("HotPlug");
        await host.InstallAsync();

        using var json = JsonDocument.Parse(File.ReadAllText(host.StatePath));

        Assert.True(json.RootElement.GetProperty("Installed").GetBoolean());
        Assert.Equal("HotPlug", json.RootElement.GetProperty("Plugins")[0].GetProperty("Name").GetString());
        Assert.DoesNotContain(Directory.GetFiles(Path.GetDirectoryName(host.StatePath)!), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.IsType<FileProviderStateStore>(new FileProviderStateStore(host.StatePath));
    }
}
