using TspHost.Testing;

namespace TspHost.Plugins.Tests;

/// <summary>Waits, bounded, until an unloaded load context has been garbage collected.</summary>
public static class Collected
{
    public static Task WaitAsync(WeakReference context, string what) =>
        Eventually.WaitAsync(() =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return !context.IsAlive;
        }, what);
}
