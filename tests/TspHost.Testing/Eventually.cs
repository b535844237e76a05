namespace TspHost.Testing;

/// <summary>Waits on real events with a bound, so no test can hang.</summary>
public static class Eventually
{
    /// <summary>The longest any test waits for something that should happen promptly.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static Task WaitAsync(Func<bool> condition, string what, TimeSpan? timeout = null) => WaitAsync(condition, () => what, timeout);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after the timeout with what <paramref name="describe"/> says then (what was seen by that time).</summary>
    public static async Task WaitAsync(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(describe);
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting for: {describe()}");
            }

            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    /// <summary>Awaits <paramref name="task"/> with the default bound.</summary>
    public static async Task<T> WithTimeout<T>(this Task<T> task, string what, TimeSpan? timeout = null)
    {
        await ((Task)task).WithTimeout(what, timeout).ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    /// <summary>Awaits <paramref name="task"/> with the default bound.</summary>
    public static async Task WithTimeout(this Task task, string what, TimeSpan? timeout = null)
    {
        try
        {
            await task.WaitAsync(timeout ?? DefaultTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out waiting for: {what}");
        }
    }
}
