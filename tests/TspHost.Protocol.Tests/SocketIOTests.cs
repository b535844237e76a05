using System.Net.Sockets;

namespace TspHost.Protocol.Tests;

/// <summary>SocketIO's direct send/recv over a real connected Unix socket pair: the same results and errors as Socket's own methods.</summary>
public sealed class SocketIOTests : IDisposable
{
    private readonly Socket _a;
    private readonly Socket _b;

    public SocketIOTests() => (_a, _b) = UnixSocketPair.Create(path =>
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        return socket;
    });

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    public async Task Send_WritesAllOfABufferLargerThanTheSocketHolds_WhileThePeerReads()
    {
        var data = new byte[4 * 1024 * 1024];
        Random.Shared.NextBytes(data);
        var received = new byte[data.Length];
        _b.ReceiveTimeout = 30_000; // a lost byte fails the test instead of hanging it
        var reader = Task.Run(
            () =>
            {
                for (var got = 0; got < received.Length;)
                {
                    got += SocketIO.Receive(_b, received.AsSpan(got));
                }
            },
            TestContext.Current.CancellationToken);

        SocketIO.Send(_a, data);

        await reader.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(data, received);
    }

    [Fact]
    public void Receive_ReturnsWhatIsThere_ThenZeroAtTheEndOfTheStream()
    {
        _b.Send([1, 2, 3]);
        _b.Shutdown(SocketShutdown.Send);

        var buffer = new byte[16];
        Assert.Equal(3, SocketIO.Receive(_a, buffer));
        Assert.Equal([1, 2, 3], buffer[..3]);
        Assert.Equal(0, SocketIO.Receive(_a, buffer));
    }

    [Fact]
    public void TryReceive_IsMinusOneWhileNothingCame_ThenTheBytes_ThenZeroAtTheEndOfTheStream()
    {
        var buffer = new byte[16];
        Assert.Equal(-1, SocketIO.TryReceive(_a, buffer));

        _b.Send([7, 8]);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int got;
        while ((got = SocketIO.TryReceive(_a, buffer)) < 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(1);
        }

        Assert.Equal(2, got);
        Assert.Equal([7, 8], buffer[..2]);
        Assert.Equal(-1, SocketIO.TryReceive(_a, buffer));

        _b.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, SocketIO.TryReceive(_a, buffer));
    }

    [Fact]
    public void Receive_PastTheReceiveTimeout_ThrowsTimedOut()
    {
        _a.ReceiveTimeout = 50;

        var error = Assert.Throws<SocketException>(() => SocketIO.Receive(_a, new byte[16]));

        Assert.Equal(SocketError.TimedOut, error.SocketErrorCode);
    }

    [Fact]
    public void Send_ToAPeerThatClosed_ThrowsASocketException()
    {
        _b.Dispose();

        // The first write may still be accepted by the kernel; a later one finds the peer gone (EPIPE).
        var error = Assert.Throws<SocketException>(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                SocketIO.Send(_a, new byte[64]);
            }
        });

        Assert.Contains(error.SocketErrorCode, new[] { SocketError.Shutdown, SocketError.ConnectionReset });
    }

    [Fact]
    public void ADisposedSocket_ThrowsObjectDisposed_RatherThanUsingAStaleDescriptor()
    {
        _a.Dispose();

        Assert.Throws<ObjectDisposedException>(() => SocketIO.Send(_a, new byte[4]));
        Assert.Throws<ObjectDisposedException>(() => SocketIO.Receive(_a, new byte[4]));
    }
}
