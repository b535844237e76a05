using TspHost.Protocol.Messages;

namespace TspHost.Protocol;

/// <summary>How one payload field is encoded (little-endian throughout).</summary>
public enum FieldKind : byte
{
    /// <summary>A 32-bit unsigned integer (a DWORD).</summary>
    U32,

    /// <summary>A 32-bit signed integer (a TSPI result: 0, a positive request ID or a negative error).</summary>
    I32,

    /// <summary>A 64-bit value: a pointer-sized handle, a message parameter or a time in Unix milliseconds.</summary>
    U64,

    /// <summary>
    /// A string as on Windows, UTF-16LE: a 32-bit count of UTF-16 code units, then the units; the count
    /// <see cref="WireString.Null"/> encodes a null string.
    /// </summary>
    String,
}

/// <summary>One named field of a payload.</summary>
/// <param name="Name">The field's name, as error replies name it.</param>
/// <param name="Kind">How it is encoded.</param>
public readonly record struct Field(string Name, FieldKind Kind)
{
    /// <summary>A field's wire name from the argument a declaration passed (<c>m.HdCall</c>): the member's name in camelCase (<c>hdCall</c>).</summary>
    internal static string WireName(string expression)
    {
        var member = expression[(expression.LastIndexOf('.') + 1)..].Trim();
        return member.Length == 0 ? member : string.Concat(char.ToLowerInvariant(member[0]).ToString(), member.AsSpan(1));
    }
}

/// <summary>
/// The payload layout of every frame type, derived from the message declarations in
/// <see cref="Messages"/>: one entry per frame type, naming the message that starts the exchange
/// (a request or a push) and its reply. The codec checks every frame against these layouts, so a
/// reader never sees a malformed payload, and error replies name the field at fault.
/// </summary>
public static class FrameSchema
{
    // One line per frame type. A new TSPI function: declare its request and reply in Messages/, add its line here.
    private static readonly MessageDeclaration[] s_declarations =
    [
        MessageDeclaration.Of<HelloRequest, HelloReply>(),
        MessageDeclaration.Of<MonitorSnapshotRequest, MonitorSnapshotReply>(),
        MessageDeclaration.Of<MonitorSubscribeRequest, ResultReply>(),
        MessageDeclaration.Of<ProviderEnumDevicesRequest, ProviderEnumDevicesReply>(),
        MessageDeclaration.Of<ProviderInitRequest, ProviderInitReply>(),
        MessageDeclaration.Of<ProviderShutdownRequest, ResultReply>(),
        MessageDeclaration.Of<ProviderInstallRequest, ProviderOperationReply>(),
        MessageDeclaration.Of<ProviderConfigRequest, ProviderOperationReply>(),
        MessageDeclaration.Of<ProviderRemoveRequest, ProviderOperationReply>(),
        MessageDeclaration.Of<ProviderCreateLineDeviceRequest, ResultReply>(),
        MessageDeclaration.Of<ProviderCreatePhoneDeviceRequest, ResultReply>(),
        MessageDeclaration.Of<LineNegotiateTspiVersionRequest, TspiVersionReply>(),
        MessageDeclaration.Of<LineNegotiateExtVersionRequest, LineNegotiateExtVersionReply>(),
        MessageDeclaration.Of<LineSelectExtVersionRequest, ResultReply>(),
        MessageDeclaration.Of<LineOpenRequest, LineOpenReply>(),
        MessageDeclaration.Of<LineCloseRequest, ResultReply>(),
        MessageDeclaration.Of<LineGetDevCapsRequest, LineGetDevCapsReply>(),
        MessageDeclaration.Of<LineGetAddressCapsRequest, LineGetAddressCapsReply>(),
        MessageDeclaration.Of<LineGetCallInfoRequest, LineGetCallInfoReply>(),
        MessageDeclaration.Of<LineGetCallStatusRequest, LineGetCallStatusReply>(),
        MessageDeclaration.Of<LineMakeCallRequest, LineMakeCallReply>(),
        MessageDeclaration.Of<LineDialRequest, ResultReply>(),
        MessageDeclaration.Of<LineAnswerRequest, ResultReply>(),
        MessageDeclaration.Of<LineDropRequest, ResultReply>(),
        MessageDeclaration.Of<LineHoldRequest, ResultReply>(),
        MessageDeclaration.Of<LineUnholdRequest, ResultReply>(),
        MessageDeclaration.Of<LineSetupTransferRequest, LineSetupTransferReply>(),
        MessageDeclaration.Of<LineCompleteTransferRequest, LineCompleteTransferReply>(),
        MessageDeclaration.Of<LineSetupConferenceRequest, LineSetupConferenceReply>(),
        MessageDeclaration.Of<LineCloseCallRequest, ResultReply>(),
        MessageDeclaration.Of<PhoneNegotiateTspiVersionRequest, TspiVersionReply>(),
        MessageDeclaration.Of<PhoneOpenRequest, PhoneOpenReply>(),
        MessageDeclaration.Of<PhoneCloseRequest, ResultReply>(),
        MessageDeclaration.Of<PhoneGetDevCapsRequest, PhoneGetDevCapsReply>(),
        MessageDeclaration.Of<PhoneGetHookSwitchRequest, PhoneGetHookSwitchReply>(),
        MessageDeclaration.Of<PhoneSetHookSwitchRequest, ResultReply>(),
        MessageDeclaration.Of<PhoneSetRingRequest, ResultReply>(),
        MessageDeclaration.Of<PhoneGetRingRequest, PhoneGetRingReply>(),
        MessageDeclaration.Of<PhoneSetLampRequest, ResultReply>(),
        MessageDeclaration.Of<AsyncCompletionPush>(),
        MessageDeclaration.Of<LineEventPush>(),
        MessageDeclaration.Of<PhoneEventPush>(),
        MessageDeclaration.Of<LineNewCallPush, LineNewCallReply>(),
        MessageDeclaration.Of<MonitorTracePush>(),
    ];

    private static readonly MessageDeclaration?[] s_byType = Index(s_declarations);

    /// <summary>Every message this protocol version declares, one per frame type.</summary>
    public static IReadOnlyList<MessageDeclaration> Declarations => s_declarations;

    /// <summary>The payload of an error reply (<see cref="ErrorReply"/>), whatever the frame type.</summary>
    public static readonly Field[] Error = PayloadLayout<ErrorReply>.Fields;

    /// <summary>The declaration of frame type <paramref name="type"/>; null for a type this version does not know.</summary>
    public static MessageDeclaration? Find(FrameType type) => (ushort)type < s_byType.Length ? s_byType[(ushort)type] : null;

    /// <summary>The fields of a request or push of type <paramref name="type"/>; null for a type this version does not know.</summary>
    public static Field[]? Request(FrameType type) => Find(type)?.Fields;

    /// <summary>The fields of the reply to a request of type <paramref name="type"/>; null when the type has no reply.</summary>
    public static Field[]? Reply(FrameType type) => Find(type)?.ReplyFields;

    /// <summary>The fields a frame with this header carries; null when the type (or the type as a reply) is unknown.</summary>
    public static Field[]? For(FrameType type, FrameFlags flags) =>
        (flags & FrameFlags.Error) != 0 ? Error : (flags & FrameFlags.Reply) != 0 ? Reply(type) : Request(type);

    /// <summary>True for the types only the host sends unasked.</summary>
    public static bool IsPush(FrameType type) => Find(type)?.Flags == FrameFlags.Push;

    private static MessageDeclaration?[] Index(MessageDeclaration[] declarations)
    {
        var byType = new MessageDeclaration?[declarations.Max(d => (int)d.Type) + 1];
        foreach (var declaration in declarations)
        {
            if (byType[(int)declaration.Type] is { } other)
            {
                throw new InvalidOperationException($"{declaration.Type} is declared twice: by {other.MessageType.Name} and by {declaration.MessageType.Name}.");
            }

            byType[(int)declaration.Type] = declaration;
        }

        return byType;
    }
}

/// <summary>One frame type's messages: the one that starts the exchange and, when it is answered, its reply.</summary>
/// <param name="Type">The frame type.</param>
/// <param name="Flags"><see cref="FrameFlags.None"/> for a request, <see cref="FrameFlags.Push"/> for a push.</param>
/// <param name="MessageType">The declared request or push.</param>
/// <param name="Fields">Its layout (<see cref="PayloadLayout{TPayload}.Fields"/>).</param>
/// <param name="ReplyType">The declared reply; null when the message is not answered.</param>
/// <param name="ReplyFields">The reply's layout; null when the message is not answered.</param>
public sealed record MessageDeclaration(FrameType Type, FrameFlags Flags, Type MessageType, Field[] Fields, Type? ReplyType, Field[]? ReplyFields)
{
    /// <summary>A message answered with <typeparamref name="TReply"/>.</summary>
    public static MessageDeclaration Of<TRequest, TReply>() where TRequest : struct, IRequest<TRequest, TReply> where TReply : struct, IPayload<TReply> =>
        new(TRequest.Type, TRequest.Flags, typeof(TRequest), PayloadLayout<TRequest>.Fields, typeof(TReply), PayloadLayout<TReply>.Fields);

    /// <summary>A message nobody answers (most pushes).</summary>
    public static MessageDeclaration Of<TMessage>() where TMessage : struct, IMessage<TMessage> =>
        new(TMessage.Type, TMessage.Flags, typeof(TMessage), PayloadLayout<TMessage>.Fields, null, null);
}
