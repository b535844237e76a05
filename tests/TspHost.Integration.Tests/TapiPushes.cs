using TspHost.Core.Tapi;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Integration.Tests;

/// <summary>A LINE_* or PHONE_* event the daemon pushed to the provider (htPhone is in HtLine; HtCall is 0 for phones).</summary>
internal sealed record TapiEvent(nint HtLine, nint HtCall, uint Message, nint P1, nint P2);

/// <summary>Waits for events the daemon pushes to the provider connection, naming what was awaited and what the host logged on a timeout.</summary>
internal static class TapiPushes
{
    public static Task<TapiEvent> LineAsync(ProviderClient provider, HostProcess host, LineMessage message, Func<TapiEvent, bool> match) =>
        EventAsync(provider, host, FrameType.LineEvent, (uint)message, $"LINE_{message}".ToUpperInvariant(), match);

    public static Task<TapiEvent> PhoneAsync(ProviderClient provider, HostProcess host, PhoneMessage message, Func<TapiEvent, bool> match) =>
        EventAsync(provider, host, FrameType.PhoneEvent, (uint)message, $"PHONE_{message}".ToUpperInvariant(), match);

    private static async Task<TapiEvent> EventAsync(ProviderClient provider, HostProcess host, FrameType type, uint message, string what, Func<TapiEvent, bool> match)
    {
        TapiEvent Read(Frame frame) => type == FrameType.LineEvent
            ? frame.Read<LineEventPush>() is var line ? new TapiEvent(line.HtLine, line.HtCall, line.Message, (nint)line.Param1, (nint)line.Param2) : null!
            : frame.Read<PhoneEventPush>() is var phone ? new TapiEvent(phone.HtPhone, 0, phone.Message, (nint)phone.Param1, (nint)phone.Param2) : null!;

        bool Matches(Frame frame) => frame.Type == type && Read(frame) is var e && e.Message == message && match(e);

        try
        {
            return Read(await provider.WaitForPushAsync(Matches, what));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; tsphost logged:\n{host.Output}", e);
        }
    }
}
