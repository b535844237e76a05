using TspHost.Abstractions;
using TspHost.Core.Calls;
using TspHost.Core.Devices;
using TspHost.Core.Tapi;
using TspHost.Core.Versions;

namespace TspHost.Core.Lifecycle;

public sealed partial class ProviderSession
{
    private const uint LineDisconnectModes = 0x1 | 0x2 | 0x4 | 0x20 | 0x40 | 0x80 | 0x100 | 0x1000;

    internal int LineNegotiateTspiVersion(uint deviceId, uint low, uint high, out uint version) =>
        NegotiateTspiVersion(Find(_lines, deviceId), DeviceKind.Line, low, high, out version);

    internal int LineNegotiateExtVersion(uint deviceId, uint tspiVersion, uint low, uint high, out uint extVersion) =>
        NegotiateExtVersion(Find(_lines, deviceId), DeviceKind.Line, tspiVersion, low, high, out extVersion);

    internal int LineSelectExtVersion(nint hdLine, uint extVersion) => SelectExtVersion(Lines, DeviceKind.Line, hdLine, extVersion);

    internal Task<(int Result, nint HdLine)> LineOpenAsync(uint deviceId, nint htLine, uint tspiVersion) =>
        OpenAsync(Find(_lines, deviceId), DeviceKind.Line, tspiVersion, Lines,
            entry => new OpenLine(this, entry, htLine, tspiVersion),
            (entry, open, ct) => entry.Line.OpenAsync(open, ct));

    internal Task<int> LineCloseAsync(nint hdLine) => CloseAsync(Lines, DeviceKind.Line, hdLine);

    internal int LineGetDevCaps(uint deviceId, uint tspiVersion, uint extVersion, uint permanentProviderId, out LineDevCapsData? caps)
    {
        caps = null;
        if (Find(_lines, deviceId) is not { } line)
        {
            return LineErr.BadDeviceId;
        }

        if (CheckVersions(line, tspiVersion, extVersion) is var error and not 0)
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
        if (Find(_lines, deviceId) is not { } line)
        {
            return LineErr.BadDeviceId;
        }

        if (addressId != 0)
        {
            return LineErr.InvalAddressId; // every line has one address
        }

        if (CheckVersions(line, tspiVersion, extVersion) is var error and not 0)
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
}
