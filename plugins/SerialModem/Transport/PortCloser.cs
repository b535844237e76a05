using TspHost.Abstractions;

namespace TspHost.Plugins.SerialModem.Transport;

/// <summary>
/// Closes a port on a thread of its own and waits for it only so long: closing a serial port can
/// hang (a driver waiting to drain its output to a device that stopped, dotnet/runtime#100690), and
/// the plugin must go on (reconnect, end its session) whatever the port does.
/// </summary>
internal static class PortCloser
{
    /// <summary>Runs <paramref name="close"/>; true when it finished within <paramref name="bound"/>, else it is left behind with a warning.</summary>
    public static async Task<bool> CloseAsync(string port, Action close, TimeSpan bound, TimeProvider time, IBackendLog log)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                close();
            }
            catch (Exception error)
            {
                log.Log(BackendLogLevel.Warning, $"{port}: closing the port failed: {error.Message}", error);
            }
            finally
            {
                done.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = $"SerialModem close {port}",
        };
        thread.Start();

        try
        {
            await done.Task.WaitAsync(bound, time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            log.Log(
                BackendLogLevel.Warning,
                $"{port}: closing the port did not finish within {bound.TotalMilliseconds:0} ms; it is left to finish on its own. " +
                "Until it does, one thread and the port's handle stay with this process, and the port may refuse to open again.");
            return false;
        }
    }
}
