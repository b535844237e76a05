using TspHost.Core.Configuration;
using TspHost.Core.Lifecycle;
using TspHost.Core.Plugins;
using TspHost.Core.Tests.Fakes;
using TspHost.Core.Versions;

namespace TspHost.Plugins.Tests;

/// <summary>
/// A host as the tsphost process builds it: a plugin catalog over a temporary plugins directory, the
/// provider state in a real file, and an engine over both; <see cref="RestartAsync"/> makes a new
/// engine and catalog over the same files, as a host restart does.
/// </summary>
public sealed class PluginHost : IAsyncDisposable
{
    public const uint ProviderId = 3;
    public const uint LineBase = 100;
    public const uint PhoneBase = 200;

    private readonly ProviderEngineOptions _options;

    public PluginHost(params string[] plugins)
        : this(null, plugins)
    {
    }

    /// <summary>A host whose sessions read <paramref name="settings"/> (tsphost.json and the like).</summary>
    public PluginHost(IPluginSettingsSource? settings, params string[] plugins)
    {
        _options = Options with { PluginSettings = settings };
        foreach (var plugin in plugins)
        {
            Folders.Add(plugin);
        }

        StatePath = Path.Combine(Folders.Directory, ".state", "provider-state.json");
        (Catalog, Engine) = Create();
    }

    public PluginFolders Folders { get; } = new();

    public string StatePath { get; }

    public PluginCatalog Catalog { get; private set; }

    public ProviderEngine Engine { get; private set; }

    public RecordingTapi Tapi { get; private set; } = new();

    /// <summary>As tsphost runs it: a plugin that fails to install is reported and the others installed.</summary>
    public static ProviderEngineOptions Options { get; } = new() { InstallSkipsFailingPlugins = true };

    public async Task RestartAsync()
    {
        await Engine.DisposeAsync();
        Catalog.Dispose();
        (Catalog, Engine) = Create();
    }

    public Task InstallAsync() => SessionSteps.InstallAsync(Engine, ProviderId);

    /// <summary>providerEnumDevices then providerInit, numbering every device from the bases.</summary>
    public async Task InitAsync() => Tapi = await SessionSteps.InitAsync(Engine, ProviderId, LineBase, PhoneBase);

    public Task ShutdownAsync() => Engine.ProviderShutdownAsync(TspiVersion.V3_0, ProviderId);

    /// <summary>The session's line names in device ID order, with their IDs.</summary>
    public IReadOnlyList<(uint? Id, string Name, string Plugin)> Lines =>
        [.. Engine.Session!.LineEntries.Where(e => !e.Removed).OrderBy(e => e.DeviceId).Select(e => (e.DeviceId, e.Name, e.Plugin))];

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Catalog.Dispose();
        Folders.Dispose();
    }

    private (PluginCatalog, ProviderEngine) Create()
    {
        var catalog = new PluginCatalog(Folders.Directory);
        catalog.Scan();
        return (catalog, new ProviderEngine(catalog, new FileProviderStateStore(StatePath), _options));
    }
}
