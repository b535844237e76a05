using System.Net.Sockets;
using TspHost.Protocol.Messages;

namespace TspHost.Protocol.Tests;

/// <summary>FrameSocket over a real connected Unix socket pair.</summary>
public sealed class FrameSocketTests : IDisposable
{
    private readonly Socket _peer;
    private readonly FrameSocket _frames;

    public FrameSocketTests() => (_frames, _peer) = UnixSocketPair.Create(path => FrameSocket.Connect(path, TimeSpan.FromSeconds(10)));

    public void Dispose()
    {
        _frames.Dispose();
        _peer.Dispose();
    }

    private static byte[] Status(uint sequence) =>
        MessageCodec.Encode(new LineGetCallStatusRequest { HdCall = 0x44 }, sequence);

    [Fact]
    public void ReceiveBuffered_HandsOutTheWholeFramesOneReadLeft_ThenNullForAPartialOne_WithoutReading()
    {
        var third = Status(3);
        _peer.Send([.. Status(1), .. Status(2), .. third[..5]]);

        Assert.Equal(1u, _frames.Receive()!.Sequence);
        Assert.Equal(2u, _frames.ReceiveBuffered()!.Sequence);
        Assert.Null(_frames.ReceiveBuffered()); // five bytes of the third: not a whole frame, and no system call to wait for more
        Assert.True(_frames.Readable);

        _peer.Send(third[5..]);
        Assert.Equal(3u, _frames.Receive()!.Sequence);
        Assert.Null(_frames.ReceiveBuffered());
        Assert.False(_frames.Readable);
    }

    [Fact]
    public void ReceiveBuffered_OnAnEmptyBuffer_IsNull_AndReadableSeesTheEndOfTheStream()
    {
        Assert.Null(_frames.ReceiveBuffered());
        Assert.False(_frames.Readable);

        _peer.Shutdown(SocketShutdown.Send);

        Assert.True(_frames.Readable);
        Assert.Null(_frames.Receive());
    }

    [Fact]
    public void ReceiveBuffered_AnOversizedHeaderInTheBuffer_IsAProtocolError()
    {
        var bad = Status(9);
        BitConverter.GetBytes((uint)(FrameHeader.MaxFrameSize + 1)).CopyTo(bad, 0);
        _peer.Send([.. Status(1), .. bad]);

        Assert.Equal(1u, _frames.Receive()!.Sequence);
        var error = Assert.Throws<ProtocolException>(() => _frames.ReceiveBuffered());
        Assert.Equal(ProtocolErrorCode.Oversized, error.Error.Code);
    }
}
