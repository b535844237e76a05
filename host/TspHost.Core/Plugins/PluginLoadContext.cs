using System.Reflection;
using System.Runtime.Loader;

namespace TspHost.Core.Plugins;

/// <summary>
/// One plugin's collectible load context. The contract (TspHost.Abstractions) and the
/// Microsoft.Extensions abstractions resolve to the host's copies, so host and plugin agree on those
/// types; every other assembly (and native library) resolves through the plugin's .deps.json inside
/// its own folder, so two plugins may carry different versions of the same library.
/// </summary>
internal sealed class PluginLoadContext(string plugin, string mainAssemblyPath)
    : AssemblyLoadContext($"plugin:{plugin}", isCollectible: true)
{
    private readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

    /// <summary>Whether <paramref name="name"/> is shared with the host rather than private to a plugin.</summary>
    public static bool IsShared(AssemblyName name) =>
        name.Name is { } simple
        && (simple == "TspHost.Abstractions"
            || (simple.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) && simple.EndsWith(".Abstractions", StringComparison.Ordinal)));

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName))
        {
            return null; // falls back to the default context: the host's copy
        }

        return _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override nint LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : 0;
}
