using System.Globalization;

namespace TspHost.Core.Lifecycle;

/// <summary>A device as a monitor sees it.</summary>
public sealed record DeviceView(string Kind, uint? DeviceId, uint PermanentId, string Name, string Plugin, nint OpenHandle, uint OpenVersion, bool InService = true);

/// <summary>A live call as a monitor sees it.</summary>
public sealed record CallView(nint HdCall, nint HtCall, uint? LineDeviceId, string State, string Life, string? Caller, string? Called);

/// <summary>An asynchronous request still pending, as a monitor sees it.</summary>
public sealed record PendingView(uint RequestId, string Operation);

/// <summary>What the engine is doing right now: for <c>tsphost status</c> and <c>tsphost watch</c>.</summary>
public sealed record EngineSnapshot(ProviderStatus Status, IReadOnlyList<DeviceView> Devices, IReadOnlyList<CallView> Calls, IReadOnlyList<PendingView> Pending,
    IReadOnlyList<PluginHealth> Workers);

// A read-only view for monitors; it takes the session's lock only to copy, never calls a plugin.
public sealed partial class ProviderEngine
{
    /// <summary>Copies the devices, open lines and phones, live calls and pending requests of the running session.</summary>
    public EngineSnapshot Snapshot()
    {
        var workers = Workers();
        if (_session is not { } session)
        {
            return new EngineSnapshot(Status, [], [], [], workers);
        }

        var devices = new List<DeviceView>();
        foreach (var line in session.LineEntries.Where(l => !l.Removed))
        {
            var open = line.Open;
            devices.Add(new DeviceView("line", line.DeviceId, line.PermanentId, line.Capabilities.Name, line.Plugin, open?.HdLine ?? 0, open?.Version ?? 0, line.InService));
        }

        foreach (var phone in session.PhoneEntries.Where(p => !p.Removed))
        {
            var open = phone.Open;
            devices.Add(new DeviceView("phone", phone.DeviceId, phone.PermanentId, phone.Capabilities.Name, phone.Plugin, open?.HdPhone ?? 0, open?.Version ?? 0, phone.InService));
        }

        var calls = session.Calls.Items
            .Select(c => new CallView(c.HdCall, c.TapiHandle, c.Line.Entry.DeviceId, c.State.ToString(), c.Life.ToString(), c.Caller?.Number, c.Called?.Number))
            .OrderBy(c => c.HdCall)
            .ToList();
        var pending = session.Ledger.Snapshot().Select(r => new PendingView(r.RequestId, r.Operation)).OrderBy(r => r.RequestId).ToList();
        return new EngineSnapshot(Status, devices, calls, pending, workers);
    }

    /// <summary>R15: the worker of every available or installed plugin that runs in one.</summary>
    private List<PluginHealth> Workers() =>
        [.. _catalog.Defaults.Select(d => d.Name).Concat(State.Plugins.Select(p => p.Name)).Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(name => _catalog.TryGet(name, out var backend) && backend is IPluginHealthSource source ? source.Health : null)
            .OfType<PluginHealth>()
            .OrderBy(w => w.Plugin, StringComparer.OrdinalIgnoreCase)];

    /// <summary>A worker as one line of text.</summary>
    public static string Describe(PluginHealth w) => string.Create(CultureInfo.InvariantCulture,
        $"{w.Plugin}: {w.State.ToString().ToLowerInvariant()}{(w.ProcessId is { } pid ? $", pid {pid}" : "")}, {w.Restarts} restart(s)" +
        $"{(w.MemoryBytes is { } rss ? $", {rss / (1024.0 * 1024):0.0} MB of {w.MemoryLimitBytes / (1024 * 1024)} MB" : "")}, since {w.Since:yyyy-MM-dd HH:mm:ss}Z" +
        $"{(w.Reason is null ? "" : $": {w.Reason}")}");

    /// <summary>The snapshot as plain text, one item a line.</summary>
    public static string Describe(DeviceView d) => string.Create(CultureInfo.InvariantCulture,
        $"{d.Kind} {d.DeviceId?.ToString(CultureInfo.InvariantCulture) ?? "-"} '{d.Name}' ({d.Plugin}, permanent {d.PermanentId}){(d.OpenHandle == 0 ? "" : $" open as 0x{d.OpenHandle:X}, version 0x{d.OpenVersion:X8}")}{(d.InService ? "" : ", out of service")}");
}
