using System.Text.Json.Serialization;

namespace TspHost.Core.Configuration;

/// <summary>
/// The provider's static configuration (R12): which plugins are installed with which settings, the
/// permanent device IDs handed out so far, and the changes made during a session that wait for the
/// next one (R13). Immutable; every change produces a new value that the store writes atomically.
/// </summary>
public sealed record ProviderState
{
    public static ProviderState NotInstalled { get; } = new();

    /// <summary>Whether providerInstall has run (and providerRemove has not).</summary>
    public bool Installed { get; init; }

    /// <summary>The permanent provider ID TAPI gave at install.</summary>
    public uint PermanentProviderId { get; init; }

    /// <summary>The installed plugins in installation order (their devices are numbered in this order).</summary>
    public IReadOnlyList<PluginEntry> Plugins { get; init; } = [];

    /// <summary>Permanent IDs by device key (<c>plugin/line/key</c>, <c>plugin/phone/key</c>).</summary>
    public IReadOnlyDictionary<string, uint> PermanentIds { get; init; } = new Dictionary<string, uint>();

    /// <summary>The next permanent ID to hand out; never reused.</summary>
    public uint NextPermanentId { get; init; } = 1;

    /// <summary>R13: a providerRemove accepted during a session, applied when the session ends.</summary>
    public bool RemovePending { get; init; }

    /// <summary>Incremented on every change; a session records the revision it started from.</summary>
    public long Revision { get; init; }

    public PluginEntry? FindPlugin(string name) =>
        Plugins.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    public ProviderState WithPlugin(PluginEntry entry)
    {
        var plugins = Plugins.Select(p => string.Equals(p.Name, entry.Name, StringComparison.OrdinalIgnoreCase) ? entry : p).ToList();
        if (FindPlugin(entry.Name) is null)
        {
            plugins.Add(entry);
        }

        return this with { Plugins = plugins };
    }

    public ProviderState WithoutPlugin(string name) =>
        this with { Plugins = [.. Plugins.Where(p => !string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))] };

    /// <summary>Whether a change made during a session waits to be applied (R13).</summary>
    [JsonIgnore]
    public bool HasDeferredChanges => RemovePending || Plugins.Any(p => p.ConfigurePending || p.InstallPending || p.RemovePending);

    /// <summary>Returns the permanent ID of <paramref name="deviceKey"/>, handing out a new one the first time.</summary>
    public (ProviderState State, uint PermanentId) WithPermanentId(string deviceKey)
    {
        if (PermanentIds.TryGetValue(deviceKey, out var id))
        {
            return (this, id);
        }

        var ids = new Dictionary<string, uint>(PermanentIds, StringComparer.Ordinal) { [deviceKey] = NextPermanentId };
        return (this with { PermanentIds = ids, NextPermanentId = NextPermanentId + 1 }, NextPermanentId);
    }
}

/// <summary>One installed plugin.</summary>
/// <param name="Name">The plugin's name (its folder name, or its catalog name).</param>
/// <param name="Settings">Its settings.</param>
/// <param name="ConfigurePending">R13: its settings changed during a session; the configure hook runs when the session ends.</param>
/// <param name="InstallPending">R13: installed during a session; its install hook runs, and it joins sessions, when the session ends.</param>
/// <param name="RemovePending">R13: removed during a session; its remove hook runs, and its entry goes, when the session ends.</param>
public sealed record PluginEntry(string Name, IReadOnlyDictionary<string, string> Settings, bool ConfigurePending = false,
    bool InstallPending = false, bool RemovePending = false);
