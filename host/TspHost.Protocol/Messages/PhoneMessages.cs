namespace TspHost.Protocol.Messages;

// TSPI_phone* functions. The asynchronous ones carry TAPI's request ID and are answered with it
// (accepted) or a negative error.

/// <summary>TSPI_phoneNegotiateTSPIVersion (answered with a <see cref="TspiVersionReply"/>).</summary>
public record struct PhoneNegotiateTspiVersionRequest : IRequest<PhoneNegotiateTspiVersionRequest, TspiVersionReply>
{
    /// <summary>The phone's device ID, or INITIALIZE_NEGOTIATION (0xFFFFFFFF) before providerInit.</summary>
    public required uint DeviceId;

    /// <summary>The lowest version TAPI accepts.</summary>
    public required uint LowVersion;

    /// <summary>The highest version TAPI accepts.</summary>
    public required uint HighVersion;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.PhoneNegotiateTspiVersion;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneNegotiateTspiVersionRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.DeviceId);
        v.Field(ref m.LowVersion);
        v.Field(ref m.HighVersion);
    }
}

/// <summary>TSPI_phoneOpen.</summary>
public record struct PhoneOpenRequest : IRequest<PhoneOpenRequest, PhoneOpenReply>
{
    /// <summary>The phone's device ID.</summary>
    public required uint DeviceId;

    /// <summary>TAPI's handle for the phone, carried by the phone's events.</summary>
    public required nint HtPhone;

    /// <summary>The TSPI version negotiated for the phone.</summary>
    public required uint TspiVersion;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.PhoneOpen;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneOpenRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.DeviceId);
        v.Field(ref m.HtPhone);
        v.Field(ref m.TspiVersion);
    }
}

/// <summary>The reply to phoneOpen.</summary>
public record struct PhoneOpenReply : IPayload<PhoneOpenReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error.</summary>
    public required int Result;

    /// <summary>The provider's handle for the open phone.</summary>
    public required nint HdPhone;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneOpenReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.HdPhone);
    }
}

/// <summary>TSPI_phoneClose.</summary>
public record struct PhoneCloseRequest : IRequest<PhoneCloseRequest, ResultReply>
{
    /// <summary>The open phone.</summary>
    public required nint HdPhone;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.PhoneClose;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneCloseRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct => v.Field(ref m.HdPhone);
}

/// <summary>TSPI_phoneGetDevCaps.</summary>
public record struct PhoneGetDevCapsRequest : IRequest<PhoneGetDevCapsRequest, PhoneGetDevCapsReply>
{
    /// <summary>The phone's device ID.</summary>
    public required uint DeviceId;

    /// <summary>The TSPI version the caps are laid out for.</summary>
    public required uint TspiVersion;

    /// <summary>The extension version (0: none).</summary>
    public required uint ExtVersion;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.PhoneGetDevCaps;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneGetDevCapsRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.DeviceId);
        v.Field(ref m.TspiVersion);
        v.Field(ref m.ExtVersion);
    }
}

/// <summary>The reply to phoneGetDevCaps: what the shim writes into PHONECAPS.</summary>
public record struct PhoneGetDevCapsReply : IPayload<PhoneGetDevCapsReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error (the other fields are empty then).</summary>
    public required int Result;

    /// <summary>The provider's description.</summary>
    public required string? ProviderInfo;

    /// <summary>The phone's description.</summary>
    public required string? PhoneInfo;

    /// <summary>TAPI's permanent provider ID.</summary>
    public required uint PermanentProviderId;

    /// <summary>The phone's permanent ID.</summary>
    public required uint PermanentPhoneId;

    /// <summary>The phone's name.</summary>
    public required string? PhoneName;

    /// <summary>PHONEHOOKSWITCHDEV_ flags.</summary>
    public required uint HookSwitchDevs;

    /// <summary>PHONEHOOKSWITCHMODE_ flags of every hook switch device.</summary>
    public required uint HookSwitchModes;

    /// <summary>The number of ring modes.</summary>
    public required uint NumRingModes;

    /// <summary>The number of buttons and lamps.</summary>
    public required uint NumButtonLamps;

    /// <summary>PHONEFEATURE_ flags.</summary>
    public required uint PhoneFeatures;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneGetDevCapsReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.ProviderInfo);
        v.Field(ref m.PhoneInfo);
        v.Field(ref m.PermanentProviderId);
        v.Field(ref m.PermanentPhoneId);
        v.Field(ref m.PhoneName);
        v.Field(ref m.HookSwitchDevs);
        v.Field(ref m.HookSwitchModes);
        v.Field(ref m.NumRingModes);
        v.Field(ref m.NumButtonLamps);
        v.Field(ref m.PhoneFeatures);
    }
}

/// <summary>TSPI_phoneGetHookSwitch.</summary>
public record struct PhoneGetHookSwitchRequest : IRequest<PhoneGetHookSwitchRequest, PhoneGetHookSwitchReply>
{
    /// <summary>The open phone.</summary>
    public required nint HdPhone;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.PhoneGetHookSwitch;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneGetHookSwitchRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct => v.Field(ref m.HdPhone);
}

/// <summary>The reply to phoneGetHookSwitch.</summary>
public record struct PhoneGetHookSwitchReply : IPayload<PhoneGetHookSwitchReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error.</summary>
    public required int Result;

    /// <summary>PHONEHOOKSWITCHDEV_ flags of the devices off hook.</summary>
    public required uint HookSwitchDevs;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneGetHookSwitchReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.HookSwitchDevs);
    }
}

/// <summary>TSPI_phoneSetHookSwitch (asynchronous).</summary>
public record struct PhoneSetHookSwitchRequest : IRequest<PhoneSetHookSwitchRequest, ResultReply>
{
    /// <summary>TAPI's request ID.</summary>
    public required uint RequestId;

    /// <summary>The open phone.</summary>
    public required nint HdPhone;

    /// <summary>PHONEHOOKSWITCHDEV_ flags: the devices to set.</summary>
    public required uint HookSwitchDevs;

    /// <summary>The PHONEHOOKSWITCHMODE_ to set them to.</summary>
    public required uint HookSwitchMode;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.PhoneSetHookSwitch;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneSetHookSwitchRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.RequestId);
        v.Field(ref m.HdPhone);
        v.Field(ref m.HookSwitchDevs);
        v.Field(ref m.HookSwitchMode);
    }
}

/// <summary>TSPI_phoneSetRing (asynchronous).</summary>
public record struct PhoneSetRingRequest : IRequest<PhoneSetRingRequest, ResultReply>
{
    /// <summary>TAPI's request ID.</summary>
    public required uint RequestId;

    /// <summary>The open phone.</summary>
    public required nint HdPhone;

    /// <summary>The ring mode (0: silent).</summary>
    public required uint RingMode;

    /// <summary>The volume, 0 to 0xFFFF.</summary>
    public required uint Volume;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.PhoneSetRing;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneSetRingRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.RequestId);
        v.Field(ref m.HdPhone);
        v.Field(ref m.RingMode);
        v.Field(ref m.Volume);
    }
}

/// <summary>TSPI_phoneGetRing.</summary>
public record struct PhoneGetRingRequest : IRequest<PhoneGetRingRequest, PhoneGetRingReply>
{
    /// <summary>The open phone.</summary>
    public required nint HdPhone;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.PhoneGetRing;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneGetRingRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct => v.Field(ref m.HdPhone);
}

/// <summary>The reply to phoneGetRing.</summary>
public record struct PhoneGetRingReply : IPayload<PhoneGetRingReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error.</summary>
    public required int Result;

    /// <summary>The ring mode (0: silent).</summary>
    public required uint RingMode;

    /// <summary>The volume, 0 to 0xFFFF.</summary>
    public required uint Volume;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneGetRingReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.RingMode);
        v.Field(ref m.Volume);
    }
}

/// <summary>TSPI_phoneSetLamp (asynchronous).</summary>
public record struct PhoneSetLampRequest : IRequest<PhoneSetLampRequest, ResultReply>
{
    /// <summary>TAPI's request ID.</summary>
    public required uint RequestId;

    /// <summary>The open phone.</summary>
    public required nint HdPhone;

    /// <summary>The button-lamp.</summary>
    public required uint LampId;

    /// <summary>The PHONELAMPMODE_ to set.</summary>
    public required uint LampMode;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.PhoneSetLamp;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref PhoneSetLampRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.RequestId);
        v.Field(ref m.HdPhone);
        v.Field(ref m.LampId);
        v.Field(ref m.LampMode);
    }
}
