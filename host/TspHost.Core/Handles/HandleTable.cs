using System.Collections.Concurrent;

namespace TspHost.Core.Handles;

/// <summary>
/// Hands out the provider's handles (hdLine, hdPhone, hdCall). Values are never reused during the
/// engine's life and start at a random base, so a stale handle (from a closed device, an ended call,
/// an earlier session or an earlier host process) or a forged one is never mistaken for a live one.
/// One allocator serves all tables, so a line handle never equals a call handle either.
/// </summary>
public sealed class HandleAllocator
{
    private long _next = (long)Random.Shared.Next(0x100, 0x4000) << 16;

    public nint Next() => (nint)Interlocked.Increment(ref _next);
}

/// <summary>
/// Live handles of one kind. A retired handle is remembered so an idempotent close can tell
/// "already closed" (success) from "never issued" (invalid handle).
/// </summary>
public sealed class HandleTable<T>(HandleAllocator allocator)
    where T : class
{
    private readonly ConcurrentDictionary<nint, T> _live = new();
    private readonly ConcurrentDictionary<nint, byte> _retired = new();

    public IEnumerable<T> Items => _live.Values;

    public nint Add(T item)
    {
        var handle = allocator.Next();
        _live[handle] = item;
        return handle;
    }

    public bool TryGet(nint handle, out T item) => _live.TryGetValue(handle, out item!);

    /// <summary>Removes a live handle; returns the item it named, or <c>null</c> when it was not live.</summary>
    public T? Retire(nint handle)
    {
        if (_live.TryRemove(handle, out var item))
        {
            _retired[handle] = 0;
            return item;
        }

        return null;
    }

    public bool WasRetired(nint handle) => _retired.ContainsKey(handle);
}
