using MyBackend;
using TspHost.Abstractions;

// How the host finds the backend: read from metadata, before any of the plugin's code runs.
[assembly: TelephonyBackend(typeof(Backend))]

namespace MyBackend;

/// <summary>
/// The plugin's entry point. The host creates one instance; each session gets its devices. This one
/// has a single line that places calls (they answer after a configurable delay) and drops them.
/// Replace <see cref="Line"/> and <see cref="Call"/> with code that talks to your hardware.
/// </summary>
public sealed class Backend : ITelephonyBackend
{
    /// <summary>The name in the host's logs.</summary>
    public string Name => "MyBackend";

    /// <summary>Refuses bad settings before the host accepts them (the exception names key and expected form).</summary>
    public void ValidateSettings(BackendSettings settings) => LineSettings.Read(settings);

    /// <summary>A session: the devices live until it is disposed. Nothing of one session survives into the next.</summary>
    public ValueTask<IBackendSession> StartSessionAsync(BackendSessionContext context, CancellationToken cancellationToken)
    {
        var line = new Line(LineSettings.Read(context.Settings), context.Time, context.Log);
        return ValueTask.FromResult<IBackendSession>(new Session(line));
    }

    private sealed class Session(Line line) : IBackendSession
    {
        public IReadOnlyList<ILineDevice> Lines { get; } = [line];

        public IReadOnlyList<IPhoneDevice> Phones { get; } = [];

        public ValueTask DisposeAsync()
        {
            line.End();
            return ValueTask.CompletedTask;
        }
    }
}
