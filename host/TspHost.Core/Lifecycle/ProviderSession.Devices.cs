using Microsoft.Extensions.Logging;
using TspHost.Abstractions;
using TspHost.Core.Calls;
using TspHost.Core.Devices;
using TspHost.Core.Events;
using TspHost.Core.Handles;
using TspHost.Core.Tapi;
using TspHost.Core.Versions;

namespace TspHost.Core.Lifecycle;

// What lines and phones share: numbering and hot plug, version negotiation, open and close.
public sealed partial class ProviderSession
{
    private TEntry? Find<TEntry>(DeviceMap<TEntry> map, uint deviceId)
        where TEntry : DeviceEntry
    {
        lock (Lock)
        {
            return map.Find(deviceId);
        }
    }

    /// <summary>The interface versions a device and the host share, or null (logged) when none.</summary>
    private VersionRange? SharedVersions(string plugin, string noun, string key, VersionRange supported)
    {
        if (TspiVersion.Intersect(supported, TspiVersion.HostRange) is { } shared)
        {
            return shared;
        }

        _logger.LogError("The {Noun} '{Key}' of plugin '{Plugin}' supports interface versions {Range}, none of which the host supports ({Host}); it is left out",
            noun, key, plugin, supported, TspiVersion.HostRange);
        return null;
    }

    /// <summary>Announces a device TAPI has not numbered yet (LINE_CREATE / PHONE_CREATE). Needs the session lock.</summary>
    private void Announce_NeedsLock<TEntry>(DeviceMap<TEntry> map, TEntry entry)
        where TEntry : DeviceEntry
    {
        var tempId = _nextTempId++;
        map.Announce(entry, tempId);
        Post(entry.Kind, null, LineMessage.Create, PhoneMessage.Create, (nuint)_providerHandle, tempId);
    }

    private void Arrived<TEntry>(DeviceMap<TEntry> map, Func<TEntry?> add)
        where TEntry : DeviceEntry
    {
        lock (Lock)
        {
            if (add() is { } entry && _active)
            {
                Announce_NeedsLock(map, entry);
            }
        }
    }

    /// <summary>
    /// A device vanished: an open instance gets LINE_CLOSE / PHONE_CLOSE and is closed (its calls
    /// end, its requests fail), then LINE_REMOVE / PHONE_REMOVE. Other devices keep their IDs.
    /// </summary>
    private async Task DepartedAsync<TEntry, TOpen>(DeviceMap<TEntry> map, object device, HandleTable<TOpen> table)
        where TEntry : DeviceEntry<TOpen>
        where TOpen : OpenDevice
    {
        TEntry? entry;
        TOpen? open;
        lock (Lock)
        {
            entry = map.Depart(device);
            if (entry is null)
            {
                return;
            }

            open = entry.Open;
            if (open is not null && _active)
            {
                // The close message goes out before the device stops accepting messages.
                Post(entry.Kind, new FixedTarget(open.TapiHandle), LineMessage.Close, PhoneMessage.Close);
            }
        }

        if (open is not null)
        {
            await CloseCoreAsync(open, entry, table, deviceGone: true).ConfigureAwait(false);
        }

        if (entry.DeviceId is { } id && _active)
        {
            Post(entry.Kind, null, LineMessage.Remove, PhoneMessage.Remove, id);
        }
    }

    private void Post(DeviceKind kind, IMessageTarget? target, LineMessage lineMessage, PhoneMessage phoneMessage, nuint p1 = 0, nuint p2 = 0)
    {
        if (kind.IsPhone)
        {
            Dispatcher.PostPhone(target, phoneMessage, p1, p2);
        }
        else
        {
            Dispatcher.PostLine(target, null, lineMessage, p1, p2);
        }
    }

    /// <summary>R4: states willingness only; nothing is committed until the device opens.</summary>
    private static int NegotiateTspiVersion(DeviceEntry? entry, DeviceKind kind, uint low, uint high, out uint version)
    {
        version = 0;
        if (entry is null)
        {
            return kind.BadDeviceId;
        }

        if (TspiVersion.HighestCommon(entry.Versions, low, high) is not { } common)
        {
            return kind.IncompatibleApiVersion;
        }

        version = TspiVersion.ToDword(common);
        return 0;
    }

    /// <summary>R5: negotiation may run any number of times, before and after open.</summary>
    private int NegotiateExtVersion(DeviceEntry? entry, DeviceKind kind, uint tspiVersion, uint low, uint high, out uint extVersion)
    {
        extVersion = 0;
        if (entry is null)
        {
            return kind.BadDeviceId;
        }

        if (!entry.Versions.Contains(TspiVersion.FromDword(tspiVersion)))
        {
            return kind.IncompatibleApiVersion;
        }

        lock (Lock)
        {
            return entry.Extension.Negotiate(low, high, out extVersion);
        }
    }

    private int SelectExtVersion<TOpen>(HandleTable<TOpen> table, DeviceKind kind, nint handle, uint extVersion)
        where TOpen : OpenDevice
    {
        if (!table.TryGet(handle, out var open))
        {
            return kind.InvalHandle;
        }

        lock (Lock)
        {
            return open.Closed ? kind.InvalHandle : open.Device.Extension.Select(extVersion);
        }
    }

    /// <summary>Opens a device: R4 commits the version here, held until close; one open instance at a time.</summary>
    private async Task<(int Result, nint Handle)> OpenAsync<TEntry, TOpen>(TEntry? entry, DeviceKind kind, uint tspiVersion, HandleTable<TOpen> table,
        Func<TEntry, TOpen> create, Func<TEntry, TOpen, CancellationToken, ValueTask> openBackend)
        where TEntry : DeviceEntry<TOpen>
        where TOpen : OpenDevice
    {
        if (entry is null)
        {
            return (kind.BadDeviceId, 0);
        }

        if (!entry.Versions.Contains(TspiVersion.FromDword(tspiVersion)))
        {
            return (kind.IncompatibleApiVersion, 0);
        }

        TOpen open;
        lock (Lock)
        {
            if (entry.Open is not null)
            {
                return (kind.Allocated, 0);
            }

            open = create(entry);
            entry.Open = open;
        }

        var failure = await GuardAsync($"Opening {entry}", () => openBackend(entry, open, open.Closing), _options.DeviceTimeout).ConfigureAwait(false);
        lock (Lock)
        {
            if (failure is not null || entry.Removed)
            {
                entry.Open = null;
                open.Close_NeedsLock();
                return (failure is TelephonyException t ? MapError(t.Error, kind.IsPhone) : kind.ResourceUnavail, 0);
            }

            open.Handle = table.Add(open);
            return (0, open.Handle);
        }
    }

    /// <summary>lineClose / phoneClose: idempotent for a device the host closed itself; returns once completions reached TAPI.</summary>
    private async Task<int> CloseAsync<TOpen>(HandleTable<TOpen> table, DeviceKind kind, nint handle)
        where TOpen : OpenDevice
    {
        if (!table.TryGet(handle, out var open))
        {
            return table.WasRetired(handle) ? 0 : kind.InvalHandle;
        }

        await CloseCoreAsync(open, (DeviceEntry<TOpen>)open.Device, table, deviceGone: false).ConfigureAwait(false);
        await Dispatcher.FlushAsync(_options.FlushTimeout).ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// Closes a device: no event for it or its calls after this (the dispatcher drops what is still
    /// queued), every pending request on it completed with a failure (R6), its calls ended (R9).
    /// </summary>
    private async Task CloseCoreAsync<TOpen>(TOpen open, DeviceEntry<TOpen> entry, HandleTable<TOpen> table, bool deviceGone)
        where TOpen : OpenDevice
    {
        List<CallRecord> calls;
        lock (Lock)
        {
            if (table.Retire(open.Handle) is null)
            {
                return; // closed already
            }

            calls = open.Close_NeedsLock();
            if (open is OpenPhone phone)
            {
                OnHandsetClosing_NeedsLock(phone, deviceGone);
            }

            foreach (var call in calls)
            {
                Calls.Retire(call.HdCall);
            }

            entry.Open = null;
            entry.Extension.Reset();
        }

        open.CancelPending();
        foreach (var call in calls)
        {
            call.CancelPending();
        }

        Ledger.FailAll(open, entry.Kind.OperationFailed);
        if (deviceGone)
        {
            return;
        }

        foreach (var call in calls.Where(c => c.Backend is not null))
        {
            await GuardAsync($"Releasing {call}", () => call.Backend!.ReleaseAsync(CancellationToken.None), _options.DeviceTimeout).ConfigureAwait(false);
        }

        await GuardAsync($"Closing {entry}", () => entry switch
        {
            LineEntry line => line.Line.CloseAsync(CancellationToken.None),
            PhoneEntry phone => phone.Phone.CloseAsync(CancellationToken.None),
            _ => ValueTask.CompletedTask,
        }, _options.DeviceTimeout).ConfigureAwait(false);
    }

    private static int CheckVersions(DeviceEntry device, uint tspiVersion, uint extVersion)
    {
        if (!device.Versions.Contains(TspiVersion.FromDword(tspiVersion)))
        {
            return device.Kind.IncompatibleApiVersion;
        }

        if (extVersion != 0 && (device.ExtensionVersions is null || !device.ExtensionVersions.Contains(TspiVersion.FromDword(extVersion))))
        {
            return device.Kind.IncompatibleExtVersion;
        }

        return 0;
    }
}
