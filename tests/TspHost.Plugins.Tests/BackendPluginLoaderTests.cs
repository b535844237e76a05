using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using TspHost.Abstractions;
using TspHost.Core.Plugins;

namespace TspHost.Plugins.Tests;

/// <summary>The loader on its own, as a worker process uses it: a folder in, a backend and an unload handle out.</summary>
public sealed class BackendPluginLoaderTests : IDisposable
{
    private readonly PluginFolders _folders = new();

    [Fact]
    public async Task Load_GivesTheBackendInACollectibleContext_AndUnloadLetsTheContextBeCollected()
    {
        var folder = _folders.Add("HotPlug");

        var context = await LoadUseAndUnloadAsync(folder);

        Assert.NotNull(context);
        await Collected.WaitAsync(context, "the unloaded plugin's load context to be collected");
    }

    [Fact]
    public async Task Load_FolderDeletedAndReplacedWhileThePluginRuns_OldPluginKeepsWorking_NewLoadSeesTheNewFolder()
    {
        var folder = _folders.Add("HotPlug");
        using var first = BackendPluginLoader.Load(folder);

        // Replace the folder under the running plugin by another build that declares the same name.
        Directory.Delete(folder, recursive: true);
        PluginFolders.CopyTree(Path.Combine(PluginFolders.FixturesDirectory, "DependencyV2"), folder);
        foreach (var file in Directory.GetFiles(folder, "DependencyV2.*"))
        {
            File.Move(file, Path.Combine(folder, Path.GetFileName(file).Replace("DependencyV2", "HotPlug", StringComparison.Ordinal)));
        }

        Assert.Equal("HotPlug line", await LineNameAsync(first.Backend));
        using var second = BackendPluginLoader.Load(folder);
        Assert.Equal("uses FixtureDependency 2.0", await LineNameAsync(second.Backend));
        Assert.NotEqual(first.LoadedFrom, second.LoadedFrom);
    }

    [Fact]
    public void Load_FolderWithACorruptDepsJson_IsRefusedNamingThePluginAndTheFile()
    {
        var folder = _folders.Add("DependencyV1");
        File.WriteAllText(Path.Combine(folder, "DependencyV1.deps.json"), "{ this is not json");

        var error = Assert.Throws<PluginLoadException>(() => BackendPluginLoader.Load(folder));

        Assert.Equal("DependencyV1", error.Plugin);
        Assert.Contains("DependencyV1.deps.json", error.Message);
    }

    [Fact]
    public void Unload_Twice_SecondReturnsNull_AndThePrivateCopyIsGone()
    {
        var loaded = BackendPluginLoader.Load(_folders.Add("HotPlug"));

        Assert.NotNull(loaded.Unload());
        Assert.Null(loaded.Unload());
        Assert.False(Directory.Exists(loaded.LoadedFrom));
    }

    public void Dispose() => _folders.Dispose();

    // Kept out of the test method so no reference to the plugin's objects stays on its stack.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference?> LoadUseAndUnloadAsync(string folder)
    {
        var loaded = BackendPluginLoader.Load(folder);
        Assert.True(AssemblyLoadContext.GetLoadContext(loaded.Backend.GetType().Assembly)!.IsCollectible);
        Assert.StartsWith(loaded.LoadedFrom, loaded.Backend.GetType().Assembly.Location);
        Assert.Equal("HotPlug line", await LineNameAsync(loaded.Backend));
        return loaded.Unload();
    }

    private static async Task<string> LineNameAsync(ITelephonyBackend backend)
    {
        await using var session = await backend.StartSessionAsync(PluginCatalogTests.Context(), CancellationToken.None);
        return session.Lines[0].Capabilities.Name;
    }
}
