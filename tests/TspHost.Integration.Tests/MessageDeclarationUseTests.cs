using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using TspHost.Ipc;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Integration.Tests;

/// <summary>
/// Each TSPI message is declared once (TspHost.Protocol.Messages), and the codec, the daemon and the
/// shim all take it from there: for every frame type, the layout the codec checks is the
/// declaration's, the daemon's handler reads the declared request and writes the declared reply, and
/// the shim's exports send the declared request (typed on it, they can read only its declared
/// reply). Change a declaration and all three change with it; there is no second place that knows a
/// field order. The daemon and shim side is read from their compiled code: the generic
/// instantiations each assembly makes.
/// </summary>
public sealed class MessageDeclarationUseTests
{
    private static readonly HashSet<FrameType> s_notTspi = [FrameType.Hello, FrameType.MonitorSnapshot, FrameType.MonitorSubscribe];

    [Fact]
    public void EveryTspiRequest_TheCodecTheDaemonAndTheShim_AllUseItsOneDeclaration()
    {
        var served = TspiRequestHandler.Served.ToDictionary(s => s.Type);
        var shimSends = Instantiations(TapiLayout.Shim, m => m.DeclaringType?.Assembly == TapiLayout.Shim);
        var requests = FrameSchema.Declarations.Where(d => d.Flags == FrameFlags.None && !s_notTspi.Contains(d.Type)).ToList();
        Assert.NotEmpty(requests);

        foreach (var declaration in requests)
        {
            Assert.Same(Layout(declaration.MessageType), FrameSchema.Request(declaration.Type));
            Assert.Same(Layout(declaration.ReplyType!), FrameSchema.Reply(declaration.Type));
            Assert.True(served.TryGetValue(declaration.Type, out var entry), $"the daemon serves no {declaration.Type}");
            Assert.Equal((declaration.MessageType, declaration.ReplyType), (entry.Request, entry.Reply));
            Assert.True(shimSends.Contains(declaration.MessageType), $"no export of the shim sends {declaration.MessageType.Name}");
        }

        // Nothing else is served or sent: every request type either side uses is a declared one.
        Assert.Equal(requests.Select(d => d.Type).Order(), served.Keys.Order());
        Assert.Equal(requests.Select(d => d.MessageType).OrderBy(t => t.Name), shimSends.Where(IsRequest).OrderBy(t => t.Name));
    }

    [Fact]
    public void EveryPush_TheDaemonWritesItsDeclaration_AndTheShimReadsIt()
    {
        var daemonWrites = Instantiations(typeof(TspiRequestHandler).Assembly, m => m.DeclaringType == typeof(MessageCodec) && m.Name == nameof(MessageCodec.Encode));
        var shimReads = Instantiations(TapiLayout.Shim, m => m.DeclaringType == typeof(Frame) && m.Name == nameof(Frame.Read));
        var pushes = FrameSchema.Declarations.Where(d => d.Flags == FrameFlags.Push).ToList();

        foreach (var declaration in pushes)
        {
            Assert.Same(Layout(declaration.MessageType), FrameSchema.Request(declaration.Type));
            Assert.True(daemonWrites.Contains(declaration.MessageType), $"the daemon never writes {declaration.MessageType.Name}");
            if (declaration.Type != FrameType.MonitorTrace) // for monitors only
            {
                Assert.True(shimReads.Contains(declaration.MessageType), $"the shim never reads {declaration.MessageType.Name}");
            }
        }

        // LINE_NEWCALL is answered: the shim writes the declared reply, the daemon reads it.
        Assert.Contains(typeof(LineNewCallReply), Instantiations(TapiLayout.Shim, m => m.DeclaringType == typeof(MessageCodec)));
        Assert.Contains(typeof(LineNewCallReply), Instantiations(typeof(TspiRequestHandler).Assembly, m => m.DeclaringType == typeof(Frame) && m.Name == nameof(Frame.Read)));
    }

    private static bool IsRequest(Type type) => type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRequest<,>))
        && FrameSchema.Declarations.Any(d => d.MessageType == type && d.Flags == FrameFlags.None && !s_notTspi.Contains(d.Type));

    private static object Layout(Type payload) => typeof(PayloadLayout<>).MakeGenericType(payload).GetProperty(nameof(PayloadLayout<HelloRequest>.Fields))!.GetValue(null)!;

    /// <summary>
    /// The closed type arguments of the generic methods <paramref name="assembly"/>'s code calls (its
    /// MethodSpec table), for the methods <paramref name="which"/> selects.
    /// </summary>
    private static HashSet<Type> Instantiations(Assembly assembly, Func<MethodBase, bool> which)
    {
        using var pe = new PEReader(File.OpenRead(assembly.Location));
        var metadata = pe.GetMetadataReader();
        var found = new HashSet<Type>();
        for (var row = 1; row <= metadata.GetTableRowCount(TableIndex.MethodSpec); row++)
        {
            MethodBase? method;
            try
            {
                method = assembly.ManifestModule.ResolveMethod(MetadataTokens.GetToken(MetadataTokens.MethodSpecificationHandle(row)));
            }
            catch (ArgumentException)
            {
                continue; // instantiated on a type parameter of a generic method (HostLink.Call<TRequest, ...> in a helper): the helper's call sites carry the closed types
            }

            if (method is not null && which(method))
            {
                found.UnionWith(method.GetGenericArguments().Where(t => !t.IsGenericParameter));
            }
        }

        return found;
    }
}
