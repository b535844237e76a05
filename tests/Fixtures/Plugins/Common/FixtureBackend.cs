using TspHost.Abstractions;

namespace TspHost.Fixtures;

/// <summary>
/// A minimal backend for loader tests: <c>Lines</c> lines and <c>Phones</c> phones (settings, default
/// one each) that open and close and support nothing else: the optional operations are the contract's
/// defaults, which report them unavailable. Fixtures override what they test.
/// </summary>
public class FixtureBackend : ITelephonyBackend
{
    public virtual string Name => GetType().Assembly.GetName().Name!;

    /// <summary>A line's name; fixtures put what they prove into it (e.g. a dependency's version).</summary>
    protected virtual string LineName => $"{Name} line";

    public virtual void ValidateSettings(BackendSettings settings)
    {
        settings.GetInt32("Lines", 1, 0, 8);
        settings.GetInt32("Phones", 1, 0, 8);
        if (settings.GetBoolean("RequireDevicePath", false))
        {
            settings.GetRequiredString("DevicePath", "the path of the device, e.g. /dev/ttyUSB0");
        }
    }

    public virtual ValueTask InstallAsync(BackendHookContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<IBackendSession> StartSessionAsync(BackendSessionContext context, CancellationToken cancellationToken)
    {
        var lines = context.Settings.GetInt32("Lines", 1, 0, 8);
        var phones = context.Settings.GetInt32("Phones", 1, 0, 8);
        return ValueTask.FromResult<IBackendSession>(new Session(
            [.. Enumerable.Range(1, lines).Select(i => new Line($"line-{i}", LineName))],
            [.. Enumerable.Range(1, phones).Select(i => new Phone($"phone-{i}", $"{Name} phone"))]));
    }

    private sealed record Session(IReadOnlyList<ILineDevice> Lines, IReadOnlyList<IPhoneDevice> Phones) : IBackendSession
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static TelephonyException Unavailable() => new(TelephonyError.OperationUnavailable, "fixture devices only open and close");

    private sealed class Line(string key, string name) : ILineDevice
    {
        public string Key => key;

        public LineCapabilities Capabilities { get; } = new() { Name = name };

        public ValueTask OpenAsync(ILineEvents events, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CloseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<IBackendCall> MakeCallAsync(MakeCallRequest request, ICallEvents events, CancellationToken cancellationToken) =>
            ValueTask.FromException<IBackendCall>(Unavailable());
    }

    private sealed class Phone(string key, string name) : IPhoneDevice
    {
        public string Key => key;

        public PhoneCapabilities Capabilities { get; } = new() { Name = name };

        public ValueTask OpenAsync(IPhoneEvents events, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CloseAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
