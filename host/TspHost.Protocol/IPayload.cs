using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace TspHost.Protocol;

/// <summary>
/// A payload declared once. <see cref="Fields"/> names the payload's fields in wire order, one
/// <see cref="IFieldVisitor.Field(ref uint, string)"/> call each; the schema the codec checks frames
/// against (<see cref="PayloadLayout{TPayload}"/>), the writer and the reader all run that one method,
/// so the order is written in one place and a change to it reaches all three. No reflection: Native
/// AOT compiles each visitor and payload pair ahead of time.
/// </summary>
/// <typeparam name="TSelf">The declaring type: a struct with one public field per wire field.</typeparam>
public interface IPayload<TSelf> where TSelf : struct, IPayload<TSelf>
{
    /// <summary>Visits every field of <paramref name="payload"/>, in wire order.</summary>
    /// <typeparam name="TVisitor">What is done with each field: described, measured, written or read.</typeparam>
    /// <param name="visitor">The visitor.</param>
    /// <param name="payload">The payload whose fields the visitor reads or assigns.</param>
    static abstract void Fields<TVisitor>(ref TVisitor visitor, ref TSelf payload) where TVisitor : struct, IFieldVisitor, allows ref struct;
}

/// <summary>A payload that starts an exchange: a request to the host, or a frame the host pushes.</summary>
/// <typeparam name="TSelf">The declaring type.</typeparam>
public interface IMessage<TSelf> : IPayload<TSelf> where TSelf : struct, IMessage<TSelf>
{
    /// <summary>The frame type this message travels as.</summary>
    static abstract FrameType Type { get; }

    /// <summary><see cref="FrameFlags.None"/> for a request, <see cref="FrameFlags.Push"/> for a frame the host pushes.</summary>
    static virtual FrameFlags Flags => FrameFlags.None;
}

/// <summary>A message the peer answers with <typeparamref name="TReply"/> (same type, same sequence number).</summary>
/// <typeparam name="TSelf">The declaring type.</typeparam>
/// <typeparam name="TReply">The reply's payload.</typeparam>
public interface IRequest<TSelf, TReply> : IMessage<TSelf>
    where TSelf : struct, IRequest<TSelf, TReply>
    where TReply : struct, IPayload<TReply>;

/// <summary>A reply that carries a TSPI result: 0, a positive request ID, or a negative TAPI error.</summary>
public interface IResultReply
{
    /// <summary>The result.</summary>
    int Result { get; }
}

/// <summary>
/// What a payload's <see cref="IPayload{TSelf}.Fields"/> calls, once per field in wire order. The
/// field's C# type is its wire kind (<see cref="uint"/> and <see cref="int"/> 4 bytes, <see cref="ulong"/>
/// and <see cref="nint"/> 8, <see cref="string"/> a count and UTF-16 units); its name on the wire, as
/// error replies name it, is the member's name in camelCase, taken by the compiler from the argument.
/// </summary>
[SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
    Justification = "The optional parameter is the compiler's (CallerArgumentExpression), never passed; the overloads differ in a ref parameter's exact type.")]
public interface IFieldVisitor
{
    /// <summary>A DWORD.</summary>
    /// <param name="value">The field.</param>
    /// <param name="name">Supplied by the compiler: the argument as written (<c>m.DeviceId</c>).</param>
    void Field(ref uint value, [CallerArgumentExpression(nameof(value))] string name = "");

    /// <summary>A signed 32-bit TSPI result.</summary>
    /// <param name="value">The field.</param>
    /// <param name="name">Supplied by the compiler: the argument as written.</param>
    void Field(ref int value, [CallerArgumentExpression(nameof(value))] string name = "");

    /// <summary>A 64-bit value: a message parameter or a time.</summary>
    /// <param name="value">The field.</param>
    /// <param name="name">Supplied by the compiler: the argument as written.</param>
    void Field(ref ulong value, [CallerArgumentExpression(nameof(value))] string name = "");

    /// <summary>A pointer-sized handle, 64 bits on the wire.</summary>
    /// <param name="value">The field.</param>
    /// <param name="name">Supplied by the compiler: the argument as written.</param>
    void Field(ref nint value, [CallerArgumentExpression(nameof(value))] string name = "");

    /// <summary>A string, null allowed.</summary>
    /// <param name="value">The field.</param>
    /// <param name="name">Supplied by the compiler: the argument as written.</param>
    void Field(ref string? value, [CallerArgumentExpression(nameof(value))] string name = "");
}
