using System.Net.Sockets;
using StreamJsonRpc;
using TspHost.Protocol;

namespace TspHost.Workers.Channel;

/// <summary>
/// The channel between the host and one worker: StreamJsonRpc with its MessagePack formatter, each
/// message behind a 4-byte length, over a stream. Today the stream is an owner-only Unix socket the
/// host listens on and the worker it started connects to (peer credentials checked: the same uid, and
/// the very process the host started). Nothing here depends on the stream being a local socket: wrapped
/// in an <c>SslStream</c> (mutual TLS) the same channel reaches a worker on another machine.
/// </summary>
internal static class WorkerChannel
{
    /// <summary>A JSON-RPC connection over <paramref name="stream"/>; <paramref name="target"/> serves the other side's requests.</summary>
    public static JsonRpc Create(Stream stream, object? target, SynchronizationContext? dispatch = null)
    {
        var formatter = new MessagePackFormatter();
        var rpc = new JsonRpc(new LengthHeaderMessageHandler(stream, stream, formatter));
        if (dispatch is not null)
        {
            rpc.SynchronizationContext = dispatch;
        }

        if (target is not null)
        {
            rpc.AddLocalRpcTarget(target, new JsonRpcTargetOptions { DisposeOnDisconnect = false });
        }

        return rpc;
    }

    /// <summary>
    /// Listens on a fresh owner-only socket in <paramref name="directory"/> (created 0700); the socket
    /// file is 0600 and removed once the worker has connected or the wait ended.
    /// </summary>
    public static Socket Listen(string directory, string name, out string path)
    {
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        path = Path.Combine(directory, $"{name}-{Guid.NewGuid():N}"[..Math.Min(name.Length + 13, 60)] + ".sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            listener.Listen(1);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>Accepts the worker's connection and checks it comes from <paramref name="workerProcessId"/> under the host's uid.</summary>
    /// <exception cref="IOException">Another process connected, or the kernel did not say who.</exception>
    public static async Task<Socket> AcceptAsync(Socket listener, int workerProcessId, CancellationToken cancellationToken)
    {
        var socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
        var peer = PeerCredentials.Read(socket);
        var refusal = PeerCredentials.Refusal(peer, SocketPath.CurrentUserId())
            ?? (peer is { } p && p.ProcessId != workerProcessId ? $"process {p.ProcessId} connected, not the worker the host started ({workerProcessId})" : null);
        if (refusal is not null)
        {
            socket.Dispose();
            throw new IOException($"Refused a connection on a worker's socket: {refusal}.");
        }

        return socket;
    }

    /// <summary>The worker's side: connects to the socket the host named.</summary>
    public static Socket Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
