using TspHost.Abstractions;

namespace TspHost.Core.Lifecycle;

/// <summary>The backends the engine can install, by plugin name.</summary>
public interface IBackendCatalog
{
    /// <summary>Finds a backend by plugin name (case-insensitive).</summary>
    bool TryGet(string name, out ITelephonyBackend backend);

    /// <summary>The plugins providerInstall installs, with their initial settings.</summary>
    IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Settings)> Defaults { get; }
}

/// <summary>A catalog of backend objects registered in code (tests, the in-process demo).</summary>
public sealed class BackendCatalog : IBackendCatalog
{
    private readonly Dictionary<string, ITelephonyBackend> _backends = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string, IReadOnlyDictionary<string, string>)> _defaults = [];

    /// <summary>Registers <paramref name="backend"/>; with <paramref name="installByDefault"/>, providerInstall installs it with <paramref name="settings"/>.</summary>
    public BackendCatalog Add(string name, ITelephonyBackend backend, bool installByDefault = true, IReadOnlyDictionary<string, string>? settings = null)
    {
        _backends.Add(name, backend);
        if (installByDefault)
        {
            _defaults.Add((name, settings ?? new Dictionary<string, string>()));
        }

        return this;
    }

    public bool TryGet(string name, out ITelephonyBackend backend) => _backends.TryGetValue(name, out backend!);

    public IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Settings)> Defaults => _defaults;
}
