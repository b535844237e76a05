using System.Buffers.Binary;
using TspHost.Protocol.Messages;

namespace TspHost.Protocol.Tests;

public sealed class FrameCodecTests
{
    private static byte[] MakeCall(string? destination = "5550100") =>
        MessageCodec.Encode(new LineMakeCallRequest { RequestId = 101, HdLine = 0x1234, HtCall = -2, DestAddress = destination, CountryCode = 1 }, 7);

    [Fact]
    public void RoundTrip_MakeCall_KeepsEveryFieldAndTheSequence()
    {
        var frame = FrameCodec.DecodeExactly(MakeCall("+1 (555) 0100 \u00e9\u4e2d"));

        Assert.Equal(FrameType.LineMakeCall, frame.Type);
        Assert.Equal(7u, frame.Sequence);
        Assert.False(frame.IsReply);
        Assert.Equal(
            new LineMakeCallRequest { RequestId = 101, HdLine = 0x1234, HtCall = -2, DestAddress = "+1 (555) 0100 \u00e9\u4e2d", CountryCode = 1 },
            frame.Read<LineMakeCallRequest>());
    }

    [Fact]
    public void Strings_AreUtf16LittleEndianAfterACount_AndNullHasItsOwnCount()
    {
        var bytes = MakeCall("AB");
        var text = bytes.AsSpan(FrameHeader.Size + 4 + 8 + 8);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(text));
        Assert.Equal(new byte[] { (byte)'A', 0, (byte)'B', 0 }, text[4..8].ToArray());

        var frame = FrameCodec.DecodeExactly(MakeCall(null));
        Assert.Equal(WireString.Null, BinaryPrimitives.ReadUInt32LittleEndian(frame.Payload.Span[20..]));
        Assert.Null(frame.Read<LineMakeCallRequest>().DestAddress);
    }

    [Fact]
    public void Header_IsLengthTypeFlagsSequence_LittleEndian()
    {
        var bytes = MessageCodec.Encode(new AsyncCompletionPush { RequestId = 5, Result = -1 }, 0x01020304);

        Assert.Equal((uint)bytes.Length, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        Assert.Equal((ushort)FrameType.AsyncCompletion, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal((ushort)FrameFlags.Push, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)));
        Assert.Equal(0x01020304u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
    }

    [Fact]
    public void Error_RoundTrips_NamingTypeAndField()
    {
        var error = new ProtocolError(ProtocolErrorCode.BadFieldLength, (ushort)FrameType.LineDial, "destAddress", "too long");
        var frame = FrameCodec.DecodeExactly(error.ToFrame(9));

        Assert.True(frame.IsError);
        Assert.Equal(9u, frame.Sequence);
        Assert.Equal(error, ProtocolError.Read(frame));
        Assert.Contains("LineDial.destAddress", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(FrameHeader.Size)]
    [InlineData(FrameHeader.Size + 3)]
    public void Truncated_Frame_NeedsMore_AndIsTruncatedWhenComplete(int keep)
    {
        var bytes = MakeCall().AsSpan(0, keep).ToArray();

        Assert.Equal(DecodeStatus.NeedMore, FrameCodec.TryDecode(bytes, out _, out _, out _));
        var e = Assert.Throws<ProtocolException>(() => FrameCodec.DecodeExactly(bytes));
        Assert.Equal(ProtocolErrorCode.Truncated, e.Error.Code);
    }

    [Fact]
    public void Oversized_Length_IsFatal_BeforeThePayloadArrives()
    {
        var bytes = MakeCall();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, FrameHeader.MaxFrameSize + 1);

        Assert.Equal(DecodeStatus.Fatal, FrameCodec.TryDecode(bytes, out _, out _, out var error));
        Assert.Equal(ProtocolErrorCode.Oversized, error!.Code);
        Assert.True(error.IsFatal);
        Assert.Equal("length", error.Field);
    }

    [Fact]
    public void Length_ShorterThanTheHeader_IsFatal()
    {
        var bytes = MakeCall();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 4);

        Assert.Equal(DecodeStatus.Fatal, FrameCodec.TryDecode(bytes, out _, out _, out var error));
        Assert.Equal(ProtocolErrorCode.BadFrameLength, error!.Code);
    }

    [Fact]
    public void Unknown_Type_IsInvalid_AndTheFrameIsSkipped()
    {
        var bytes = MakeCall();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 999);

        Assert.Equal(DecodeStatus.Invalid, FrameCodec.TryDecode(bytes, out _, out var consumed, out var error));
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(ProtocolErrorCode.UnknownType, error!.Code);
        Assert.Equal(999, error.FrameType);
        Assert.False(error.IsFatal);
    }

    [Fact]
    public void String_CountPastTheEnd_IsBadFieldLength_NamingTheField()
    {
        var bytes = MakeCall();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(FrameHeader.Size + 20), 1000);

        Assert.Equal(DecodeStatus.Invalid, FrameCodec.TryDecode(bytes, out _, out _, out var error));
        Assert.Equal(ProtocolErrorCode.BadFieldLength, error!.Code);
        Assert.Equal("destAddress", error.Field);
        Assert.Contains("LineMakeCall.destAddress", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Payload_CutInsideAField_IsTruncated_NamingTheField()
    {
        var bytes = MakeCall().AsSpan(0, FrameHeader.Size + 6).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)bytes.Length);

        Assert.Equal(DecodeStatus.Invalid, FrameCodec.TryDecode(bytes, out _, out _, out var error));
        Assert.Equal(ProtocolErrorCode.Truncated, error!.Code);
        Assert.Equal("hdLine", error.Field);
    }

    [Fact]
    public void Trailing_Bytes_AreRefused()
    {
        var good = MakeCall();
        var bytes = new byte[good.Length + 3];
        good.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)bytes.Length);

        Assert.Equal(DecodeStatus.Invalid, FrameCodec.TryDecode(bytes, out _, out _, out var error));
        Assert.Equal(ProtocolErrorCode.TrailingBytes, error!.Code);
    }

    [Theory]
    [InlineData((ushort)0x8)]
    [InlineData((ushort)FrameFlags.Error)]
    [InlineData((ushort)(FrameFlags.Reply | FrameFlags.Push))]
    public void Bad_Flags_AreRefused(ushort flags)
    {
        var bytes = MakeCall();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), flags);

        Assert.Equal(DecodeStatus.Invalid, FrameCodec.TryDecode(bytes, out _, out _, out var error));
        Assert.Equal(ProtocolErrorCode.BadFlags, error!.Code);
    }

    [Fact]
    public void Push_TypeWithoutAReplyLayout_IsUnknownAsAReply()
    {
        var bytes = MessageCodec.Encode(new AsyncCompletionPush { RequestId = 1, Result = 0 }, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)FrameFlags.Reply);

        Assert.Equal(DecodeStatus.Invalid, FrameCodec.TryDecode(bytes, out _, out _, out var error));
        Assert.Equal(ProtocolErrorCode.UnknownType, error!.Code);
    }

    [Fact]
    public void Two_Frames_InOneBuffer_DecodeOneAfterTheOther()
    {
        var first = MakeCall();
        var second = Handshake.Hello(8, 1, ClientRole.Monitor);
        var both = first.Concat(second).ToArray();

        Assert.Equal(DecodeStatus.Frame, FrameCodec.TryDecode(both, out var a, out var used, out _));
        Assert.Equal(DecodeStatus.Frame, FrameCodec.TryDecode(both.AsSpan(used), out var b, out _, out _));
        Assert.Equal(FrameType.LineMakeCall, a!.Type);
        Assert.Equal(FrameType.Hello, b!.Type);
    }

    [Theory]
    [InlineData(0x12345678u, Handshake.Version, 1u, ProtocolErrorCode.BadHandshake, "magic")]
    [InlineData(Handshake.Magic, 99u, 1u, ProtocolErrorCode.VersionMismatch, "version")]
    [InlineData(Handshake.Magic, Handshake.Version, 7u, ProtocolErrorCode.BadHandshake, "role")]
    public void Handshake_RefusesWrongMagicVersionOrRole(uint magic, uint version, uint role, ProtocolErrorCode code, string field)
    {
        var frame = FrameCodec.DecodeExactly(MessageCodec.Encode(new HelloRequest { Magic = magic, Version = version, PermanentProviderId = 1, Role = role }, 1));

        var error = Handshake.Read(frame, out _, out _);

        Assert.Equal(code, error!.Code);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Handshake_AcceptsItsOwnHello()
    {
        var frame = FrameCodec.DecodeExactly(Handshake.Hello(1, 42, ClientRole.Provider));

        Assert.Null(Handshake.Read(frame, out var provider, out var role));
        Assert.Equal(42u, provider);
        Assert.Equal(ClientRole.Provider, role);
    }

    [Fact]
    public void Encode_RefusesAFieldThatTakesTheFramePastTheLimit_NamingIt_AndAcceptsOneAtTheLimit()
    {
        // A string that fits exactly makes a frame of the limit, which the codec accepts; one unit more is refused.
        var largest = new string('1', (FrameHeader.MaxFrameSize - FrameHeader.Size - 4 - 8 - 4 - 4) / 2);
        var frame = MessageCodec.Encode(new LineDialRequest { RequestId = 1, HdCall = 1, DestAddress = largest, CountryCode = 0 }, 1);
        Assert.Throws<FrameTooLargeException>(() => MessageCodec.Encode(new LineDialRequest { RequestId = 1, HdCall = 1, DestAddress = largest + "1", CountryCode = 0 }, 1));
        var tooLarge = Assert.Throws<FrameTooLargeException>(() =>
            MessageCodec.Encode(new LineDialRequest { RequestId = 1, HdCall = 1, DestAddress = new string('1', FrameHeader.MaxFrameSize), CountryCode = 0 }, 1));

        Assert.Equal($"LineDial.destAddress would make the frame longer than {FrameHeader.MaxFrameSize} bytes.", tooLarge.Message);
        Assert.Equal(FrameHeader.MaxFrameSize, frame.Length);
        Assert.Equal(largest, FrameCodec.DecodeExactly(frame).Read<LineDialRequest>().DestAddress);
    }

    [Fact]
    public void Random_Bytes_NeverThrow_FromTheDecoder()
    {
        var random = new Random(4);
        var seeds = new[] { MakeCall(), Handshake.Hello(1, 1, ClientRole.Provider), MessageCodec.Encode(new LineNewCallReply { HtCall = 5 }, FrameType.LineNewCall, FrameFlags.Reply, 2) };
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = (byte[])seeds[i % seeds.Length].Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var status = FrameCodec.TryDecode(bytes.AsSpan(0, random.Next(bytes.Length + 1)), out var frame, out _, out var error);
            Assert.True(status == DecodeStatus.Frame ? frame is not null : status == DecodeStatus.NeedMore || error is not null);
        }
    }
}
