using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using McMaster.NETCore.Plugins;
using TspHost.Abstractions;

namespace TspHost.Core.Plugins;

/// <summary>
/// Loads one plugin folder and creates its backend: the whole loader, usable on its own (by the
/// catalog here, or by a worker process that hosts a single plugin). A folder <c>&lt;Name&gt;/</c>
/// holds <c>&lt;Name&gt;.dll</c>, its <c>.deps.json</c> and its private dependencies.
/// <list type="number">
/// <item>Metadata first: the backend type and the contract version are read without running any of
/// the plugin's code, and a refused contract version stops here.</item>
/// <item>The folder is copied to a private directory of this process, and the plugin runs from the copy,
/// so the folder stays free to be replaced or deleted while it runs (Windows locks every loaded
/// assembly and native library; a memory-mapped assembly overwritten in place corrupts the plugin).</item>
/// <item>McMaster.NETCore.Plugins loads the copy into a collectible load context of its own: the
/// contract (TspHost.Abstractions) is shared with the host, and so are the
/// <c>Microsoft.Extensions.*.Abstractions</c> the plugin ships when the host has them; everything
/// else resolves through the plugin's <c>.deps.json</c>, so two plugins may carry different versions
/// of one library.</item>
/// </list>
/// Every failure is a <see cref="PluginLoadException"/> naming the plugin and what is wrong.
/// </summary>
public static class BackendPluginLoader
{
    /// <summary>Loads the plugin in <paramref name="folder"/> (named after the folder) and creates its backend.</summary>
    /// <exception cref="PluginLoadException">The folder is not a loadable plugin; nothing of it stays loaded.</exception>
    public static LoadedBackend Load(string folder)
    {
        folder = Path.GetFullPath(folder);
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        var path = Path.Combine(folder, name + ".dll");
        var manifest = Inspect(folder);

        var copy = PluginShadowCopies.Copy(name, folder);
        PluginLoader? loader = null;
        try
        {
            var loadPath = Path.Combine(copy, name + ".dll");
            loader = CreateLoader(name, folder, loadPath);
            var backend = CreateBackend(name, path, manifest, loader);
            return new LoadedBackend(name, folder, manifest, backend, copy, loader);
        }
        catch
        {
            loader?.Dispose();
            PluginShadowCopies.Delete(copy);
            throw;
        }
    }

    /// <summary>
    /// The first step of <see cref="Load"/> alone: reads the folder's manifest from metadata and checks
    /// its contract version, running none of the plugin's code (the host does this before it starts a
    /// plugin in a worker process, which then loads it).
    /// </summary>
    /// <exception cref="PluginLoadException">The folder has no plugin assembly, or it declares no backend, or a refused contract.</exception>
    public static PluginManifest Inspect(string folder)
    {
        folder = Path.GetFullPath(folder);
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        var path = Path.Combine(folder, name + ".dll");
        if (!File.Exists(path))
        {
            throw new PluginLoadException(name, $"the folder {folder} has no {name}.dll (a plugin folder <Name>/ holds <Name>.dll and its dependencies).");
        }

        // Metadata first: nothing of the plugin runs before its contract version is known to fit.
        var manifest = PluginManifest.Read(name, path);
        return ContractCompatibility.Check(name, manifest.ContractVersion) is { } refusal ? throw new PluginLoadException(name, refusal) : manifest;
    }

    private static PluginLoader CreateLoader(string name, string folder, string loadPath)
    {
        try
        {
            return PluginLoader.CreateFromAssemblyFile(loadPath, isUnloadable: true, sharedTypes: [typeof(ITelephonyBackend)], config =>
            {
                foreach (var shared in SharedAbstractions(loadPath))
                {
                    config.SharedAssemblies.Add(shared);
                }
            });
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or FormatException or ArgumentException)
        {
            // McMaster reads the .deps.json here: a corrupt one surfaces as InvalidOperationException.
            throw new PluginLoadException(name, $"the folder {folder} cannot be loaded (is its {name}.deps.json intact?): {e.Message}", e);
        }
    }

    /// <summary>
    /// The Microsoft.Extensions abstractions the plugin ships that the host can load too: those resolve
    /// to the host's copies, so host and plugin agree on their types. One the host lacks stays private.
    /// </summary>
    private static IEnumerable<AssemblyName> SharedAbstractions(string loadPath)
    {
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(loadPath)!, "Microsoft.Extensions.*.Abstractions.dll"))
        {
            var shared = new AssemblyName(Path.GetFileNameWithoutExtension(file));
            if (HostCanLoad(shared))
            {
                yield return shared;
            }
        }
    }

    private static bool HostCanLoad(AssemblyName name)
    {
        try
        {
            AssemblyLoadContext.Default.LoadFromAssemblyName(name);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return false;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ITelephonyBackend CreateBackend(string name, string path, PluginManifest manifest, PluginLoader loader)
    {
        try
        {
            // Contextual reflection: a plugin that resolves types by name (Type.GetType, serializers)
            // finds its own assemblies, not the host's.
            using var scope = loader.EnterContextualReflection();
            var assembly = loader.LoadDefaultAssembly();
            var type = assembly.GetType(manifest.BackendTypeName, throwOnError: false)
                ?? throw new PluginLoadException(name, $"the backend type {manifest.BackendTypeName} named by its TelephonyBackend attribute is not in {path}.");
            if (!typeof(ITelephonyBackend).IsAssignableFrom(type) || type.IsAbstract)
            {
                throw new PluginLoadException(name, $"{type.FullName} is not a concrete ITelephonyBackend (check that the plugin does not ship its own copy of TspHost.Abstractions).");
            }

            return (ITelephonyBackend)(Activator.CreateInstance(type)
                ?? throw new PluginLoadException(name, $"creating {type.FullName} returned nothing."));
        }
        catch (Exception e) when (e is not PluginLoadException)
        {
            var cause = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
            var what = e is TargetInvocationException or MissingMethodException ? "its backend's constructor failed" : "loading it failed";
            throw new PluginLoadException(name, $"{what}: {cause.GetType().Name}: {cause.Message}", cause);
        }
    }
}

/// <summary>
/// A plugin loaded by <see cref="BackendPluginLoader.Load"/>: its backend, and the handle that unloads
/// it. Disposing unloads it too.
/// </summary>
public sealed class LoadedBackend : IDisposable
{
    private readonly Lock _lock = new();
    private PluginLoader? _loader;

    internal LoadedBackend(string name, string folder, PluginManifest manifest, ITelephonyBackend backend, string loadedFrom, PluginLoader loader)
    {
        (Name, Folder, Manifest, Backend, LoadedFrom, _loader) = (name, folder, manifest, backend, loadedFrom, loader);
    }

    /// <summary>The plugin's name: its folder's.</summary>
    public string Name { get; }

    /// <summary>The folder it was loaded from.</summary>
    public string Folder { get; }

    /// <summary>What its metadata declares.</summary>
    public PluginManifest Manifest { get; }

    /// <summary>Its backend, created with the backend type's parameterless constructor.</summary>
    public ITelephonyBackend Backend { get; }

    /// <summary>The private copy of <see cref="Folder"/> the plugin runs from (deleted on unload).</summary>
    public string LoadedFrom { get; }

    /// <summary>
    /// Unloads the plugin's load context and deletes its private copy (where the system allows it; a
    /// copy still mapped on Windows goes when a later host starts). The context is collected once
    /// nothing refers to the plugin's objects any more: the returned weak reference tells when.
    /// Null when it was unloaded already.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public WeakReference? Unload()
    {
        PluginLoader? loader;
        lock (_lock)
        {
            (loader, _loader) = (_loader, null);
        }

        if (loader is null)
        {
            return null;
        }

        var context = new WeakReference(loader.LoadContext);
        loader.Dispose();
        PluginShadowCopies.Delete(LoadedFrom);
        return context;
    }

    /// <inheritdoc cref="Unload"/>
    public void Dispose() => Unload();
}
