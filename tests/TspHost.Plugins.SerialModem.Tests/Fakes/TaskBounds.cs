using TspHost.Testing;

namespace TspHost.Plugins.SerialModem.Tests.Fakes;

internal static class TaskBounds
{
    /// <summary>Awaits a task without a result with the default bound, like <see cref="Eventually.WithTimeout{T}"/>.</summary>
    public static async Task WithTimeout(this Task task, string what)
    {
        try
        {
            await task.WaitAsync(Eventually.DefaultTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out waiting for: {what}");
        }
    }
}
