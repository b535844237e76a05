using System.Globalization;

namespace TspHost.Core.Lifecycle;

/// <summary>A device as a monitor sees it.</summary>
public sealed record DeviceView(string Kind, uint? DeviceId, uint PermanentId, string Name, string Plugin, nint OpenHandle, uint OpenVersion);

/// <summary>A live call as a monitor sees it.</summary>
public sealed record CallView(nint HdCall, nint HtCall, uint? LineDeviceId, string State, string Life, string? Caller, string? Called);

/// <summary>An asynchronous request still pending, as a monitor sees it.</summary>
public sealed record PendingView(uint RequestId, string Operation);

/// <summary>What the engine is doing right now: for <c>tsphost status</c> and <c>tsphost watch</c>.</summary>
public sealed record EngineSnapshot(ProviderStatus Status, IReadOnlyList<DeviceView> Devices, IReadOnlyList<CallView> Calls, IReadOnlyList<PendingView> Pending);

// A read-only view for monitors; it takes the session's lock only to copy, never calls a plugin.
public sealed partial class ProviderEngine
{
    /// <summary>Copies the devices, open lines and phones, live calls and pending requests of the running session.</summary>
    public EngineSnapshot Snapshot()
    {
        if (_session is not { } session)
        {
            return new EngineSnapshot(Status, [], [], []);
        }

        var devices = new List<DeviceView>();
        foreach (var line in session.LineEntries.Where(l => !l.Removed))
        {
            var open = line.Open;
            devices.Add(new DeviceView("line", line.DeviceId, line.PermanentId, line.Capabilities.Name, line.Plugin, open?.HdLine ?? 0, open?.Version ?? 0));
        }

        foreach (var phone in session.PhoneEntries.Where(p => !p.Removed))
        {
            var open = phone.Open;
            devices.Add(new DeviceView("phone", phone.DeviceId, phone.PermanentId, phone.Capabilities.Name, phone.Plugin, open?.HdPhone ?? 0, open?.Version ?? 0));
        }

        var calls = session.Calls.Items
            .Select(c => new CallView(c.HdCall, c.TapiHandle, c.Line.Entry.DeviceId, c.State.ToString(), c.Life.ToString(), c.Caller?.Number, c.Called?.Number))
            .OrderBy(c => c.HdCall)
            .ToList();
        var pending = session.Ledger.Snapshot().Select(r => new PendingView(r.RequestId, r.Operation)).OrderBy(r => r.RequestId).ToList();
        return new EngineSnapshot(Status, devices, calls, pending);
    }

    /// <summary>The snapshot as plain text, one item a line.</summary>
    public static string Describe(DeviceView d) => string.Create(CultureInfo.InvariantCulture,
        $"{d.Kind} {d.DeviceId?.ToString(CultureInfo.InvariantCulture) ?? "-"} '{d.Name}' ({d.Plugin}, permanent {d.PermanentId}){(d.OpenHandle == 0 ? "" : $" open as 0x{d.OpenHandle:X}, version 0x{d.OpenVersion:X8}")}");
}
