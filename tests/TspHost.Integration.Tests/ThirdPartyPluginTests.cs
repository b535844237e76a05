using System.Reflection;
using TspHost.Abstractions;
using TspHost.Core.Tapi;
using TspHost.Plugins.Tests;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Integration.Tests;

/// <summary>
/// What a third party does, with nothing of this repository but its packages (artifacts/packages,
/// made by ./pack.sh): install the template, make a plugin, build it, run its conformance tests, and
/// run it in a daemon. Slow (restores and builds a new solution): one test, generous bounds.
/// </summary>
public sealed class ThirdPartyPluginTests
{
    private const nint HProvider = 0x5150;
    private const nint HtLine = 0x7100;
    private const nint HtCall = 0x7101;
    private static readonly TimeSpan s_restoreAndBuild = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task PluginFromTheTemplatePackage_PassesConformance_AndItsLineIsAnnouncedAndPlacesAndDropsACallInARunningDaemon()
    {
        var packages = await SdkPackages.GetAsync();
        var work = Directory.CreateTempSubdirectory("tsphost-third-party-").FullName;
        try
        {
            var plugin = await MakeAndTestPluginAsync(work, packages, "AcmePhone");
            await RunInDaemonAsync(plugin, "AcmePhone");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>From an empty folder: the template installed from the packages, a plugin made, built and its conformance tests run. Returns the built plugin folder.</summary>
    private static async Task<string> MakeAndTestPluginAsync(string work, string packages, string name)
    {
        // The packages folder and the user's usual feeds; restored packages go to a folder of the test's
        // own (the SDK packages must come from this run's packs), the user's global folder serving as a read-only fallback.
        var globalPackages = (await NativeArtifacts.RunAsync("dotnet", ["nuget", "locals", "global-packages", "--list"], TimeSpan.FromMinutes(1)))
            .Split("global-packages:", 2)[1].Trim();
        File.WriteAllText(Path.Combine(work, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="tsphost-sdk" value="{packages}" />
              </packageSources>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(work, ".packages")}" />
              </config>
              <fallbackPackageFolders>
                <add key="user" value="{globalPackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        string[] hive = ["--debug:custom-hive", Path.Combine(work, ".templates")]; // leaves the user's installed templates alone

        await NativeArtifacts.RunAsync("dotnet", ["new", "install", $"TspHost.Templates::{SdkPackages.Version}", "--add-source", packages, .. hive], TimeSpan.FromMinutes(5), work);
        await NativeArtifacts.RunAsync("dotnet", ["new", "tsphost-plugin", "-n", name, .. hive], TimeSpan.FromMinutes(2), work);
        var solution = Path.Combine(work, name);
        foreach (var project in Directory.GetFiles(solution, "*.csproj", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(NativeArtifacts.RepositoryRoot, File.ReadAllText(project), StringComparison.Ordinal);
        }

        await NativeArtifacts.RunAsync("dotnet", ["build", "-nologo"], s_restoreAndBuild, solution);
        var tests = await NativeArtifacts.RunAsync("dotnet", ["test", "--no-build", "-nologo"], s_restoreAndBuild, solution);
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+[1-9]", tests);

        var folder = Path.Combine(solution, "artifacts", "plugins", name);
        Assert.True(File.Exists(Path.Combine(folder, name + ".dll")), $"the build laid out no plugin folder {folder}");
        Assert.False(File.Exists(Path.Combine(folder, "TspHost.Abstractions.dll")), "the plugin folder ships its own copy of the contract");
        return folder;
    }

    /// <summary>Dropped into a running daemon's plugins directory: LINE_CREATE, then a call placed, connected and dropped on the new line.</summary>
    private static async Task RunInDaemonAsync(string plugin, string name)
    {
        using var folders = new PluginFolders();
        folders.Add("Simulated", from: PluginFolders.BuiltPluginsDirectory);
        await using var host = await HostProcess.StartAsync(pluginsDirectory: folders.Directory);
        using var provider = new ProviderClient(host.Connect(ClientRole.Provider));
        var (lines, _) = DaemonTests.StartSession(provider, HProvider);

        var staged = Path.Combine(folders.Directory, "." + name); // an atomic drop: copied under a hidden name, then renamed
        PluginFolders.CopyTree(plugin, staged);
        Directory.Move(staged, Path.Combine(folders.Directory, name));

        var created = await TapiPushes.LineAsync(provider, host, LineMessage.Create, e => e.P1 == HProvider);
        var lineId = lines;
        Assert.Equal(0, provider.Call<ProviderCreateLineDeviceRequest, ResultReply>(new() { TempId = (uint)created.P2, DeviceId = lineId }).Result);
        Assert.Equal($"{name} line", HotPlugProcessTests.DevCaps(provider, lineId).Name);

        var negotiated = provider.Call<LineNegotiateTspiVersionRequest, TspiVersionReply>(new() { DeviceId = lineId, LowVersion = 0x00020000, HighVersion = DaemonTests.V3_1 });
        Assert.Equal(0, negotiated.Result);
        var open = provider.Call<LineOpenRequest, LineOpenReply>(new() { DeviceId = lineId, HtLine = HtLine, TspiVersion = negotiated.Version });
        Assert.Equal(0, open.Result);

        var make = provider.Call<LineMakeCallRequest, LineMakeCallReply>(new() { RequestId = 101, HdLine = open.HdLine, HtCall = HtCall, DestAddress = "5551000", CountryCode = 0 });
        Assert.Equal(101, make.Result);
        Assert.Equal(0, await provider.CompletionAsync(101));
        await CallStateAsync(provider, host, CallState.Connected);

        Assert.Equal(102, provider.Call<LineDropRequest, ResultReply>(new() { RequestId = 102, HdCall = make.HdCall }).Result);
        Assert.Equal(0, await provider.CompletionAsync(102));
        await CallStateAsync(provider, host, CallState.Idle);
        Assert.False(host.HasExited, $"tsphost exited:\n{host.Output}");
    }

    private static Task<TapiEvent> CallStateAsync(ProviderClient provider, HostProcess host, CallState state) =>
        TapiPushes.LineAsync(provider, host, LineMessage.CallState, e => e.HtLine == HtLine && e.HtCall == HtCall && e.P1 == (nint)state);

    /// <summary>The SDK packages of this build: packed by ./test.sh before the tests; packed here when missing.</summary>
    private static class SdkPackages
    {
        private static readonly SemaphoreSlim s_gate = new(1, 1);

        public static string Version { get; } = typeof(ThirdPartyPluginTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "PluginSdkVersion").Value!;

        public static async Task<string> GetAsync()
        {
            var directory = Path.Combine(NativeArtifacts.RepositoryRoot, "artifacts", "packages");
            await s_gate.WaitAsync();
            try
            {
                if (!File.Exists(Path.Combine(directory, $"TspHost.Templates.{Version}.nupkg")))
                {
                    await NativeArtifacts.RunAsync(Path.Combine(NativeArtifacts.RepositoryRoot, "pack.sh"), [], s_restoreAndBuild, NativeArtifacts.RepositoryRoot);
                }

                return directory;
            }
            finally
            {
                s_gate.Release();
            }
        }
    }
}
