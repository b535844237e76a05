using TspHost.Abstractions;
using TspHost.Fixtures;

[assembly: TelephonyBackend(typeof(DependencyBackend))]

namespace TspHost.Fixtures;

/// <summary>Names its line after the FixtureDependency version it loaded (DependencyV1 and DependencyV2 differ only in that reference).</summary>
public sealed class DependencyBackend : FixtureBackend
{
    protected override string LineName => $"uses FixtureDependency {FixtureDependency.DependencyInfo.Version}";
}
