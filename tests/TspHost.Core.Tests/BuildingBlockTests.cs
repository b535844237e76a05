using System.Text;
using TspHost.Abstractions;
using TspHost.Core.Configuration;
using TspHost.Core.Handles;
using TspHost.Core.Tapi;
using TspHost.Core.Tests.Fakes;

namespace TspHost.Core.Tests;

public sealed class HandleTableTests
{
    [Fact]
    public async Task ForgedStaleAndWrongKindHandles_AreRejected()
    {
        await using var h = new EngineHarness();
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();
        var (hdCall, _) = await h.ConnectedCallAsync(hdLine);
        var (hdPhone, _) = await h.OpenPhoneAsync();

        Assert.Equal(LineErr.InvalLineHandle, h.Engine.LineMakeCall(h.NextRequestId(), hdLine + 1000, 0x1, out _, "1"));
        Assert.Equal(LineErr.InvalLineHandle, h.Engine.LineMakeCall(h.NextRequestId(), hdCall, 0x1, out _, "1"));
        Assert.Equal(LineErr.InvalCallHandle, h.Engine.LineDrop(h.NextRequestId(), hdLine));
        Assert.Equal(PhoneErr.InvalPhoneHandle, h.Engine.PhoneGetRing(hdLine, out _, out _));
        Assert.Equal(LineErr.InvalLineHandle, h.Engine.LineSelectExtVersion(hdPhone, 0));
        Assert.Equal(LineErr.InvalLineHandle, h.Engine.LineMakeCall(h.NextRequestId(), 0, 0x1, out _, "1"));

        await h.Engine.LineCloseAsync(hdLine);
        Assert.Equal(LineErr.InvalLineHandle, h.Engine.LineMakeCall(h.NextRequestId(), hdLine, 0x1, out _, "1"));
    }

    [Fact]
    public void Allocator_NeverReusesAValue_AcrossTables()
    {
        var allocator = new HandleAllocator();
        var lines = new HandleTable<object>(allocator);
        var calls = new HandleTable<object>(allocator);
        var seen = new HashSet<nint>();
        for (var i = 0; i < 1000; i++)
        {
            var line = lines.Add(new object());
            var call = calls.Add(new object());
            Assert.True(seen.Add(line));
            Assert.True(seen.Add(call));
            lines.Retire(line);
        }

        Assert.False(calls.TryGet(seen.First(), out _));
        Assert.True(lines.WasRetired(seen.First()));
    }
}

public sealed class ProviderStateStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"tsphost-state-{Guid.NewGuid():N}");

    private string StatePath => Path.Combine(_directory, "provider-state.json");

    [Fact]
    public void Save_ThenLoad_RoundTripsTheState()
    {
        var store = new FileProviderStateStore(StatePath);
        var (state, id) = ProviderState.NotInstalled.WithPermanentId("Sim/line/line-1");
        state = state.WithPlugin(new PluginEntry("Sim", new Dictionary<string, string> { ["Lines"] = "3" })) with { Installed = true, Revision = 4 };

        store.Save(state);
        var loaded = new FileProviderStateStore(StatePath).Load();

        Assert.True(loaded.Installed);
        Assert.Equal(4, loaded.Revision);
        Assert.Equal(id, loaded.PermanentIds["Sim/line/line-1"]);
        Assert.Equal("3", loaded.FindPlugin("sim")!.Settings["Lines"]);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp")); // no temp file left behind
    }

    [Fact]
    public void CorruptFile_IsReportedWithItsPathAndPosition()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(StatePath, "{\n  \"Installed\": true,\n  \"Plugins\": [ {\"Name\": ");

        var error = Assert.Throws<ProviderStateCorruptException>(() => new FileProviderStateStore(StatePath).Load());

        Assert.Contains(StatePath, error.Message);
        Assert.Contains("line 3", error.Message);
    }

    [Fact, System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Save_CreatesTheDirectoryOwnerOnly_AndEveryFileOwnerOnly()
    {
        var store = new FileProviderStateStore(Path.Combine(_directory, "nested", "provider-state.json"));

        store.Save(ProviderState.NotInstalled with { Installed = true });

        const UnixFileMode file = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(file | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(store.Path)!));
        Assert.Equal(file, File.GetUnixFileMode(store.Path));
        Assert.Equal(file, File.GetUnixFileMode(store.LastGoodPath));
        using (ProviderStateLock.Acquire(store.Path))
        {
            Assert.Equal(file, File.GetUnixFileMode(store.Path + ".lock"));
        }
    }

    [Fact]
    public void Load_RemovesTheTemporaryFilesOfSavesThatWereCutShort()
    {
        Directory.CreateDirectory(_directory);
        var store = new FileProviderStateStore(StatePath);
        store.Save(ProviderState.NotInstalled with { Installed = true, Revision = 2 });
        var stale = new[] { ".provider-state.json.4242.tmp", ".provider-state.json.4242.7.tmp", ".provider-state.json.last-good.99.tmp" };
        foreach (var name in stale)
        {
            File.WriteAllText(Path.Combine(_directory, name), "{ half written");
        }

        var loaded = new FileProviderStateStore(StatePath).Load();

        Assert.Equal(2, loaded.Revision);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
        Assert.True(File.Exists(Path.Combine(_directory, "provider-state.json.last-good")));
    }

    [Fact]
    public async Task ConcurrentSaves_EachLeaveTheLastGoodCopyEqualToTheFile_NeverBehindIt()
    {
        var store = new FileProviderStateStore(StatePath);
        var saves = Enumerable.Range(1, 64).Select(revision => Task.Run(() => store.Save(ProviderState.NotInstalled with { Revision = revision }))).ToArray();

        await Task.WhenAll(saves).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        // Whichever save came last, both copies hold it: the copy was refreshed inside the same save.
        Assert.Equal(File.ReadAllText(store.Path), File.ReadAllText(store.LastGoodPath));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void MissingFile_ReadsAsNotInstalled() =>
        Assert.False(new FileProviderStateStore(StatePath).Load().Installed);

    [Fact]
    public void Engine_OnCorruptState_RefusesToStartWithTheStoresMessage()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(StatePath, "not json", Encoding.UTF8);

        var error = Assert.Throws<ProviderStateCorruptException>(() =>
            new Lifecycle.ProviderEngine(new Lifecycle.BackendCatalog(), new FileProviderStateStore(StatePath)));

        Assert.Contains("corrupt", error.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

public sealed class BackendSettingsTests
{
    [Theory]
    [InlineData("Lines", "abc", "Plugins:Sim:Lines = 'abc' is not valid; expected a whole number from 1 to 8.")]
    [InlineData("Lines", "9", "Plugins:Sim:Lines = '9' is not valid; expected a whole number from 1 to 8.")]
    public void BadValue_ErrorNamesSourceKeyValueAndExpectedForm(string key, string value, string expected)
    {
        var settings = new BackendSettings([new(key, value)], "tsphost.json", "Plugins:Sim");

        var error = Assert.Throws<BackendConfigurationException>(() => settings.GetInt32("Lines", 2, 1, 8));

        Assert.Equal($"tsphost.json: {expected}", error.Message);
        Assert.Equal("Plugins:Sim:Lines", error.Key);
    }

    [Fact]
    public void MissingRequiredKey_SaysWhatWasExpected()
    {
        var error = Assert.Throws<BackendConfigurationException>(() => BackendSettings.Empty.GetRequiredString("Port", "a device path such as /dev/ttyUSB0"));
        Assert.Contains("Port is missing; expected a device path", error.Message);
    }

    [Fact]
    public void With_AddsReplacesAndRemovesKeys_CaseInsensitively()
    {
        var settings = new BackendSettings([new("A", "1"), new("B", "2")]).With([new("a", "3"), new("B", null), new("C", "4")]);

        Assert.Equal("3", settings.GetString("A", "-"));
        Assert.False(settings.ContainsKey("b"));
        Assert.Equal(4, settings.GetInt32("C", 0));
    }
}
