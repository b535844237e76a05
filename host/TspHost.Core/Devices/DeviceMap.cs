namespace TspHost.Core.Devices;

/// <summary>
/// The devices of one kind in a session and their TAPI device IDs: the first ones numbered from the
/// base TAPI gave at providerInit, later ones (hot plug) announced with a temporary ID until TAPI
/// assigns theirs. IDs never shift when another device comes or goes. A departed device is dropped
/// (so nothing keeps its plugin's load context alive), but its ID stays taken for the session.
/// Guarded by the session lock.
/// </summary>
public sealed class DeviceMap<TEntry>
    where TEntry : DeviceEntry
{
    private readonly List<TEntry> _entries = [];
    private readonly Dictionary<uint, TEntry?> _byId = []; // null: the ID of a departed device
    private readonly Dictionary<uint, TEntry> _pending = [];

    public int Count => _entries.Count(e => !e.Removed);

    public IReadOnlyList<TEntry> Entries => _entries;

    public void Add(TEntry entry) => _entries.Add(entry);

    public TEntry? Find(uint deviceId) => _byId.TryGetValue(deviceId, out var entry) && entry is { Removed: false } ? entry : null;

    /// <summary>Numbers the first <paramref name="count"/> devices from <paramref name="baseId"/>; returns the rest, which need announcing.</summary>
    public IReadOnlyList<TEntry> Number(uint baseId, uint count)
    {
        var unnumbered = new List<TEntry>();
        var next = 0u;
        foreach (var entry in _entries.Where(e => !e.Removed))
        {
            if (next < count)
            {
                Assign(entry, baseId + next++);
            }
            else
            {
                unnumbered.Add(entry);
            }
        }

        return unnumbered;
    }

    /// <summary>Records <paramref name="entry"/> as announced under <paramref name="tempId"/>.</summary>
    public void Announce(TEntry entry, uint tempId) => _pending[tempId] = entry;

    /// <summary>providerCreate*Device: gives the device announced as <paramref name="tempId"/> its ID; false when the temporary ID is unknown or the ID taken.</summary>
    public bool Create(uint tempId, uint deviceId)
    {
        if (_byId.ContainsKey(deviceId) || !_pending.Remove(tempId, out var entry))
        {
            return false;
        }

        Assign(entry, deviceId);
        return true;
    }

    /// <summary>Marks the entry for <paramref name="device"/> removed; returns it, or null when it is unknown or gone already.</summary>
    public TEntry? Depart(object device)
    {
        var entry = _entries.FirstOrDefault(e => ReferenceEquals(e.Device, device) && !e.Removed);
        if (entry is not null)
        {
            entry.Removed = true;
            _entries.Remove(entry);
            if (entry.DeviceId is { } id)
            {
                _byId[id] = null;
            }

            foreach (var tempId in _pending.Where(p => p.Value == entry).Select(p => p.Key).ToList())
            {
                _pending.Remove(tempId);
            }
        }

        return entry;
    }

    private void Assign(TEntry entry, uint deviceId)
    {
        entry.DeviceId = deviceId;
        _byId[deviceId] = entry;
    }
}
