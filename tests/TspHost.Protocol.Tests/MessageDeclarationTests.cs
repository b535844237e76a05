using System.Buffers.Binary;
using System.Reflection;
using System.Text;
using TspHost.Protocol.Messages;

namespace TspHost.Protocol.Tests;

/// <summary>
/// Each message is declared once (TspHost.Protocol.Messages): the schema the codec checks frames
/// against, the writer and the reader all come from its <c>Fields</c> method. These tests walk every
/// declaration themselves and hold the codec to it, and hold the declarations to the wire format of
/// protocol version 1 (WireFormatV1.txt).
/// </summary>
public sealed class MessageDeclarationTests
{
    private const uint Sequence = 0x0A0B0C0D;

    /// <summary>Every payload the protocol declares: each frame type's request or push, its reply, and the error reply.</summary>
    public static TheoryData<FrameType, FrameFlags> Payloads() => new(PayloadCases());

    private static IEnumerable<(FrameType, FrameFlags)> PayloadCases()
    {
        foreach (var declaration in FrameSchema.Declarations)
        {
            yield return (declaration.Type, declaration.Flags);
            if (declaration.ReplyType is not null)
            {
                yield return (declaration.Type, FrameFlags.Reply);
            }
        }

        yield return (FrameType.LineClose, FrameFlags.Reply | FrameFlags.Error);
    }

    [Fact]
    public void EveryFrameType_HasExactlyOneDeclaration_OfThatType()
    {
        foreach (var type in Enum.GetValues<FrameType>())
        {
            var declaration = FrameSchema.Find(type);
            Assert.True(declaration is not null, $"{type} has no declaration in FrameSchema");
            Assert.Equal(type, declaration.Type);
            Assert.Equal((type, declaration.Flags), Invoke<(FrameType, FrameFlags)>(nameof(Declared), declaration.MessageType));
            Assert.Equal(declaration.Flags == FrameFlags.Push, FrameSchema.IsPush(type));

            // A message declared as answered is registered with the reply it declares, and only then.
            var answered = declaration.MessageType.GetInterfaces().SingleOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRequest<,>));
            Assert.Equal(answered?.GetGenericArguments()[1], declaration.ReplyType);
        }

        Assert.Equal(Enum.GetValues<FrameType>().Length, FrameSchema.Declarations.Count);
    }

    [Fact]
    public void EveryDeclaredPayload_IsInTheSchema_NoneIsLeftOut()
    {
        var used = FrameSchema.Declarations.SelectMany(d => new[] { d.MessageType, d.ReplyType }).OfType<Type>().Append(typeof(ErrorReply)).ToHashSet();
        var declared = typeof(FrameSchema).Assembly.GetTypes()
            .Where(t => !t.IsInterface && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IPayload<>)));

        Assert.All(declared, t => Assert.True(used.Contains(t), $"{t.Name} is declared but no frame type carries it"));
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void CodecSchema_IsTheLayoutOfTheDeclaration_WalkedHere(FrameType type, FrameFlags flags)
    {
        var payload = PayloadType(type, flags);
        var walked = Invoke<List<Field>>(nameof(Walk), payload);
        var schema = FrameSchema.For(type, flags)!;

        Assert.Equal(walked, schema);
        Assert.Same(typeof(PayloadLayout<>).MakeGenericType(payload).GetProperty(nameof(PayloadLayout<HelloRequest>.Fields))!.GetValue(null), schema);
        // Every public field of the declaration is on the wire, once: a field left out of Fields would be lost silently.
        var members = payload.GetFields(BindingFlags.Public | BindingFlags.Instance).Select(f => CamelCase(f.Name)).Order();
        Assert.Equal(members, walked.Select(f => f.Name).Order());
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void EveryMessage_RoundTripsThroughTheCodec_WithADistinctValueInEveryField(FrameType type, FrameFlags flags)
    {
        var payload = PayloadType(type, flags);
        var (message, values) = Invoke<(object, List<object?>)>(nameof(Distinct), payload);

        var bytes = Invoke<byte[]>(nameof(Encode), payload, message, type, flags);
        var frame = FrameCodec.DecodeExactly(bytes);
        var read = Invoke<object>(nameof(Read), payload, frame);

        Assert.Equal(type, frame.Type);
        Assert.Equal(Sequence, frame.Sequence);
        Assert.Equal(message, read); // with every value distinct, a reader that swapped two fields of a kind fails here
        // And each value sits where the schema says that field is (read here by position, not by the codec).
        Assert.Equal(values, ByPosition(frame.Payload.Span, FrameSchema.For(type, flags)!));
    }

    [Fact]
    public void EveryDeclaration_WritesProtocolVersion1ByteForByte()
    {
        var golden = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "WireFormatV1.txt")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet();
        var written = new HashSet<string>();
        foreach (var (type, flags) in PayloadCases())
        {
            var payload = PayloadType(type, flags);
            var layout = string.Join(',', FrameSchema.For(type, flags)!.Select(f => $"{f.Name}:{f.Kind}"));
            var bytes = Invoke<byte[]>(nameof(Encode), payload, Invoke<object>(nameof(ByIndex), payload), type, flags);
            var line = $"{type} {(ushort)flags} {layout} {Convert.ToHexString(bytes)}";
            Assert.True(golden.Contains(line), $"WireFormatV1.txt has no line for this frame as it is written now (a new frame type: add the line; a changed one: that is a wire change):\n{line}");
            written.Add(line);
        }

        Assert.Empty(golden.Except(written)); // a frame of version 1 nobody writes any more
    }

    [Fact]
    public void Encode_RefusesAPayloadThatIsNotTheOneDeclaredForTheType()
    {
        var wrongReply = Assert.Throws<InvalidOperationException>(() => MessageCodec.Encode(new ResultReply { Result = 0 }, FrameType.LineOpen, FrameFlags.Reply, 1));
        Assert.Equal("ResultReply is not the reply declared for LineOpen.", wrongReply.Message);

        // Same layout, other declaration: still refused, so each type keeps its own declaration.
        Assert.Throws<InvalidOperationException>(() => MessageCodec.Encode(new PhoneOpenReply { Result = 0, HdPhone = 1 }, FrameType.LineOpen, FrameFlags.Reply, 1));
    }

    [Fact]
    public void Read_RefusesAPayloadThatIsNotTheOneDeclaredForTheFrame()
    {
        var frame = FrameCodec.DecodeExactly(MessageCodec.Encode(new LineCloseRequest { HdLine = 5 }, 1));

        Assert.Equal(5, frame.Read<LineCloseRequest>().HdLine);
        var e = Assert.Throws<InvalidOperationException>(() => frame.Read<PhoneCloseRequest>());
        Assert.Equal("PhoneCloseRequest is not the message declared for LineClose.", e.Message);
    }

    [Fact]
    public void FieldNames_AreTheMembersInCamelCase_AsErrorRepliesNameThem()
    {
        Assert.Equal(["requestId", "hdLine", "htCall", "destAddress", "countryCode"], FrameSchema.Request(FrameType.LineMakeCall)!.Select(f => f.Name));
        Assert.Equal(["code", "frameType", "field", "message"], FrameSchema.Error.Select(f => f.Name));
    }

    internal static Type PayloadType(FrameType type, FrameFlags flags)
    {
        var declaration = FrameSchema.Find(type)!;
        return (flags & FrameFlags.Error) != 0 ? typeof(ErrorReply) : (flags & FrameFlags.Reply) != 0 ? declaration.ReplyType! : declaration.MessageType;
    }

    // Generic helpers, called for each declared payload type through reflection (the tests run on the JIT).

    private static (FrameType, FrameFlags) Declared<T>() where T : struct, IMessage<T> => (T.Type, T.Flags);

    private static List<Field> Walk<T>() where T : struct, IPayload<T>
    {
        var walker = new Walker([]);
        var payload = default(T);
        T.Fields(ref walker, ref payload);
        return walker.Fields;
    }

    private static (object, List<object?>) Distinct<T>() where T : struct, IPayload<T>
    {
        var filler = new DistinctFiller([]);
        var payload = default(T);
        T.Fields(ref filler, ref payload);
        return (payload, filler.Values);
    }

    private static object ByIndex<T>() where T : struct, IPayload<T>
    {
        var filler = new IndexFiller();
        var payload = default(T);
        T.Fields(ref filler, ref payload);
        return payload;
    }

    private static byte[] Encode<T>(object payload, FrameType type, FrameFlags flags) where T : struct, IPayload<T> =>
        MessageCodec.Encode((T)payload, type, flags, Sequence);

    private static object Read<T>(Frame frame) where T : struct, IPayload<T> => frame.Read<T>();

    private static TResult Invoke<TResult>(string helper, Type payload, params object[] arguments) =>
        (TResult)typeof(MessageDeclarationTests).GetMethod(helper, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(payload).Invoke(null, arguments)!;


    /// <summary>The payload's values read by position from its layout, little-endian, independently of the codec's reader.</summary>
    private static List<object?> ByPosition(ReadOnlySpan<byte> payload, Field[] fields)
    {
        var values = new List<object?>();
        var offset = 0;
        foreach (var field in fields)
        {
            switch (field.Kind)
            {
                case FieldKind.U32:
                    values.Add(BinaryPrimitives.ReadUInt32LittleEndian(payload[offset..]));
                    offset += 4;
                    break;
                case FieldKind.I32:
                    values.Add(BinaryPrimitives.ReadInt32LittleEndian(payload[offset..]));
                    offset += 4;
                    break;
                case FieldKind.U64:
                    values.Add(BinaryPrimitives.ReadUInt64LittleEndian(payload[offset..]));
                    offset += 8;
                    break;
                default:
                    var count = BinaryPrimitives.ReadUInt32LittleEndian(payload[offset..]);
                    offset += 4;
                    values.Add(count == WireString.Null ? null : Encoding.Unicode.GetString(payload.Slice(offset, (int)count * 2)));
                    offset += count == WireString.Null ? 0 : (int)count * 2;
                    break;
            }
        }

        Assert.Equal(payload.Length, offset);
        return values;
    }

    private static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string Member(string expression) => CamelCase(expression[(expression.LastIndexOf('.') + 1)..]);

    /// <summary>Records the fields a declaration visits: its layout as this test reads it.</summary>
    private readonly struct Walker(List<Field> fields) : IFieldVisitor
    {
        public List<Field> Fields => fields;

        public void Field(ref uint value, string name = "") => fields.Add(new(Member(name), FieldKind.U32));

        public void Field(ref int value, string name = "") => fields.Add(new(Member(name), FieldKind.I32));

        public void Field(ref ulong value, string name = "") => fields.Add(new(Member(name), FieldKind.U64));

        public void Field(ref nint value, string name = "") => fields.Add(new(Member(name), FieldKind.U64));

        public void Field(ref string? value, string name = "") => fields.Add(new(Member(name), FieldKind.String));
    }

    /// <summary>Gives every field a value no other field of the message has (whatever their kinds), and records them in order.</summary>
    private readonly struct DistinctFiller(List<object?> values) : IFieldVisitor
    {
        public List<object?> Values => values;

        public void Field(ref uint value, string name = "") => values.Add(value = 0xA1000000u + ((uint)values.Count * 0x010101u));

        public void Field(ref int value, string name = "") => values.Add(value = -1000 - values.Count);

        public void Field(ref ulong value, string name = "") => values.Add(value = 0xB200000000000000UL + (ulong)values.Count);

        public void Field(ref nint value, string name = "") => values.Add((ulong)(long)(value = (nint)(0x0C0000000000L + values.Count)));

        public void Field(ref string? value, string name = "") => values.Add(value = $"{Member(name)} {values.Count} \u00e9\u4e2d");
    }

    /// <summary>The values WireFormatV1.txt was written with: field i by its kind and index.</summary>
    private struct IndexFiller : IFieldVisitor
    {
        private uint _index;

        public void Field(ref uint value, string name = "") => value = 0x10203000u + _index++;

        public void Field(ref int value, string name = "") => value = -100 - (int)_index++;

        public void Field(ref ulong value, string name = "") => value = 0x1122334455660000UL + _index++;

        public void Field(ref nint value, string name = "") => value = (nint)(0x1122334455660000L + _index++);

        public void Field(ref string? value, string name = "") => value = $"{Member(name)}#{_index++}";
    }
}
