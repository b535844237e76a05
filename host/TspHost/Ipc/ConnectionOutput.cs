using System.Buffers;

namespace TspHost.Ipc;

/// <summary>
/// What one connection still has to send: a queue bounded in bytes, drained by one writer at a
/// time off the caller's thread. Queueing never blocks and never drops a frame: when a frame would
/// take the queue past its limit the output closes and the caller disconnects the client, so a client
/// that stops reading costs at most the limit in memory and never slows anyone else.
/// </summary>
internal sealed class ConnectionOutput(int limitBytes, Func<ReadOnlyMemory<byte>, ValueTask> write, Action<Exception> failed)
{
    private const int BatchBytes = 64 * 1024;
    private readonly Lock _lock = new();
    private readonly Queue<byte[]> _queue = new();
    private readonly ArrayBufferWriter<byte> _batch = new(); // only the writer of the moment uses it
    private long _queuedBytes;
    private bool _writing;
    private bool _closed;
    private TaskCompletionSource? _drained;

    /// <summary>The bytes waiting to be sent.</summary>
    public long QueuedBytes
    {
        get
        {
            lock (_lock)
            {
                return _queuedBytes;
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="frame"/>. <see cref="Enqueued.Overflow"/> (once) when it would take the
    /// output past its limit: the output closes, and the caller disconnects the client.
    /// </summary>
    public Enqueued TryEnqueue(byte[] frame)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return Enqueued.Closed;
            }

            if (_queuedBytes + frame.Length > limitBytes)
            {
                CloseAndClear_NeedsLock();
                return Enqueued.Overflow;
            }

            _queue.Enqueue(frame);
            _queuedBytes += frame.Length;
            if (_writing)
            {
                return Enqueued.Queued;
            }

            _writing = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static output => _ = output.DrainAsync(), this, preferLocal: false);
        return Enqueued.Queued;
    }

    /// <summary>Takes no more frames and waits (bounded) until what is queued has been written.</summary>
    public async Task CompleteAsync(TimeSpan timeout)
    {
        Task drained;
        lock (_lock)
        {
            _closed = true;
            if (!_writing)
            {
                return;
            }

            drained = (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        await drained.WaitAsync(timeout).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    /// <summary>Drops what is queued and takes nothing more (the connection is gone).</summary>
    public void Abandon()
    {
        lock (_lock)
        {
            CloseAndClear_NeedsLock();
        }
    }

    private void CloseAndClear_NeedsLock()
    {
        _closed = true;
        _queue.Clear();
        _queuedBytes = 0;
    }

    private async Task DrainAsync()
    {
        try
        {
            while (TakeBatch() is { } batch)
            {
                await write(batch).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            Abandon();
            Done();
            failed(e);
        }
    }

    /// <summary>The frames queued now, up to a batch (one frame as it is, several copied into one write); null when none: the writer stops.</summary>
    private ReadOnlyMemory<byte>? TakeBatch()
    {
        lock (_lock)
        {
            if (_queue.Count == 0)
            {
                Done_NeedsLock();
                return null;
            }

            var first = _queue.Dequeue();
            _queuedBytes -= first.Length;
            if (_queue.Count == 0 || first.Length + _queue.Peek().Length > BatchBytes)
            {
                return first;
            }

            _batch.ResetWrittenCount();
            _batch.Write(first);
            while (_queue.TryPeek(out var next) && _batch.WrittenCount + next.Length <= BatchBytes)
            {
                _batch.Write(_queue.Dequeue());
                _queuedBytes -= next.Length;
            }

            return _batch.WrittenMemory;
        }
    }

    private void Done()
    {
        lock (_lock)
        {
            Done_NeedsLock();
        }
    }

    private void Done_NeedsLock()
    {
        _writing = false;
        _drained?.TrySetResult();
    }
}

/// <summary>What became of a frame given to <see cref="ConnectionOutput.TryEnqueue"/>.</summary>
internal enum Enqueued
{
    /// <summary>It will be written.</summary>
    Queued,

    /// <summary>The output is closed: the connection is ending.</summary>
    Closed,

    /// <summary>The client is too far behind: the output closed now.</summary>
    Overflow,
}
