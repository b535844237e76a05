namespace TspHost.Protocol.Messages;

// TSPI_line* functions on calls. An asynchronous one carries TAPI's request ID and is answered with
// that ID (accepted: it completes later with AsyncCompletion) or a negative error.

/// <summary>TSPI_lineGetCallInfo.</summary>
public record struct LineGetCallInfoRequest : IRequest<LineGetCallInfoRequest, LineGetCallInfoReply>
{
    /// <summary>The call.</summary>
    public required nint HdCall;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineGetCallInfo;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineGetCallInfoRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct => v.Field(ref m.HdCall);
}

/// <summary>The reply to lineGetCallInfo: what the shim writes into LINECALLINFO.</summary>
public record struct LineGetCallInfoReply : IPayload<LineGetCallInfoReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error (the other fields are empty then).</summary>
    public required int Result;

    /// <summary>The line's device ID.</summary>
    public required uint LineDeviceId;

    /// <summary>The call's address.</summary>
    public required uint AddressId;

    /// <summary>The LINEMEDIAMODE_ of the call.</summary>
    public required uint MediaMode;

    /// <summary>LINECALLSTATE_ flags: the states the call can be in.</summary>
    public required uint CallStates;

    /// <summary>LINECALLORIGIN_.</summary>
    public required uint Origin;

    /// <summary>LINECALLREASON_.</summary>
    public required uint Reason;

    /// <summary>LINECALLPARTYID_ flags of the caller's ID.</summary>
    public required uint CallerIdFlags;

    /// <summary>The caller's number.</summary>
    public required string? CallerId;

    /// <summary>The caller's name.</summary>
    public required string? CallerIdName;

    /// <summary>LINECALLPARTYID_ flags of the called party's ID.</summary>
    public required uint CalledIdFlags;

    /// <summary>The called number.</summary>
    public required string? CalledId;

    /// <summary>The called party's name.</summary>
    public required string? CalledIdName;

    /// <summary>LINECALLPARTYID_ flags of the connected party's ID.</summary>
    public required uint ConnectedIdFlags;

    /// <summary>The connected number.</summary>
    public required string? ConnectedId;

    /// <summary>The connected party's name.</summary>
    public required string? ConnectedIdName;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineGetCallInfoReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.LineDeviceId);
        v.Field(ref m.AddressId);
        v.Field(ref m.MediaMode);
        v.Field(ref m.CallStates);
        v.Field(ref m.Origin);
        v.Field(ref m.Reason);
        v.Field(ref m.CallerIdFlags);
        v.Field(ref m.CallerId);
        v.Field(ref m.CallerIdName);
        v.Field(ref m.CalledIdFlags);
        v.Field(ref m.CalledId);
        v.Field(ref m.CalledIdName);
        v.Field(ref m.ConnectedIdFlags);
        v.Field(ref m.ConnectedId);
        v.Field(ref m.ConnectedIdName);
    }
}

/// <summary>TSPI_lineGetCallStatus.</summary>
public record struct LineGetCallStatusRequest : IRequest<LineGetCallStatusRequest, LineGetCallStatusReply>
{
    /// <summary>The call.</summary>
    public required nint HdCall;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineGetCallStatus;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineGetCallStatusRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct => v.Field(ref m.HdCall);
}

/// <summary>The reply to lineGetCallStatus: what the shim writes into LINECALLSTATUS.</summary>
public record struct LineGetCallStatusReply : IPayload<LineGetCallStatusReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error (the other fields are 0 then).</summary>
    public required int Result;

    /// <summary>The LINECALLSTATE_.</summary>
    public required uint CallState;

    /// <summary>The state's mode (a LINEDISCONNECTMODE_, LINEDIALTONEMODE_...).</summary>
    public required uint CallStateMode;

    /// <summary>LINECALLFEATURE_ flags: what can be done with the call now.</summary>
    public required uint CallFeatures;

    /// <summary>When the call entered its state, in Unix milliseconds (UTC).</summary>
    public required ulong StateEntryTimeUnixMs;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineGetCallStatusReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.CallState);
        v.Field(ref m.CallStateMode);
        v.Field(ref m.CallFeatures);
        v.Field(ref m.StateEntryTimeUnixMs);
    }
}

/// <summary>TSPI_lineMakeCall (asynchronous).</summary>
public record struct LineMakeCallRequest : IRequest<LineMakeCallRequest, LineMakeCallReply>
{
    /// <summary>TAPI's request ID.</summary>
    public required uint RequestId;

    /// <summary>The open line.</summary>
    public required nint HdLine;

    /// <summary>TAPI's handle for the new call.</summary>
    public required nint HtCall;

    /// <summary>The number to dial; null makes a call with no dialling yet.</summary>
    public required string? DestAddress;

    /// <summary>The country code of the destination (0: the default).</summary>
    public required uint CountryCode;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineMakeCall;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineMakeCallRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.RequestId);
        v.Field(ref m.HdLine);
        v.Field(ref m.HtCall);
        v.Field(ref m.DestAddress);
        v.Field(ref m.CountryCode);
    }
}

/// <summary>The reply to lineMakeCall.</summary>
public record struct LineMakeCallReply : IPayload<LineMakeCallReply>, IResultReply
{
    /// <summary>The request ID when accepted, or a negative TAPI error.</summary>
    public required int Result;

    /// <summary>The provider's handle for the call, valid once the request succeeds (R10).</summary>
    public required nint HdCall;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineMakeCallReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.HdCall);
    }
}

/// <summary>TSPI_lineDial (asynchronous).</summary>
public record struct LineDialRequest : IRequest<LineDialRequest, ResultReply>
{
    /// <summary>TAPI's request ID.</summary>
    public required uint RequestId;

    /// <summary>The call.</summary>
    public required nint HdCall;

    /// <summary>The digits to dial.</summary>
    public required string? DestAddress;

    /// <summary>The country code of the destination (0: the default).</summary>
    public required uint CountryCode;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineDial;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineDialRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.RequestId);
        v.Field(ref m.HdCall);
        v.Field(ref m.DestAddress);
        v.Field(ref m.CountryCode);
    }
}

/// <summary>TSPI_lineAnswer (asynchronous; user-user information is not forwarded).</summary>
public record struct LineAnswerRequest : IRequest<LineAnswerRequest, ResultReply>
{
    /// <summary>TAPI's request ID.</summary>
    public required uint RequestId;

    /// <summary>The offered call.</summary>
    public required nint HdCall;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineAnswer;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineAnswerRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.RequestId);
        v.Field(ref m.HdCall);
    }
}

/// <summary>TSPI_lineDrop (asynchronous; user-user information is not forwarded).</summary>
public record struct LineDropRequest : IRequest<LineDropRequest, ResultReply>
{
    /// <summary>TAPI's request ID.</summary>
    public required uint RequestId;

    /// <summary>The call.</summary>
    public required nint HdCall;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineDrop;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineDropRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.RequestId);
        v.Field(ref m.HdCall);
    }
}

/// <summary>TSPI_lineHold (asynchronous).</summary>
public record struct LineHoldRequest : IRequest<LineHoldRequest, ResultReply>
{
    /// <summary>TAPI's request ID.</summary>
    public required uint RequestId;

    /// <summary>The call to hold.</summary>
    public required nint HdCall;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineHold;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineHoldRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.RequestId);
        v.Field(ref m.HdCall);
    }
}

/// <summary>TSPI_lineUnhold (asynchronous).</summary>
public record struct LineUnholdRequest : IRequest<LineUnholdRequest, ResultReply>
{
    /// <summary>TAPI's request ID.</summary>
    public required uint RequestId;

    /// <summary>The held call.</summary>
    public required nint HdCall;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineUnhold;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineUnholdRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.RequestId);
        v.Field(ref m.HdCall);
    }
}

/// <summary>TSPI_lineSetupTransfer (asynchronous).</summary>
public record struct LineSetupTransferRequest : IRequest<LineSetupTransferRequest, LineSetupTransferReply>
{
    /// <summary>TAPI's request ID.</summary>
    public required uint RequestId;

    /// <summary>The call to transfer.</summary>
    public required nint HdCall;

    /// <summary>TAPI's handle for the consultation call.</summary>
    public required nint HtConsultCall;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineSetupTransfer;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineSetupTransferRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.RequestId);
        v.Field(ref m.HdCall);
        v.Field(ref m.HtConsultCall);
    }
}

/// <summary>The reply to lineSetupTransfer.</summary>
public record struct LineSetupTransferReply : IPayload<LineSetupTransferReply>, IResultReply
{
    /// <summary>The request ID when accepted, or a negative TAPI error.</summary>
    public required int Result;

    /// <summary>The provider's handle for the consultation call, valid once the request succeeds (R10).</summary>
    public required nint HdConsultCall;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineSetupTransferReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.HdConsultCall);
    }
}

/// <summary>TSPI_lineCompleteTransfer (asynchronous).</summary>
public record struct LineCompleteTransferRequest : IRequest<LineCompleteTransferRequest, LineCompleteTransferReply>
{
    /// <summary>TAPI's request ID.</summary>
    public required uint RequestId;

    /// <summary>The call being transferred.</summary>
    public required nint HdCall;

    /// <summary>The consultation call.</summary>
    public required nint HdConsultCall;

    /// <summary>TAPI's handle for the conference call, when the transfer mode is a conference.</summary>
    public required nint HtConfCall;

    /// <summary>LINETRANSFERMODE_TRANSFER or LINETRANSFERMODE_CONFERENCE.</summary>
    public required uint TransferMode;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineCompleteTransfer;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineCompleteTransferRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.RequestId);
        v.Field(ref m.HdCall);
        v.Field(ref m.HdConsultCall);
        v.Field(ref m.HtConfCall);
        v.Field(ref m.TransferMode);
    }
}

/// <summary>The reply to lineCompleteTransfer.</summary>
public record struct LineCompleteTransferReply : IPayload<LineCompleteTransferReply>, IResultReply
{
    /// <summary>The request ID when accepted, or a negative TAPI error.</summary>
    public required int Result;

    /// <summary>The provider's handle for the conference call (conference mode), valid once the request succeeds.</summary>
    public required nint HdConfCall;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineCompleteTransferReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.HdConfCall);
    }
}

/// <summary>TSPI_lineSetupConference (asynchronous).</summary>
public record struct LineSetupConferenceRequest : IRequest<LineSetupConferenceRequest, LineSetupConferenceReply>
{
    /// <summary>TAPI's request ID.</summary>
    public required uint RequestId;

    /// <summary>The call that becomes the conference's first party, or 0.</summary>
    public required nint HdCall;

    /// <summary>The line, when <see cref="HdCall"/> is 0.</summary>
    public required nint HdLine;

    /// <summary>TAPI's handle for the conference call.</summary>
    public required nint HtConfCall;

    /// <summary>TAPI's handle for the consultation call.</summary>
    public required nint HtConsultCall;

    /// <summary>The number of parties expected.</summary>
    public required uint NumParties;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineSetupConference;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineSetupConferenceRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.RequestId);
        v.Field(ref m.HdCall);
        v.Field(ref m.HdLine);
        v.Field(ref m.HtConfCall);
        v.Field(ref m.HtConsultCall);
        v.Field(ref m.NumParties);
    }
}

/// <summary>The reply to lineSetupConference.</summary>
public record struct LineSetupConferenceReply : IPayload<LineSetupConferenceReply>, IResultReply
{
    /// <summary>The request ID when accepted, or a negative TAPI error.</summary>
    public required int Result;

    /// <summary>The provider's handle for the conference call, valid once the request succeeds.</summary>
    public required nint HdConfCall;

    /// <summary>The provider's handle for the consultation call, valid once the request succeeds.</summary>
    public required nint HdConsultCall;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineSetupConferenceReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.HdConfCall);
        v.Field(ref m.HdConsultCall);
    }
}

/// <summary>TSPI_lineCloseCall.</summary>
public record struct LineCloseCallRequest : IRequest<LineCloseCallRequest, ResultReply>
{
    /// <summary>The call TAPI is done with.</summary>
    public required nint HdCall;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineCloseCall;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineCloseCallRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct => v.Field(ref m.HdCall);
}
