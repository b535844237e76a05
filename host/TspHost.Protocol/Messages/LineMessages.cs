namespace TspHost.Protocol.Messages;

// TSPI_line* functions on a line device: versions, open and close, capabilities.

/// <summary>TSPI_lineNegotiateTSPIVersion (answered with a <see cref="TspiVersionReply"/>).</summary>
public record struct LineNegotiateTspiVersionRequest : IRequest<LineNegotiateTspiVersionRequest, TspiVersionReply>
{
    /// <summary>The line's device ID, or INITIALIZE_NEGOTIATION (0xFFFFFFFF) before providerInit.</summary>
    public required uint DeviceId;

    /// <summary>The lowest version TAPI accepts.</summary>
    public required uint LowVersion;

    /// <summary>The highest version TAPI accepts.</summary>
    public required uint HighVersion;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineNegotiateTspiVersion;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineNegotiateTspiVersionRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.DeviceId);
        v.Field(ref m.LowVersion);
        v.Field(ref m.HighVersion);
    }
}

/// <summary>TSPI_lineNegotiateExtVersion.</summary>
public record struct LineNegotiateExtVersionRequest : IRequest<LineNegotiateExtVersionRequest, LineNegotiateExtVersionReply>
{
    /// <summary>The line's device ID.</summary>
    public required uint DeviceId;

    /// <summary>The TSPI version negotiated for the line.</summary>
    public required uint TspiVersion;

    /// <summary>The lowest extension version the application accepts.</summary>
    public required uint LowVersion;

    /// <summary>The highest extension version the application accepts.</summary>
    public required uint HighVersion;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineNegotiateExtVersion;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineNegotiateExtVersionRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.DeviceId);
        v.Field(ref m.TspiVersion);
        v.Field(ref m.LowVersion);
        v.Field(ref m.HighVersion);
    }
}

/// <summary>The reply to lineNegotiateExtVersion.</summary>
public record struct LineNegotiateExtVersionReply : IPayload<LineNegotiateExtVersionReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error.</summary>
    public required int Result;

    /// <summary>The extension version negotiated (0: none).</summary>
    public required uint ExtVersion;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineNegotiateExtVersionReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.ExtVersion);
    }
}

/// <summary>TSPI_lineSelectExtVersion.</summary>
public record struct LineSelectExtVersionRequest : IRequest<LineSelectExtVersionRequest, ResultReply>
{
    /// <summary>The open line.</summary>
    public required nint HdLine;

    /// <summary>The extension version to select (0 deselects).</summary>
    public required uint ExtVersion;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineSelectExtVersion;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineSelectExtVersionRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.HdLine);
        v.Field(ref m.ExtVersion);
    }
}

/// <summary>TSPI_lineOpen.</summary>
public record struct LineOpenRequest : IRequest<LineOpenRequest, LineOpenReply>
{
    /// <summary>The line's device ID.</summary>
    public required uint DeviceId;

    /// <summary>TAPI's handle for the line, carried by the line's events.</summary>
    public required nint HtLine;

    /// <summary>The TSPI version negotiated for the line.</summary>
    public required uint TspiVersion;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineOpen;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineOpenRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.DeviceId);
        v.Field(ref m.HtLine);
        v.Field(ref m.TspiVersion);
    }
}

/// <summary>The reply to lineOpen.</summary>
public record struct LineOpenReply : IPayload<LineOpenReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error.</summary>
    public required int Result;

    /// <summary>The provider's handle for the open line.</summary>
    public required nint HdLine;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineOpenReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.HdLine);
    }
}

/// <summary>TSPI_lineClose.</summary>
public record struct LineCloseRequest : IRequest<LineCloseRequest, ResultReply>
{
    /// <summary>The open line.</summary>
    public required nint HdLine;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineClose;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineCloseRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct => v.Field(ref m.HdLine);
}

/// <summary>TSPI_lineGetDevCaps.</summary>
public record struct LineGetDevCapsRequest : IRequest<LineGetDevCapsRequest, LineGetDevCapsReply>
{
    /// <summary>The line's device ID.</summary>
    public required uint DeviceId;

    /// <summary>The TSPI version the caps are laid out for.</summary>
    public required uint TspiVersion;

    /// <summary>The extension version (0: none).</summary>
    public required uint ExtVersion;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineGetDevCaps;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineGetDevCapsRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.DeviceId);
        v.Field(ref m.TspiVersion);
        v.Field(ref m.ExtVersion);
    }
}

/// <summary>The reply to lineGetDevCaps: what the shim writes into LINEDEVCAPS.</summary>
public record struct LineGetDevCapsReply : IPayload<LineGetDevCapsReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error (the other fields are empty then).</summary>
    public required int Result;

    /// <summary>The provider's description.</summary>
    public required string? ProviderInfo;

    /// <summary>The switch's description.</summary>
    public required string? SwitchInfo;

    /// <summary>TAPI's permanent provider ID.</summary>
    public required uint PermanentProviderId;

    /// <summary>The line's permanent ID.</summary>
    public required uint PermanentLineId;

    /// <summary>The line's name.</summary>
    public required string? LineName;

    /// <summary>The number of addresses.</summary>
    public required uint NumAddresses;

    /// <summary>The most calls active at once.</summary>
    public required uint MaxNumActiveCalls;

    /// <summary>LINEMEDIAMODE_ flags.</summary>
    public required uint MediaModes;

    /// <summary>LINEDEVCAPFLAGS_ flags.</summary>
    public required uint DevCapFlags;

    /// <summary>LINECALLFEATURE_ flags.</summary>
    public required uint CallFeatures;

    /// <summary>The lowest extension version the line supports.</summary>
    public required uint ExtVersionLow;

    /// <summary>The highest extension version the line supports.</summary>
    public required uint ExtVersionHigh;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineGetDevCapsReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.ProviderInfo);
        v.Field(ref m.SwitchInfo);
        v.Field(ref m.PermanentProviderId);
        v.Field(ref m.PermanentLineId);
        v.Field(ref m.LineName);
        v.Field(ref m.NumAddresses);
        v.Field(ref m.MaxNumActiveCalls);
        v.Field(ref m.MediaModes);
        v.Field(ref m.DevCapFlags);
        v.Field(ref m.CallFeatures);
        v.Field(ref m.ExtVersionLow);
        v.Field(ref m.ExtVersionHigh);
    }
}

/// <summary>TSPI_lineGetAddressCaps.</summary>
public record struct LineGetAddressCapsRequest : IRequest<LineGetAddressCapsRequest, LineGetAddressCapsReply>
{
    /// <summary>The line's device ID.</summary>
    public required uint DeviceId;

    /// <summary>The address on the line.</summary>
    public required uint AddressId;

    /// <summary>The TSPI version the caps are laid out for.</summary>
    public required uint TspiVersion;

    /// <summary>The extension version (0: none).</summary>
    public required uint ExtVersion;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.LineGetAddressCaps;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineGetAddressCapsRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.DeviceId);
        v.Field(ref m.AddressId);
        v.Field(ref m.TspiVersion);
        v.Field(ref m.ExtVersion);
    }
}

/// <summary>The reply to lineGetAddressCaps: what the shim writes into LINEADDRESSCAPS.</summary>
public record struct LineGetAddressCapsReply : IPayload<LineGetAddressCapsReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error (the other fields are empty then).</summary>
    public required int Result;

    /// <summary>The line's device ID.</summary>
    public required uint LineDeviceId;

    /// <summary>The address.</summary>
    public required string? Address;

    /// <summary>LINECALLSTATE_ flags: the states a call on the address can be in.</summary>
    public required uint CallStates;

    /// <summary>LINEDISCONNECTMODE_ flags.</summary>
    public required uint DisconnectModes;

    /// <summary>LINECALLPARTYID_ flags the address reports for callers (and called and connected parties).</summary>
    public required uint CallerIdFlags;

    /// <summary>The most calls active at once.</summary>
    public required uint MaxNumActiveCalls;

    /// <summary>The most calls on hold at once.</summary>
    public required uint MaxNumOnHoldCalls;

    /// <summary>The most parties in a conference.</summary>
    public required uint MaxNumConference;

    /// <summary>LINECALLFEATURE_ flags.</summary>
    public required uint CallFeatures;

    /// <summary>LINETRANSFERMODE_ flags.</summary>
    public required uint TransferModes;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref LineGetAddressCapsReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.LineDeviceId);
        v.Field(ref m.Address);
        v.Field(ref m.CallStates);
        v.Field(ref m.DisconnectModes);
        v.Field(ref m.CallerIdFlags);
        v.Field(ref m.MaxNumActiveCalls);
        v.Field(ref m.MaxNumOnHoldCalls);
        v.Field(ref m.MaxNumConference);
        v.Field(ref m.CallFeatures);
        v.Field(ref m.TransferModes);
    }
}
