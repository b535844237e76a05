using TspHost.Abstractions;
using TspHost.Core.Calls;
using TspHost.Core.Devices;
using TspHost.Core.Tapi;
using TspHost.Core.Versions;

namespace TspHost.Core.Lifecycle;

public sealed partial class ProviderSession
{
    private const uint LineDisconnectModes = 0x1 | 0x2 | 0x4 | 0x20 | 0x40 | 0x80 | 0x100 | 0x1000;

    /// <summary>R4: states willingness only; nothing is committed until lineOpen.</summary>
    internal int LineNegotiateTspiVersion(uint deviceId, uint low, uint high, out uint version)
    {
        version = 0;
        if (FindLine(deviceId) is not { } line)
        {
            return LineErr.BadDeviceId;
        }

        if (TspiVersion.HighestCommon(line.Versions, low, high) is not { } common)
        {
            return LineErr.IncompatibleApiVersion;
        }

        version = TspiVersion.ToDword(common);
        return 0;
    }

    /// <summary>R5: negotiation may run any number of times, before and after open.</summary>
    internal int LineNegotiateExtVersion(uint deviceId, uint tspiVersion, uint low, uint high, out uint extVersion)
    {
        extVersion = 0;
        if (FindLine(deviceId) is not { } line)
        {
            return LineErr.BadDeviceId;
        }

        if (!line.Versions.Contains(TspiVersion.FromDword(tspiVersion)))
        {
            return LineErr.IncompatibleApiVersion;
        }

        lock (Lock)
        {
            return line.Extension.Negotiate(low, high, out extVersion);
        }
    }

    internal int LineSelectExtVersion(nint hdLine, uint extVersion)
    {
        if (!Lines.TryGet(hdLine, out var open))
        {
            return LineErr.InvalLineHandle;
        }

        lock (Lock)
        {
            return open.Closed ? LineErr.InvalLineHandle : open.Entry.Extension.Select(extVersion);
        }
    }

    internal async Task<(int Result, nint HdLine)> LineOpenAsync(uint deviceId, nint htLine, uint tspiVersion)
    {
        if (FindLine(deviceId) is not { } entry)
        {
            return (LineErr.BadDeviceId, 0);
        }

        // R4: the version is committed here and holds until the line closes.
        if (!entry.Versions.Contains(TspiVersion.FromDword(tspiVersion)))
        {
            return (LineErr.IncompatibleApiVersion, 0);
        }

        OpenLine open;
        lock (Lock)
        {
            if (entry.Open is not null)
            {
                return (LineErr.Allocated, 0);
            }

            open = new OpenLine(this, entry, htLine, tspiVersion);
            entry.Open = open;
        }

        var failure = await GuardAsync($"Opening {entry}", () => entry.Device.OpenAsync(open, open.Closing), _options.DeviceTimeout).ConfigureAwait(false);
        lock (Lock)
        {
            if (failure is not null || entry.Removed)
            {
                entry.Open = null;
                open.Close_NeedsLock();
                return (failure is TelephonyException t ? MapError(t.Error, phone: false) : LineErr.ResourceUnavail, 0);
            }

            open.HdLine = Lines.Add(open);
            return (0, open.HdLine);
        }
    }

    internal async Task<int> LineCloseAsync(nint hdLine)
    {
        if (!Lines.TryGet(hdLine, out var open))
        {
            // A line the host closed itself (the device vanished) closes again without complaint.
            return Lines.WasRetired(hdLine) ? 0 : LineErr.InvalLineHandle;
        }

        await CloseLineCoreAsync(open, deviceGone: false).ConfigureAwait(false);
        await Dispatcher.FlushAsync(_options.FlushTimeout).ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// Closes a line: no event for it or its calls after this (the dispatcher drops what is still
    /// queued), every pending request on it completed with a failure (R6), its calls ended (R9).
    /// </summary>
    private async Task CloseLineCoreAsync(OpenLine open, bool deviceGone)
    {
        List<CallRecord> calls;
        lock (Lock)
        {
            if (Lines.Retire(open.HdLine) is null)
            {
                return; // closed already
            }

            calls = open.Close_NeedsLock();
            foreach (var call in calls)
            {
                Calls.Retire(call.HdCall);
            }

            open.Entry.Open = null;
            open.Entry.Extension.Reset();
        }

        open.CancelPending();
        foreach (var call in calls)
        {
            call.CancelPending();
        }

        Ledger.FailAll(open, LineErr.OperationFailed);
        if (deviceGone)
        {
            return;
        }

        foreach (var call in calls.Where(c => c.Backend is not null))
        {
            await GuardAsync($"Releasing {call}", () => call.Backend!.ReleaseAsync(CancellationToken.None), _options.DeviceTimeout).ConfigureAwait(false);
        }

        await GuardAsync($"Closing {open.Entry}", () => open.Entry.Device.CloseAsync(CancellationToken.None), _options.DeviceTimeout).ConfigureAwait(false);
    }

    internal int LineGetDevCaps(uint deviceId, uint tspiVersion, uint extVersion, uint permanentProviderId, out LineDevCapsData? caps)
    {
        caps = null;
        if (FindLine(deviceId) is not { } line)
        {
            return LineErr.BadDeviceId;
        }

        if (CheckVersions(line.Versions, line.Capabilities.ExtensionVersions, tspiVersion, extVersion, LineErr.IncompatibleApiVersion, LineErr.IncompatibleExtVersion) is var error and not 0)
        {
            return error;
        }

        var c = line.Capabilities;
        caps = new LineDevCapsData(
            ProviderInfo: c.ProviderInfo ?? line.Plugin,
            SwitchInfo: $"TspHost/{line.Plugin}",
            PermanentProviderId: permanentProviderId,
            PermanentLineId: line.PermanentId,
            LineName: c.Name,
            NumAddresses: 1,
            MaxNumActiveCalls: (uint)Math.Max(1, c.MaxActiveCalls),
            MediaModes: (uint)c.MediaModes,
            DevCapFlags: c.CloseDrops ? Tspi.DevCapFlagsCloseDrop : 0,
            CallFeatures: (uint)FeatureMap.ToCallFeatures(c.Features),
            ExtVersionLow: c.ExtensionVersions is { } ext ? TspiVersion.ToDword(ext.Lowest) : 0,
            ExtVersionHigh: c.ExtensionVersions is { } ext2 ? TspiVersion.ToDword(ext2.Highest) : 0);
        return 0;
    }

    internal int LineGetAddressCaps(uint deviceId, uint addressId, uint tspiVersion, uint extVersion, out LineAddressCapsData? caps)
    {
        caps = null;
        if (FindLine(deviceId) is not { } line)
        {
            return LineErr.BadDeviceId;
        }

        if (addressId != 0)
        {
            return LineErr.InvalAddressId; // every line has one address
        }

        if (CheckVersions(line.Versions, line.Capabilities.ExtensionVersions, tspiVersion, extVersion, LineErr.IncompatibleApiVersion, LineErr.IncompatibleExtVersion) is var error and not 0)
        {
            return error;
        }

        var c = line.Capabilities;
        var transfers = c.Features.HasFlag(LineFeatures.CompleteTransfer) ? (uint)(TransferMode.Transfer | TransferMode.Conference) : 0;
        caps = new LineAddressCapsData(
            LineDeviceId: deviceId,
            Address: c.Address ?? string.Empty,
            CallStates: 0xFFFF,
            DisconnectModes: LineDisconnectModes,
            CallerIdFlags: CallPartyIdFlags.Address | CallPartyIdFlags.Name | CallPartyIdFlags.Blocked | CallPartyIdFlags.OutOfArea | CallPartyIdFlags.Unknown,
            MaxNumActiveCalls: (uint)Math.Max(1, c.MaxActiveCalls),
            MaxNumOnHoldCalls: c.Features.HasFlag(LineFeatures.Hold) ? (uint)Math.Max(1, c.MaxActiveCalls - 1) : 0,
            MaxNumConference: c.Features.HasFlag(LineFeatures.SetupConference) ? 3u : 0,
            CallFeatures: (uint)FeatureMap.ToCallFeatures(c.Features),
            TransferModes: transfers);
        return 0;
    }

    private static int CheckVersions(VersionRange versions, VersionRange? extensions, uint tspiVersion, uint extVersion, int incompatibleApi, int incompatibleExt)
    {
        if (!versions.Contains(TspiVersion.FromDword(tspiVersion)))
        {
            return incompatibleApi;
        }

        if (extVersion != 0 && (extensions is null || !extensions.Contains(TspiVersion.FromDword(extVersion))))
        {
            return incompatibleExt;
        }

        return 0;
    }
}
