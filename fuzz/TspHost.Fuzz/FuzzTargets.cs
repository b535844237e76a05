using System.Buffers.Binary;
using System.Text;
using TspHost.Plugins.SerialModem.Parsing;
using TspHost.Plugins.UsbHandset.Hid;
using TspHost.Protocol;

namespace TspHost.Fuzz;

/// <summary>
/// The fuzz targets: each takes one input and feeds it to a parser the way the product does. A
/// parser may refuse an input only in its documented way; any other exception escapes and is a crash
/// (afl-fuzz keeps the input). The same targets replay the committed corpora and every crash found
/// (TspHost.Fuzz.Tests), so a crash once found stays a regression test.
/// </summary>
public static class FuzzTargets
{
    /// <summary>The targets by name, as <c>fuzz/run.sh</c> and the corpus folders name them.</summary>
    public static IReadOnlyDictionary<string, Action<ReadOnlyMemory<byte>>> All { get; } = new Dictionary<string, Action<ReadOnlyMemory<byte>>>
    {
        ["frame"] = input => Frames(input.Span),
        ["at-result"] = input => AtResults(input.Span),
        ["caller-id"] = input => CallerId(input.Span),
        ["hid-descriptor"] = input => HidDescriptor(input.Span),
    };

    /// <summary>
    /// A byte stream as a connection delivers it: split into frames as the daemon does, every frame
    /// checked against the schema, every valid one read field by field and every error encoded as its reply.
    /// </summary>
    public static void Frames(ReadOnlySpan<byte> stream)
    {
        while (!stream.IsEmpty)
        {
            var status = FrameCodec.TryDecode(stream, out var frame, out var consumed, out var error);
            switch (status)
            {
                case DecodeStatus.NeedMore:
                    return;
                case DecodeStatus.Fatal:
                    _ = error!.ToFrame(0);
                    return;
                case DecodeStatus.Invalid:
                    _ = error!.ToFrame(1);
                    break;
                default:
                    ReadAllFields(frame!);
                    if (frame!.Type == FrameType.Hello)
                    {
                        _ = Handshake.Read(frame, out _, out _);
                    }

                    break;
            }

            if (consumed <= 0)
            {
                throw new InvalidOperationException($"The codec consumed {consumed} bytes of a {status} frame: the stream would never advance.");
            }

            stream = stream[consumed..];
        }
    }

    /// <summary>Modem output as the serial port delivers it: split into lines, each classified, each tried as caller ID.</summary>
    public static void AtResults(ReadOnlySpan<byte> bytes)
    {
        var splitter = new AtLineSplitter();
        var lines = new List<string>();
        splitter.Feed(bytes, lines);
        foreach (var line in lines)
        {
            foreach (var numeric in new[] { false, true })
            {
                var result = AtResultParser.Parse(line, numeric);
                foreach (var inFlight in new AtCommandKind?[] { null, AtCommandKind.Basic, AtCommandKind.Call })
                {
                    _ = AtResultParser.Classify(result, inFlight);
                }
            }
        }
    }

    /// <summary>Caller-ID lines (<c>NMBR = ...</c>, <c>NAME = ...</c>) gathered into one party, as the modem line does.</summary>
    public static void CallerId(ReadOnlySpan<byte> bytes)
    {
        var info = new CallerIdInfo();
        foreach (var line in Encoding.Latin1.GetString(bytes).Split('\n'))
        {
            if (CallerIdParser.TryParse(line.TrimEnd('\r'), out var parsed))
            {
                info.Add(parsed);
            }
        }

        if (info.HasParty)
        {
            _ = info.ToPartyId();
        }
    }

    /// <summary>A HID report descriptor as a device reports it; a malformed one may only be refused with <see cref="HidDescriptorException"/>.</summary>
    public static void HidDescriptor(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var descriptor = HidReportDescriptor.Parse(bytes);
            foreach (var report in descriptor.Reports)
            {
                _ = descriptor.FindReport(report.Kind, report.ReportId);
            }
        }
        catch (HidDescriptorException)
        {
            // the documented refusal, naming the offset
        }
    }

    /// <summary>Walks a checked payload field by field as its schema lays it out, decoding every string: a valid frame must be readable to its end.</summary>
    private static void ReadAllFields(Frame frame)
    {
        if (frame.IsError)
        {
            _ = ProtocolError.Read(frame);
            return;
        }

        var fields = FrameSchema.For(frame.Type, frame.Header.Flags) ?? throw new InvalidOperationException($"A valid {frame.Type} frame has no schema.");
        var payload = frame.Payload.Span;
        var offset = 0;
        foreach (var field in fields)
        {
            switch (field.Kind)
            {
                case FieldKind.U64:
                    offset += 8;
                    break;
                case FieldKind.String:
                    var count = BinaryPrimitives.ReadUInt32LittleEndian(payload[offset..]);
                    offset += 4;
                    if (count != WireString.Null)
                    {
                        _ = Encoding.Unicode.GetString(payload.Slice(offset, (int)count * 2));
                        offset += (int)count * 2;
                    }

                    break;
                default:
                    offset += 4;
                    break;
            }
        }

        if (offset != payload.Length)
        {
            throw new InvalidOperationException($"A valid {frame.Type} frame has {payload.Length - offset} bytes its schema does not account for.");
        }
    }
}
