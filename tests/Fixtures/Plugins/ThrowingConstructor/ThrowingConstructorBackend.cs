using TspHost.Abstractions;
using TspHost.Fixtures;

[assembly: TelephonyBackend(typeof(ThrowingConstructorBackend))]

namespace TspHost.Fixtures;

/// <summary>Its constructor throws.</summary>
public sealed class ThrowingConstructorBackend : FixtureBackend
{
    public ThrowingConstructorBackend() => throw new InvalidOperationException("the fixture constructor fails on purpose");
}
