using System.Net.Sockets;

namespace TspHost.Protocol.Tests;

/// <summary>A real connected pair of Unix stream sockets, through a listener on a temporary path.</summary>
internal static class UnixSocketPair
{
    /// <summary>Listens on a fresh path, lets <paramref name="connect"/> connect to it, and returns what it made with the accepted peer.</summary>
    public static (T Client, Socket Peer) Create<T>(Func<string, T> connect)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tsphost-test-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        try
        {
            var client = connect(path);
            return (client, listener.Accept());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
