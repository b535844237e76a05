using System.Threading.Channels;
using StreamJsonRpc;
using TspHost.Abstractions;
using TspHost.Workers.Channel;

namespace TspHost.Workers.Worker;

/// <summary>
/// The worker's notifications to the host, sent by one loop in the order the plugin reported them
/// (so per device, too). A plugin's event call only queues: it never waits for the host.
/// </summary>
internal sealed class WorkerOutbox
{
    private readonly Channel<(string? Method, object?[]? Arguments, TaskCompletionSource? Sent)> _queue =
        System.Threading.Channels.Channel.CreateUnbounded<(string?, object?[]?, TaskCompletionSource?)>(new UnboundedChannelOptions { SingleReader = true });
    private JsonRpc? _rpc;
    private Task _loop = Task.CompletedTask;

    public void Start(JsonRpc rpc)
    {
        _rpc = rpc;
        _loop = Task.Run(RunAsync);
    }

    public void Post(string method, params object?[] arguments) => _queue.Writer.TryWrite((method, arguments, null));

    /// <summary>
    /// Completes once everything posted so far has been sent. A reply waits for it, so what the plugin
    /// reported before an operation returned reaches the host before the operation's result, as it
    /// does in-process (a call's DIALING before lineMakeCall completes).
    /// </summary>
    public Task FlushAsync()
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite((null, null, sent)) ? sent.Task : Task.CompletedTask;
    }

    public void Log(BackendLogLevel level, string message, Exception? exception = null) =>
        Post(nameof(IHostCallbacks.Log), level, message, exception?.ToString());

    public async Task StopAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var (method, arguments, sent) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                if (sent is not null)
                {
                    sent.TrySetResult();
                    continue;
                }

                await _rpc!.NotifyAsync(method!, arguments).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is ConnectionLostException or ObjectDisposedException or IOException)
        {
            // The host went away: the worker ends with the connection.
        }
        finally
        {
            while (_queue.Reader.TryRead(out var item))
            {
                item.Sent?.TrySetResult();
            }
        }
    }
}

/// <summary>The worker's log for its plugin: entries cross to the host, which logs them under the plugin's name.</summary>
internal sealed class OutboxLog(WorkerOutbox outbox) : IBackendLog
{
    public void Log(BackendLogLevel level, string message, Exception? exception = null) => outbox.Log(level, message, exception);
}
