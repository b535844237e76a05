using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using TspHost.Core.Lifecycle;
using TspHost.Core.Tapi;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Daemon;

/// <summary>
/// <c>tsphost status</c> and <c>tsphost watch</c>: connect as monitors, which read the host's state
/// and events and change nothing, so they never disturb the provider's session.
/// </summary>
internal static class MonitorCommands
{
    private const uint MonitorProviderId = 0;

    public static Command Status()
    {
        var command = new Command("status", "Shows the running host's provider state: devices, open lines and phones, live calls, pending requests, and each plugin's worker process (pid, state, restarts, memory). Example: tsphost status --socket /tmp/tsphost.sock") { RunCommand.Socket };
        command.SetAction(parse => Connect(parse, socket =>
        {
            var reply = socket.Request<MonitorSnapshotRequest, MonitorSnapshotReply>(new MonitorSnapshotRequest(), 2);
            Console.WriteLine($"provider: {(ProviderStatus)reply.Status}");
            Section("devices", reply.Devices);
            Section("open", reply.OpenDevices);
            Section("calls", reply.Calls);
            Section("pending requests", reply.PendingRequests);
            Section("workers", reply.Workers);
            return 0;
        }));
        return command;
    }

    public static Command Watch()
    {
        var count = new Option<int>("--count") { Description = "Stop after this many events (default: run until Ctrl-C)." };
        var command = new Command("watch", "Prints the events the host pushes to the provider (completions, line and phone events, new calls) and the requests it serves, live.")
        {
            RunCommand.Socket,
            count,
        };
        command.SetAction(parse => Connect(parse, socket =>
        {
            socket.Request<MonitorSubscribeRequest, ResultReply>(new MonitorSubscribeRequest(), 2);
            var left = parse.GetValue(count);
            Console.WriteLine("watching the host's events (Ctrl-C stops)");
            Console.Out.Flush();
            while (socket.Receive() is { } frame)
            {
                Console.WriteLine(Describe(frame));
                Console.Out.Flush();
                if (left > 0 && --left == 0)
                {
                    break;
                }
            }

            return 0;
        }));
        return command;
    }

    /// <summary>One pushed frame as a line of text.</summary>
    internal static string Describe(Frame frame) => frame.Type switch
    {
        FrameType.AsyncCompletion when frame.Read<AsyncCompletionPush>() is var c => Invariant($"ASYNC_COMPLETION request {c.RequestId} result 0x{c.Result:X8}"),
        FrameType.LineEvent when frame.Read<LineEventPush>() is var e =>
            Invariant($"LINEEVENT htLine 0x{e.HtLine:X} htCall 0x{e.HtCall:X} {(LineMessage)e.Message} 0x{e.Param1:X} 0x{e.Param2:X} 0x{e.Param3:X}"),
        FrameType.PhoneEvent when frame.Read<PhoneEventPush>() is var e =>
            Invariant($"PHONEEVENT htPhone 0x{e.HtPhone:X} {(PhoneMessage)e.Message} 0x{e.Param1:X} 0x{e.Param2:X} 0x{e.Param3:X}"),
        FrameType.LineNewCall when frame.Read<LineNewCallPush>() is var n => Invariant($"LINE_NEWCALL htLine 0x{n.HtLine:X} hdCall 0x{n.HdCall:X}"),
        FrameType.MonitorTrace => $"served {frame.Read<MonitorTracePush>().Text}",
        _ => $"{frame.Type}",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static int Connect(ParseResult parse, Func<FrameSocket, int> run)
    {
        var path = SocketPath.Resolve(parse.GetValue(RunCommand.Socket));
        try
        {
            using var socket = FrameSocket.Connect(path);
            var hello = socket.Call(Handshake.Hello(1, MonitorProviderId, ClientRole.Monitor)).Read<HelloReply>();
            return hello.Result == 0 ? run(socket) : 1;
        }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"tsphost: no host is listening on {path} ({e.Message}). Start one with 'tsphost run'.");
            return 1;
        }
        catch (ProtocolException e)
        {
            Console.Error.WriteLine($"tsphost: the host refused: {e.Error}");
            return 1;
        }
        catch (PeerIdentityException e)
        {
            Console.Error.WriteLine($"tsphost: {e.Message}");
            return 1;
        }
    }

    private static void Section(string title, string? lines)
    {
        Console.WriteLine($"{title}:");
        foreach (var line in (lines ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Console.WriteLine($"  {line}");
        }

        if (string.IsNullOrEmpty(lines))
        {
            Console.WriteLine("  (none)");
        }
    }
}
