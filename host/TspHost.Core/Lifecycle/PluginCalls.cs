using TspHost.Abstractions;

namespace TspHost.Core.Lifecycle;

/// <summary>Why a plugin's settings were not accepted.</summary>
/// <param name="Message">What to tell people; it names the plugin, or the key and the form expected.</param>
/// <param name="PluginFault">
/// True when the plugin itself failed (threw something other than <see cref="BackendConfigurationException"/>,
/// or did not answer): the plugin is left out, not the configuration refused.
/// </param>
/// <param name="Exception">What the plugin threw (or the timeout).</param>
internal sealed record SettingsProblem(string Message, bool PluginFault, Exception Exception);

/// <summary>
/// Calls into a plugin that the engine must survive whatever the plugin does: off the caller's thread,
/// bounded by a timeout measured by the host, every exception caught (R15).
/// </summary>
internal static class PluginCalls
{
    /// <summary>The plugin's <see cref="ITelephonyBackend.ValidateSettings"/>; null when the settings are valid.</summary>
    public static async Task<SettingsProblem?> ValidateAsync(string plugin, ITelephonyBackend backend, BackendSettings settings, TimeSpan timeout, TimeProvider time)
    {
        try
        {
            await Task.Run(() => backend.ValidateSettings(settings)).WaitAsync(timeout, time).ConfigureAwait(false);
            return null;
        }
        catch (BackendConfigurationException e)
        {
            return new SettingsProblem(e.Message, PluginFault: false, e);
        }
        catch (TimeoutException e)
        {
            return new SettingsProblem($"Plugin '{plugin}' did not finish checking its settings within {timeout.TotalSeconds:0.#} s.", PluginFault: true, e);
        }
        catch (Exception e)
        {
            return new SettingsProblem($"Plugin '{plugin}' failed checking its settings: {e.GetType().Name}: {e.Message}", PluginFault: true, e);
        }
    }

    /// <summary>
    /// Reads what the engine needs of a backend session's devices (the lists, each device's key and
    /// capabilities) off the caller's thread and bounded, so a getter that throws or hangs leaves out
    /// only its plugin.
    /// </summary>
    /// <exception cref="Exception">A getter threw, or the reads did not finish within <paramref name="timeout"/> (a <see cref="TimeoutException"/>).</exception>
    public static Task<SessionDevices> ReadDevicesAsync(IBackendSession session, TimeSpan timeout, TimeProvider time) =>
        Task.Run(() => new SessionDevices(
            [.. session.Lines.Select(Describe)],
            [.. session.Phones.Select(Describe)])).WaitAsync(timeout, time);

    /// <summary>A line's key and capabilities; throws what the plugin's getters throw.</summary>
    public static LineDescriptor Describe(ILineDevice line) =>
        new(line ?? throw new InvalidOperationException("the plugin listed a null line"), line.Key ?? throw new InvalidOperationException("a line has a null Key"),
            line.Capabilities ?? throw new InvalidOperationException($"line '{line.Key}' has null Capabilities"));

    /// <summary>A phone's key and capabilities; throws what the plugin's getters throw.</summary>
    public static PhoneDescriptor Describe(IPhoneDevice phone) =>
        new(phone ?? throw new InvalidOperationException("the plugin listed a null phone"), phone.Key ?? throw new InvalidOperationException("a phone has a null Key"),
            phone.Capabilities ?? throw new InvalidOperationException($"phone '{phone.Key}' has null Capabilities"));

    /// <summary>What went wrong, for a sentence: the exception's type and message.</summary>
    public static string Describe(Exception e) => e is TimeoutException ? e.Message : $"{e.GetType().Name}: {e.Message}";
}

/// <summary>A line as the engine read it once: the device, its key and its capabilities.</summary>
internal sealed record LineDescriptor(ILineDevice Device, string Key, LineCapabilities Capabilities);

/// <summary>A phone as the engine read it once.</summary>
internal sealed record PhoneDescriptor(IPhoneDevice Device, string Key, PhoneCapabilities Capabilities);

/// <summary>The devices of a backend session, read once.</summary>
internal sealed record SessionDevices(IReadOnlyList<LineDescriptor> Lines, IReadOnlyList<PhoneDescriptor> Phones);
