using TspHost.Abstractions;
using TspHost.Conformance;

namespace TspHost.Plugins.SerialModem.Tests.Fakes;

/// <summary>Keeps the warnings and errors the plugin logs.</summary>
internal sealed class RecordingLog : IBackendLog
{
    private readonly RecordedList<(BackendLogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<string> Errors => [.. _entries.Items.Where(e => e.Level >= BackendLogLevel.Error).Select(e => e.Message)];

    public IReadOnlyList<string> Warnings => [.. _entries.Items.Where(e => e.Level == BackendLogLevel.Warning).Select(e => e.Message)];

    public void Log(BackendLogLevel level, string message, Exception? exception = null)
    {
        if (level >= BackendLogLevel.Warning)
        {
            _entries.Add((level, message));
        }
    }
}
