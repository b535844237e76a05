using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using TspHost.Abstractions;
using TspHost.Core.Plugins;

namespace TspHost.Plugins.Tests;

/// <summary>The loader: metadata first, contract check, one collectible load context per plugin.</summary>
public sealed class PluginCatalogTests : IDisposable
{
    private readonly PluginFolders _folders = new();

    [Fact]
    public async Task TwoPluginsWithDifferentVersionsOfOneDependency_LoadSideBySide()
    {
        _folders.Add("DependencyV1");
        _folders.Add("DependencyV2");
        using var catalog = new PluginCatalog(_folders.Directory);

        Assert.Empty(catalog.Scan());

        Assert.Equal("uses FixtureDependency 1.0", await FirstLineNameAsync(catalog, "DependencyV1"));
        Assert.Equal("uses FixtureDependency 2.0", await FirstLineNameAsync(catalog, "DependencyV2"));
        var contexts = catalog.Plugins.Select(p => AssemblyLoadContext.GetLoadContext(p.Backend.GetType().Assembly)).ToList();
        Assert.Equal(2, contexts.Distinct().Count());
        Assert.All(contexts, c => Assert.True(c!.IsCollectible));
    }

    [Fact]
    public void SharedContract_ResolvesToTheHostsCopy()
    {
        _folders.Add("HotPlug");
        using var catalog = new PluginCatalog(_folders.Directory);
        catalog.Scan();

        Assert.True(catalog.TryGet("hotplug", out var backend));
        Assert.IsAssignableFrom<ITelephonyBackend>(backend);
        Assert.Same(typeof(ITelephonyBackend).Assembly, backend.GetType().GetInterfaces().Single().Assembly);
    }

    [Fact]
    public void LoadedPlugin_RunsFromACopy_SoItsFolderStaysFreeToBeReplaced()
    {
        var folder = _folders.Add("HotPlug");
        using var catalog = new PluginCatalog(_folders.Directory);
        catalog.Scan();
        var plugin = Assert.Single(catalog.Plugins);

        Assert.StartsWith(plugin.LoadedFrom, plugin.Backend.GetType().Assembly.Location);
        Assert.False(plugin.LoadedFrom.StartsWith(folder, StringComparison.Ordinal));
        catalog.Unload("HotPlug");
        Assert.False(Directory.Exists(plugin.LoadedFrom));
    }

    [Fact]
    public void PluginBuiltAgainstANewerContract_IsRefusedWithAMessageNamingThePluginAndBothVersions()
    {
        using var catalog = ScanBesideAGoodPlugin("NewerContract", out var problem);

        Assert.Equal("NewerContract", problem.Name);
        Assert.All(["'NewerContract'", "1.99", $"contract {PluginContract.Version}"], part => Assert.Contains(part, problem.Message));
        Assert.DoesNotContain("constructor", problem.Message); // refused from metadata, never run
        Assert.False(catalog.TryGet("NewerContract", out _));
        Assert.True(catalog.TryGet("HotPlug", out _));
    }

    [Theory]
    [InlineData("Corrupt", "cannot be read as a .NET assembly")]
    [InlineData("Missing", "has no Missing.dll")]
    public void FolderWithACorruptOrMissingAssembly_IsReportedAndSkipped_TheOthersLoad(string name, string expected)
    {
        if (name == "Corrupt")
        {
            _folders.AddCorrupt(name);
        }
        else
        {
            Directory.CreateDirectory(Path.Combine(_folders.Directory, name));
        }

        using var catalog = ScanBesideAGoodPlugin(null, out var problem);

        Assert.Contains($"Plugin '{name}'", problem.Message);
        Assert.Contains(expected, problem.Message);
        Assert.Equal(problem, Assert.Single(catalog.Problems));
        Assert.Equal(["HotPlug"], catalog.Plugins.Select(p => p.Name));
    }

    [Fact]
    public void PluginWhoseConstructorThrows_IsReportedAndSkipped_TheOthersLoad()
    {
        using var catalog = ScanBesideAGoodPlugin("ThrowingConstructor", out var problem);

        Assert.All(["'ThrowingConstructor'", "constructor failed", "fails on purpose"], part => Assert.Contains(part, problem.Message));
        Assert.Equal(["HotPlug"], catalog.Defaults.Select(d => d.Name));
    }

    [Fact]
    public async Task UnloadedPlugin_LoadContextIsCollected()
    {
        _folders.Add("HotPlug");
        using var catalog = new PluginCatalog(_folders.Directory);
        catalog.Scan();
        await UsePluginAsync(catalog);

        var context = catalog.Unload("HotPlug");

        Assert.NotNull(context);
        Assert.False(catalog.TryGet("HotPlug", out _));
        await Collected.WaitAsync(context, "the unloaded plugin's load context to be collected");
    }

    [Fact]
    public void TheBuiltBackends_AreLaidOutAsPluginFoldersThatLoad()
    {
        using var catalog = new PluginCatalog(PluginFolders.BuiltPluginsDirectory);

        Assert.Empty(catalog.Scan());

        Assert.Contains("Simulated", catalog.Plugins.Select(p => p.Name));
        Assert.All(catalog.Plugins, p => Assert.False(File.Exists(Path.Combine(p.Folder, "TspHost.Abstractions.dll")), $"{p.Name} ships its own copy of the contract"));
    }

    [Fact]
    public void Manifest_IsReadFromMetadata_ContractFromTheReferencedAbstractionsWhenTheAttributeNamesNone()
    {
        var path = Path.Combine(PluginFolders.BuiltPluginsDirectory, "Simulated", "Simulated.dll");

        var manifest = PluginManifest.Read("Simulated", path);

        Assert.Equal("TspHost.Plugins.Simulated.SimulatedBackend", manifest.BackendTypeName);
        Assert.Equal(PluginContract.Version, manifest.ContractVersion);
        Assert.Equal("1.99", PluginManifest.Read("NewerContract", Path.Combine(PluginFolders.FixturesDirectory, "NewerContract", "NewerContract.dll")).ContractVersion);
    }

    [Fact]
    public void AbstractionsAssemblyVersion_IsTheContractVersion()
    {
        var version = typeof(PluginContract).Assembly.GetName().Version!;

        Assert.Equal((PluginContract.Major, PluginContract.Minor), (version.Major, version.Minor));
    }

    [Theory]
    [InlineData("1.0", 1, 0, null)]
    [InlineData("1.0", 1, 3, null)]
    [InlineData("1.3", 1, 3, null)]
    [InlineData("1.4", 1, 3, "newer than this host's contract 1.3")]
    [InlineData("2.0", 1, 0, "the major versions differ")]
    [InlineData("0.9", 1, 0, "the major versions differ")]
    [InlineData("1", 1, 0, "not of the form major.minor")]
    [InlineData("one.two", 1, 0, "not of the form major.minor")]
    public void ContractCheck_AcceptsSameMajorAndOlderOrEqualMinorOnly(string plugin, int hostMajor, int hostMinor, string? refusal)
    {
        var result = ContractCompatibility.Check("P", plugin, hostMajor, hostMinor);

        if (refusal is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.Contains(refusal, result);
            Assert.Contains($"'{plugin}'".Trim('\''), result);
        }
    }

    public void Dispose() => _folders.Dispose();

    /// <summary>Scans fixture <paramref name="bad"/> (or what the test put there) beside HotPlug, which must load; returns the one problem.</summary>
    private PluginCatalog ScanBesideAGoodPlugin(string? bad, out PluginProblem problem)
    {
        if (bad is not null)
        {
            _folders.Add(bad);
        }

        _folders.Add("HotPlug");
        var catalog = new PluginCatalog(_folders.Directory);
        problem = Assert.Single(catalog.Scan());
        Assert.True(catalog.TryGet("HotPlug", out _));
        return catalog;
    }

    private static async Task<string> FirstLineNameAsync(PluginCatalog catalog, string plugin)
    {
        Assert.True(catalog.TryGet(plugin, out var backend));
        await using var session = await backend.StartSessionAsync(Context(), CancellationToken.None);
        return session.Lines[0].Capabilities.Name;
    }

    // Kept out of the test method so no reference to the plugin's objects stays on its stack.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task UsePluginAsync(PluginCatalog catalog)
    {
        Assert.Equal("HotPlug line", await FirstLineNameAsync(catalog, "HotPlug"));
    }

    internal static BackendSessionContext Context() =>
        new() { Settings = BackendSettings.Empty, Log = new NullLog(), Time = TimeProvider.System, Events = new NoEvents() };

    private sealed class NullLog : IBackendLog
    {
        public void Log(BackendLogLevel level, string message, Exception? exception = null)
        {
        }
    }

    private sealed class NoEvents : ISessionEvents
    {
        public void LineArrived(ILineDevice line)
        {
        }

        public void LineDeparted(ILineDevice line)
        {
        }

        public void PhoneArrived(IPhoneDevice phone)
        {
        }

        public void PhoneDeparted(IPhoneDevice phone)
        {
        }
    }
}
