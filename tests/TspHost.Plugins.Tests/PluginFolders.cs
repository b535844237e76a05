using System.Reflection;

namespace TspHost.Plugins.Tests;

/// <summary>A temporary plugins directory filled with copies of the fixture plugin folders the build made.</summary>
public sealed class PluginFolders : IDisposable
{
    public PluginFolders()
    {
        Directory = Path.Combine(Path.GetTempPath(), "tsphost-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>Where the build put the fixture plugin folders.</summary>
    public static string FixturesDirectory => Metadata("FixturePluginsDirectory");

    /// <summary>Where the build put the real plugin folders (Simulated, ...).</summary>
    public static string BuiltPluginsDirectory => Metadata("PluginsDirectory");

    /// <summary>The built tsphost executable (an apphost-less dll run with <c>dotnet</c>).</summary>
    public static string TsphostPath => Metadata("TsphostPath");

    public string Directory { get; }

    /// <summary>Copies fixture plugin <paramref name="name"/> in; returns its folder.</summary>
    public string Add(string name, string? from = null, string? into = null)
    {
        var source = Path.Combine(from ?? FixturesDirectory, name);
        Assert.True(System.IO.Directory.Exists(source), $"the build did not produce the plugin folder {source}");
        var target = Path.Combine(into ?? Directory, name);
        CopyTree(source, target);
        return target;
    }

    /// <summary>A folder whose <c>&lt;name&gt;.dll</c> is not an assembly.</summary>
    public string AddCorrupt(string name)
    {
        var folder = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, name + ".dll"), [0x4D, 0x5A, 0x00, 0x01, 0xDE, 0xAD, 0xBE, 0xEF]);
        return folder;
    }

    public static void CopyTree(string source, string target)
    {
        System.IO.Directory.CreateDirectory(target);
        foreach (var file in System.IO.Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to, overwrite: true);
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still mapped by a load context that is not collected yet.
        }
    }

    private static string Metadata(string key) =>
        typeof(PluginFolders).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
