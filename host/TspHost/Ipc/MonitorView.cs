using System.Globalization;
using TspHost.Core.Lifecycle;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Ipc;

/// <summary>The engine's state as monitors receive it: one text block per kind of thing, one item a line.</summary>
internal static class MonitorView
{
    public static byte[] Snapshot(EngineSnapshot snapshot, Frame request)
    {
        var open = snapshot.Devices.Where(d => d.OpenHandle != 0).Select(ProviderEngine.Describe);
        var calls = snapshot.Calls.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"call 0x{c.HdCall:X} (TAPI 0x{c.HtCall:X}) on line {c.LineDeviceId?.ToString(CultureInfo.InvariantCulture) ?? "-"}: {c.State}, {c.Life}" +
            $"{(c.Caller is null ? "" : $", from {c.Caller}")}{(c.Called is null ? "" : $", to {c.Called}")}"));
        var pending = snapshot.Pending.Select(p => string.Create(CultureInfo.InvariantCulture, $"request {p.RequestId}: {p.Operation}"));
        return MessageCodec.EncodeReply(new MonitorSnapshotReply
        {
            Status = (uint)snapshot.Status,
            Devices = Lines(snapshot.Devices.Select(ProviderEngine.Describe)),
            OpenDevices = Lines(open),
            Calls = Lines(calls),
            PendingRequests = Lines(pending),
            Workers = Lines(snapshot.Workers.Select(ProviderEngine.Describe)),
        }, request);
    }

    private static string Lines(IEnumerable<string> items) => string.Join('\n', items);
}
