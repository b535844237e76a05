using TspHost.Core.Configuration;
using TspHost.Core.Lifecycle;

namespace TspHost.Plugins.Tests;

/// <summary>R12: the persisted provider state survives a half-written or corrupt file.</summary>
public sealed class ProviderStateFileTests
{
    [Fact, Trait("Rule", "R12")]
    public async Task R12_HalfWrittenStateFile_IsDetectedAtStart_AndTheLastGoodStateKept()
    {
        await using var host = new PluginHost("HotPlug");
        await host.InstallAsync();
        var good = File.ReadAllText(host.StatePath);
        File.WriteAllText(host.StatePath, good[..(good.Length / 2)]);

        await host.RestartAsync();

        Assert.Equal(ProviderStatus.Installed, host.Engine.Status);
        Assert.Equal(["HotPlug"], host.Engine.State.Plugins.Select(p => p.Name));
        var store = new FileProviderStateStore(host.StatePath);
        Assert.True(store.Load().Installed); // written back: the main file is good again
        Assert.Null(store.LoadWarning);
        Assert.Equal(good[..(good.Length / 2)], File.ReadAllText(host.StatePath + ".corrupt"));
        await host.InitAsync();
        Assert.Single(host.Lines);
    }

    [Fact, Trait("Rule", "R12")]
    public void R12_CorruptStateFile_WithALastGoodCopy_LoadsThatCopyAndSaysSo()
    {
        using var folders = new PluginFolders();
        var path = Path.Combine(folders.Directory, "state.json");
        var store = new FileProviderStateStore(path);
        store.Save(ProviderState.NotInstalled with { Installed = true, PermanentProviderId = 9, Revision = 4 });
        File.WriteAllText(path, "{ \"Installed\": tru");

        var state = store.Load();

        Assert.Equal(9u, state.PermanentProviderId);
        Assert.All([path, "line 1", "last good", "revision 4", ".corrupt"], part => Assert.Contains(part, store.LoadWarning));
    }

    [Theory, Trait("Rule", "R12")]
    [InlineData("", "is empty")]
    [InlineData("null", "'null'")]
    [InlineData("{ \"Installed\": true, \"Plugins\": [ { \"Settings\": {} } ] }", "incomplete")]
    [InlineData("{ \"Installed\": 1 }", "corrupt at line 1")]
    public void R12_CorruptStateFile_WithoutAGoodCopy_FailsNamingTheFileAndTheProblem(string content, string expected)
    {
        using var folders = new PluginFolders();
        var path = Path.Combine(folders.Directory, "state.json");
        File.WriteAllText(path, content);

        var e = Assert.Throws<ProviderStateCorruptException>(() => new FileProviderStateStore(path).Load());

        Assert.All([path, expected, "no last good copy"], part => Assert.Contains(part, e.Message));
    }

    [Fact, Trait("Rule", "R12")]
    public void R12_EverySave_RefreshesTheLastGoodCopy()
    {
        using var folders = new PluginFolders();
        var store = new FileProviderStateStore(Path.Combine(folders.Directory, "state.json"));

        store.Save(ProviderState.NotInstalled with { Revision = 1 });
        store.Save(ProviderState.NotInstalled with { Revision = 2 });

        Assert.Equal(File.ReadAllText(store.Path), File.ReadAllText(store.LastGoodPath));
        Assert.Equal(2, new FileProviderStateStore(store.LastGoodPath).Load().Revision);
    }
}
