using System.Collections.Concurrent;
using TspHost.Core.Plugins;
using TspHost.Core.Tapi;
using TspHost.Core.Tests.Fakes;
using TspHost.Core.Versions;
using TspHost.Testing;

namespace TspHost.Plugins.Tests;

/// <summary>Plugin folders dropped into and removed from the plugins directory while a session runs.</summary>
public sealed class HotPlugFolderTests : IAsyncDisposable
{
    private readonly PluginHost _host = new("DependencyV1");
    private readonly ConcurrentQueue<PluginChange> _changes = new();
    private PluginHotPlug? _hotPlug;

    [Fact]
    public async Task DroppedFolder_IsInstalledAndAnnounced_RemovedFolderDeparts_OtherIdsNeverShift()
    {
        await StartAsync();

        var folder = _host.Folders.Add("HotPlug");

        var create = await WaitForLineAsync(LineMessage.Create, "LINE_CREATE for the dropped plugin's line");
        await _host.Tapi.WaitForAsync(r => r is PhoneEventRecord { Message: PhoneMessage.Create }, "PHONE_CREATE for the dropped plugin's phone");
        var phoneCreate = _host.Tapi.Records.OfType<PhoneEventRecord>().First(e => e.Message == PhoneMessage.Create);
        Assert.Equal(0, _host.Engine.ProviderCreateLineDevice((uint)create.P2, PluginHost.LineBase + 1));
        Assert.Equal(0, _host.Engine.ProviderCreatePhoneDevice((uint)phoneCreate.P2, PluginHost.PhoneBase + 1));
        Assert.Equal([(PluginHost.LineBase, "uses FixtureDependency 1.0"), (PluginHost.LineBase + 1, "HotPlug line")],
            _host.Lines.Select(l => (l.Id!.Value, l.Name)));
        Assert.NotNull(_host.Engine.State.FindPlugin("HotPlug"));
        var (open, hdLine) = await _host.Engine.LineOpenAsync(PluginHost.LineBase + 1, 0x4242, TspiVersion.V3_0);
        Assert.Equal(0, open);

        Directory.Delete(folder, recursive: true);

        var remove = await WaitForLineAsync(LineMessage.Remove, "LINE_REMOVE for the removed plugin's line");
        Assert.Equal(PluginHost.LineBase + 1, (uint)remove.P1);
        Assert.Contains(_host.Tapi.Records, r => r is LineEventRecord { Message: LineMessage.Close, HtLine: 0x4242 });
        await _host.Tapi.WaitForAsync(r => r is PhoneEventRecord { Message: PhoneMessage.Remove } e && e.P1 == PluginHost.PhoneBase + 1, "PHONE_REMOVE");
        await Eventually.WaitAsync(() => _changes.Any(c => c.Kind == PluginChangeKind.Removed), "the removal to finish");
        Assert.Equal(0, await _host.Engine.LineCloseAsync(hdLine));
        Assert.Equal([(PluginHost.LineBase, "uses FixtureDependency 1.0")], _host.Lines.Select(l => (l.Id!.Value, l.Name)));
        Assert.Equal(0, _host.Engine.LineGetDevCaps(PluginHost.LineBase, TspiVersion.V3_0, 0, out _));
        Assert.Null(_host.Engine.State.FindPlugin("HotPlug"));
        Assert.False(_host.Catalog.IsLoaded("HotPlug"));
        var context = _changes.Single(c => c.Kind == PluginChangeKind.Removed).UnloadedContext!;
        await Collected.WaitAsync(context, "the removed plugin's load context to be collected while the session goes on");
    }

    [Fact]
    public async Task HalfCopiedFolder_IsRetriedWhenItChanges_AndJoinsOnceComplete()
    {
        await StartAsync();
        var staged = _host.Folders.Add("HotPlug", into: Path.Combine(_host.Folders.Directory, ".staging"));
        var dll = File.ReadAllBytes(Path.Combine(staged, "HotPlug.dll"));
        var folder = Path.Combine(_host.Folders.Directory, "HotPlug");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "HotPlug.dll"), dll[..(dll.Length / 2)]);

        await Eventually.WaitAsync(() => _changes.Any(c => c is { Name: "HotPlug", Kind: PluginChangeKind.Failed }), "the half-copied folder to be tried and refused");
        Assert.DoesNotContain(_host.Tapi.Records, r => r is LineEventRecord { Message: LineMessage.Create });
        PluginFolders.CopyTree(staged, folder);

        await WaitForLineAsync(LineMessage.Create, "LINE_CREATE once the copy completed");
        await Eventually.WaitAsync(() => _changes.Any(c => c is { Name: "HotPlug", Kind: PluginChangeKind.Added }), "the hot plug to report the plugin added");
    }

    [Fact]
    public async Task ReplacedFolder_OldDevicesLeaveNewOnesArrive_TheOldLoadContextIsCollected_TheSettingsStay()
    {
        _host.Folders.Add("HotPlug");
        await _host.RestartAsync();
        await StartAsync();
        Assert.True((await _host.Engine.ProviderConfigAsync("HotPlug", new Dictionary<string, string?> { ["Phones"] = "0" })).Succeeded); // deferred (R13)
        var creates = _host.Tapi.Records.Count(r => r is LineEventRecord { Message: LineMessage.Create });

        // A new build of the plugin: the same files, newer.
        var dll = Path.Combine(_host.Folders.Directory, "HotPlug", "HotPlug.dll");
        File.SetLastWriteTimeUtc(dll, File.GetLastWriteTimeUtc(dll).AddMinutes(1));

        await Eventually.WaitAsync(() => _changes.Any(c => c is { Name: "HotPlug", Kind: PluginChangeKind.Replaced }), "the folder to be replaced");
        await _host.Tapi.WaitForAsync(r => r is LineEventRecord { Message: LineMessage.Remove } e && e.P1 == PluginHost.LineBase + 1, "LINE_REMOVE for the old line");
        await Eventually.WaitAsync(() => _host.Tapi.Records.Count(r => r is LineEventRecord { Message: LineMessage.Create }) == creates + 1, "LINE_CREATE for the new line");
        Assert.Equal([(PluginHost.LineBase, "DependencyV1"), (null, "HotPlug")], _host.Lines.Select(l => (l.Id, l.Plugin)).OrderBy(l => l.Plugin)); // the new line waits for its ID
        Assert.Equal("0", _host.Engine.State.FindPlugin("HotPlug")!.Settings["Phones"]);
        var context = _changes.Single(c => c.Kind == PluginChangeKind.Replaced).UnloadedContext!;
        await Collected.WaitAsync(context, "the replaced plugin's old load context to be collected");
    }

    public async ValueTask DisposeAsync()
    {
        if (_hotPlug is not null)
        {
            await _hotPlug.DisposeAsync();
        }

        await _host.DisposeAsync();
    }

    private async Task StartAsync()
    {
        await _host.InstallAsync();
        await _host.InitAsync();
        _hotPlug = new PluginHotPlug(_host.Catalog, _host.Engine, new PluginHotPlugOptions { QuietPeriod = TimeSpan.FromMilliseconds(100) });
        _hotPlug.Changed += _changes.Enqueue;
        _hotPlug.Start();
    }

    private async Task<LineEventRecord> WaitForLineAsync(LineMessage message, string what)
    {
        await _host.Tapi.WaitForAsync(r => r is LineEventRecord e && e.Message == message, what);
        return _host.Tapi.Records.OfType<LineEventRecord>().First(e => e.Message == message);
    }
}
