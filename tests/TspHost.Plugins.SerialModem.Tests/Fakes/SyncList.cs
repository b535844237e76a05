namespace TspHost.Plugins.SerialModem.Tests.Fakes;

/// <summary>A list that threads append to and tests read as a snapshot.</summary>
internal sealed class SyncList<T>
{
    private readonly Lock _lock = new();
    private readonly List<T> _items = [];

    public IReadOnlyList<T> Snapshot
    {
        get
        {
            lock (_lock)
            {
                return [.. _items];
            }
        }
    }

    public void Add(T item)
    {
        lock (_lock)
        {
            _items.Add(item);
        }
    }
}
