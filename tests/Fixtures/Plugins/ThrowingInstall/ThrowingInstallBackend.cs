using TspHost.Abstractions;
using TspHost.Fixtures;

[assembly: TelephonyBackend(typeof(ThrowingInstallBackend))]

namespace TspHost.Fixtures;

/// <summary>Its install hook throws, naming its <c>Reason</c> setting when there is one (to show what settings a hook sees).</summary>
public sealed class ThrowingInstallBackend : FixtureBackend
{
    public override ValueTask InstallAsync(BackendHookContext context, CancellationToken cancellationToken) =>
        ValueTask.FromException(new InvalidOperationException(
            context.Settings.GetString("Reason", "") is { Length: > 0 } reason ? $"the fixture install hook fails on purpose: {reason}" : "the fixture install hook fails on purpose"));
}
