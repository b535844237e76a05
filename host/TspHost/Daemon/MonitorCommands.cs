using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using TspHost.Core.Lifecycle;
using TspHost.Core.Tapi;
using TspHost.Protocol;

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
        var command = new Command("status", "Shows the running host's provider state: devices, open lines and phones, live calls, pending requests.") { RunCommand.Socket };
        command.SetAction(parse => Connect(parse, socket =>
        {
            var reply = socket.Call(new FrameWriter(FrameType.MonitorSnapshot, FrameFlags.None, 2).ToArray()).Reader();
            Console.WriteLine($"provider: {(ProviderStatus)reply.U32()}");
            Section("devices", reply.String());
            Section("open", reply.String());
            Section("calls", reply.String());
            Section("pending requests", reply.String());
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
            socket.Call(new FrameWriter(FrameType.MonitorSubscribe, FrameFlags.None, 2).ToArray());
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
    internal static string Describe(Frame frame)
    {
        var r = frame.Reader();
        return frame.Type switch
        {
            FrameType.AsyncCompletion => Invariant($"ASYNC_COMPLETION request {r.U32()} result 0x{r.I32():X8}"),
            FrameType.LineEvent => Invariant($"LINEEVENT htLine 0x{r.Handle():X} htCall 0x{r.Handle():X} {(LineMessage)r.U32()} 0x{r.U64():X} 0x{r.U64():X} 0x{r.U64():X}"),
            FrameType.PhoneEvent => Invariant($"PHONEEVENT htPhone 0x{r.Handle():X} {(PhoneMessage)r.U32()} 0x{r.U64():X} 0x{r.U64():X} 0x{r.U64():X}"),
            FrameType.LineNewCall => Invariant($"LINE_NEWCALL htLine 0x{r.Handle():X} hdCall 0x{r.Handle():X}"),
            FrameType.MonitorTrace => $"served {r.String()}",
            _ => $"{frame.Type}",
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static int Connect(ParseResult parse, Func<FrameSocket, int> run)
    {
        var path = SocketPath.Resolve(parse.GetValue(RunCommand.Socket));
        try
        {
            using var socket = FrameSocket.Connect(path);
            var hello = socket.Call(Handshake.Hello(1, MonitorProviderId, ClientRole.Monitor)).Reader();
            hello.U32();
            return hello.I32() == 0 ? run(socket) : 1;
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
