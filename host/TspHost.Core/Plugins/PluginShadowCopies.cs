using System.Diagnostics;
using System.Globalization;

namespace TspHost.Core.Plugins;

/// <summary>
/// Copies of plugin folders that the host loads from, so that the folders in the plugins directory
/// stay free to be replaced or deleted while their plugins run (Windows locks the file of every
/// loaded assembly and native library). Each host process has its own directory under the temporary
/// folder; a copy is deleted when its plugin unloads (where the system allows it) and the copies of
/// host processes that have ended are deleted when the next one loads a plugin.
/// </summary>
internal static class PluginShadowCopies
{
    private static readonly string s_root = Path.Combine(Path.GetTempPath(), "tsphost-plugins");
    private static readonly string s_processRoot = Path.Combine(s_root, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    private static readonly Lazy<bool> s_swept = new(() =>
    {
        DeleteThoseOfEndedProcesses();
        return true;
    });

    /// <summary>Copies <paramref name="folder"/>; returns the copy's path.</summary>
    /// <exception cref="PluginLoadException">The folder could not be copied (it is still being written, or unreadable).</exception>
    public static string Copy(string name, string folder)
    {
        _ = s_swept.Value;
        var copy = Path.Combine(s_processRoot, $"{name}-{Guid.NewGuid():N}");
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

    /// <summary>Deletes a copy; best effort (a copy still mapped on Windows stays until a later host sweeps it).</summary>
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
