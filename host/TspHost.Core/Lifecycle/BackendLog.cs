using Microsoft.Extensions.Logging;
using TspHost.Abstractions;

namespace TspHost.Core.Lifecycle;

/// <summary>Forwards a backend's log entries to the host's logging, under the plugin's name.</summary>
internal sealed class BackendLog(ILogger logger, string plugin) : IBackendLog
{
    public void Log(BackendLogLevel level, string message, Exception? exception = null)
    {
        var mapped = level switch
        {
            BackendLogLevel.Trace => LogLevel.Trace,
            BackendLogLevel.Debug => LogLevel.Debug,
            BackendLogLevel.Information => LogLevel.Information,
            BackendLogLevel.Warning => LogLevel.Warning,
            _ => LogLevel.Error,
        };
        logger.Log(mapped, exception, "[{Plugin}] {Message}", plugin, message);
    }
}
