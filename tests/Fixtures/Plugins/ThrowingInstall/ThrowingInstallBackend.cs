using TspHost.Abstractions;
using TspHost.Fixtures;

[assembly: TelephonyBackend(typeof(ThrowingInstallBackend))]

namespace TspHost.Fixtures;

/// <summary>Its install hook throws.</summary>
public sealed class ThrowingInstallBackend : FixtureBackend
{
    public override ValueTask InstallAsync(BackendHookContext context, CancellationToken cancellationToken) =>
        ValueTask.FromException(new InvalidOperationException("the fixture install hook fails on purpose"));
}
