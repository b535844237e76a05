using TspHost.Abstractions;

namespace TspHost.Core.Plugins;

/// <summary>
/// Where a plugin runs: a catalog given one asks it, once a folder's metadata has passed the contract
/// check, whether to run the plugin outside the host's process (R15). The loader itself stays the
/// same: the worker process loads the folder with the same <see cref="PluginCatalog"/>.
/// </summary>
public interface IPluginIsolation
{
    /// <summary>
    /// Starts <paramref name="name"/> out of process and returns its backend (a proxy, disposed when
    /// the plugin unloads), or null to load it into the host's process as usual.
    /// </summary>
    /// <exception cref="PluginLoadException">The plugin could not be started or loaded in its worker; the message says why.</exception>
    ITelephonyBackend? Start(string name, string folder, PluginManifest manifest);
}
