using MyBackend;
using TspHost.Abstractions;
using TspHost.Conformance;

namespace MyBackend.Tests;

/// <summary>
/// The contract every TspHost backend keeps, run against this one. Facts the backend cannot take
/// part in (incoming calls, phones) are reported as skipped. The suite drives a fake clock, so the
/// answer delay costs no real time.
/// </summary>
public sealed class ConformanceTests : BackendConformanceTests
{
    protected override ITelephonyBackend CreateBackend() => new Backend();

    protected override BackendSettings Settings { get; } = new([new("AnswerAfterMilliseconds", "500")], "test settings", "Plugins:MyBackend");

    protected override IEnumerable<KeyValuePair<string, string>> InvalidSettings =>
        [new("AnswerAfterMilliseconds", "-1"), new("AnswerAfterMilliseconds", "soon")];

    protected override string? AnsweringNumber => "5551000";
}
