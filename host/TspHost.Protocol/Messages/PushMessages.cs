namespace TspHost.Protocol.Messages;

// What the host pushes to the provider unasked (and copies to subscribed monitors).

/// <summary>Pushed: ASYNC_COMPLETION, the one completion of an accepted asynchronous request (R6).</summary>
public record struct AsyncCompletionPush : IMessage<AsyncCompletionPush>
{
    /// <summary>TAPI's request ID.</summary>
    public required uint RequestId;

    /// <summary>0 or a negative TAPI error.</summary>
    public required int Result;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.AsyncCompletion;

    /// <inheritdoc/>
    public static FrameFlags Flags => FrameFlags.Push;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref AsyncCompletionPush m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.RequestId);
        v.Field(ref m.Result);
    }
}

/// <summary>Pushed: a LINEEVENT other than LINE_NEWCALL, with TAPI's handles.</summary>
public record struct LineEventPush : IMessage<LineEventPush>
{
    /// <summary>TAPI's handle for the line (0 for LINE_CREATE).</summary>
    public required nint HtLine;

    /// <summary>TAPI's handle for the call, or 0.</summary>
    public required nint HtCall;

    /// <summary>The LINE_ message.</summary>
    public required uint Message;

    /// <summary>The message's first parameter.</summary>
    public required ulong Param1;

    /// <summary>The message's second parameter.</summary>
    public required ulong Param2;

    /// <summary>The message's third parameter.</summary>
    public required ulong Param3;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineEvent;

    /// <inheritdoc/>
    public static FrameFlags Flags => FrameFlags.Push;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineEventPush m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.HtLine);
        v.Field(ref m.HtCall);
        v.Field(ref m.Message);
        v.Field(ref m.Param1);
        v.Field(ref m.Param2);
        v.Field(ref m.Param3);
    }
}

/// <summary>Pushed: a PHONEEVENT, with TAPI's handle.</summary>
public record struct PhoneEventPush : IMessage<PhoneEventPush>
{
    /// <summary>TAPI's handle for the phone (0 for PHONE_CREATE).</summary>
    public required nint HtPhone;

    /// <summary>The PHONE_ message.</summary>
    public required uint Message;

    /// <summary>The message's first parameter.</summary>
    public required ulong Param1;

    /// <summary>The message's second parameter.</summary>
    public required ulong Param2;

    /// <summary>The message's third parameter.</summary>
    public required ulong Param3;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.PhoneEvent;

    /// <inheritdoc/>
    public static FrameFlags Flags => FrameFlags.Push;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneEventPush m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.HtPhone);
        v.Field(ref m.Message);
        v.Field(ref m.Param1);
        v.Field(ref m.Param2);
        v.Field(ref m.Param3);
    }
}

/// <summary>Pushed: LINE_NEWCALL. The provider answers with TAPI's handle for the call (R10).</summary>
public record struct LineNewCallPush : IRequest<LineNewCallPush, LineNewCallReply>
{
    /// <summary>TAPI's handle for the line.</summary>
    public required nint HtLine;

    /// <summary>The provider's handle for the new call.</summary>
    public required nint HdCall;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineNewCall;

    /// <inheritdoc/>
    public static FrameFlags Flags => FrameFlags.Push;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineNewCallPush m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.HtLine);
        v.Field(ref m.HdCall);
    }
}

/// <summary>The provider's reply to LINE_NEWCALL.</summary>
public record struct LineNewCallReply : IPayload<LineNewCallReply>
{
    /// <summary>TAPI's handle for the call; 0 refuses it.</summary>
    public required nint HtCall;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineNewCallReply m) where TVisitor : struct, IFieldVisitor, allows ref struct => v.Field(ref m.HtCall);
}
