using TspHost.Abstractions;
using TspHost.Fixtures;

[assembly: TelephonyBackend(typeof(HotPlugBackend))]

namespace TspHost.Fixtures;

/// <summary>One line and one phone; dropped in and removed during a session, and unloaded.</summary>
public sealed class HotPlugBackend : FixtureBackend
{
}
