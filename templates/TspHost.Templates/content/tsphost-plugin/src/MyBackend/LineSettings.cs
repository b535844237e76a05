using TspHost.Abstractions;

namespace MyBackend;

/// <summary>
/// The plugin's settings: the <c>Plugins:MyBackend</c> section of tsphost's configuration, or
/// <c>tsphost config MyBackend Key=Value</c>.
/// </summary>
/// <param name="Address">The line's own number (<c>Address</c>, default 100).</param>
/// <param name="AnswerAfter">How long a placed call rings before the far end answers (<c>AnswerAfterMilliseconds</c>, 0 to 60000, default 1000).</param>
public sealed record LineSettings(string Address, TimeSpan AnswerAfter)
{
    /// <summary>Reads and checks the settings; a bad value throws <see cref="BackendConfigurationException"/> naming the key.</summary>
    public static LineSettings Read(BackendSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new(
            settings.GetString("Address", "100"),
            TimeSpan.FromMilliseconds(settings.GetInt32("AnswerAfterMilliseconds", 1000, 0, 60_000)));
    }
}
