using System.Diagnostics;
using System.Globalization;

namespace TspHost.Core.Plugins;

/// <summary>
/// Copies of plugin folders that the host loads from, so that the folders in the plugins directory
/// stay free to be replaced or deleted while their plugins run (Windows locks the file of every
/// loaded assembly and native library). Each host process has its own directory under the temporary
/// folder (and each catalog its own directory inside it); a copy is deleted when its plugin unloads
/// (where the system allows it) and the copies of host processes that have ended are deleted when the
/// next one starts.
/// </summary>
internal sealed class PluginShadowCopies
{
    private static readonly string s_root = Path.Combine(Path.GetTempPath(), "tsphost-plugins");
    private readonly string _catalogRoot = Path.Combine(s_root, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), Guid.NewGuid().ToString("N"));

    public PluginShadowCopies() => DeleteThoseOfEndedProcesses();

    /// <summary>Copies <paramref name="folder"/>; returns the copy's path.</summary>
    /// <exception cref="PluginLoadException">The folder could not be copied (it is still being written, or unreadable).</exception>
    public string Copy(string name, string folder)
    {
        var copy = Path.Combine(_catalogRoot, $"{name}-{Guid.NewGuid():N}");
        try
        {
            foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy, Path.GetRelativePath(folder, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            return copy;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Delete(copy);
            throw new PluginLoadException(name, $"the folder {folder} could not be copied for loading: {e.Message}", e);
        }
    }

    /// <summary>Deletes a copy, or a catalog's whole directory; best effort (a copy still mapped on Windows stays until the next start).</summary>
    public static void Delete(string copy)
    {
        try
        {
            if (Directory.Exists(copy))
            {
                Directory.Delete(copy, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still in use; removed when a later host starts.
        }
    }

    public void DeleteAll() => Delete(_catalogRoot);

    private static void DeleteThoseOfEndedProcesses()
    {
        if (!Directory.Exists(s_root))
        {
            return;
        }

        foreach (var directory in Directory.GetDirectories(s_root))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId && !IsRunning(pid))
            {
                Delete(directory);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
