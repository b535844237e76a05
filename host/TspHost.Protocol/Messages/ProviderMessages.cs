namespace TspHost.Protocol.Messages;

// TSPI_provider* functions: one request each, in the order of their tspi.h parameters.

/// <summary>TSPI_providerEnumDevices.</summary>
public record struct ProviderEnumDevicesRequest : IRequest<ProviderEnumDevicesRequest, ProviderEnumDevicesReply>
{
    /// <summary>TAPI's permanent provider ID.</summary>
    public required uint PermanentProviderId;

    /// <summary>TAPI's handle for the provider (passed back with LINE_CREATE and PHONE_CREATE).</summary>
    public required nint HProvider;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.ProviderEnumDevices;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref ProviderEnumDevicesRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.PermanentProviderId);
        v.Field(ref m.HProvider);
    }
}

/// <summary>The reply to providerEnumDevices: how many lines and phones the provider has.</summary>
public record struct ProviderEnumDevicesReply : IPayload<ProviderEnumDevicesReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error.</summary>
    public required int Result;

    /// <summary>The number of line devices.</summary>
    public required uint NumLines;

    /// <summary>The number of phone devices.</summary>
    public required uint NumPhones;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref ProviderEnumDevicesReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.NumLines);
        v.Field(ref m.NumPhones);
    }
}

/// <summary>TSPI_providerInit.</summary>
public record struct ProviderInitRequest : IRequest<ProviderInitRequest, ProviderInitReply>
{
    /// <summary>The TSPI version TAPI uses for the session.</summary>
    public required uint TspiVersion;

    /// <summary>TAPI's permanent provider ID.</summary>
    public required uint PermanentProviderId;

    /// <summary>The device ID of the provider's first line.</summary>
    public required uint LineDeviceIdBase;

    /// <summary>The device ID of the provider's first phone.</summary>
    public required uint PhoneDeviceIdBase;

    /// <summary>The number of lines TAPI assigned IDs to.</summary>
    public required uint NumLines;

    /// <summary>The number of phones TAPI assigned IDs to.</summary>
    public required uint NumPhones;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.ProviderInit;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref ProviderInitRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.TspiVersion);
        v.Field(ref m.PermanentProviderId);
        v.Field(ref m.LineDeviceIdBase);
        v.Field(ref m.PhoneDeviceIdBase);
        v.Field(ref m.NumLines);
        v.Field(ref m.NumPhones);
    }
}

/// <summary>The reply to providerInit.</summary>
public record struct ProviderInitReply : IPayload<ProviderInitReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error.</summary>
    public required int Result;

    /// <summary>Why the session did not start, or what it started with.</summary>
    public required string? Message;

    /// <summary>LINETSPIOPTION_ flags.</summary>
    public required uint TspiOptions;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref ProviderInitReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.Message);
        v.Field(ref m.TspiOptions);
    }
}

/// <summary>TSPI_providerShutdown.</summary>
public record struct ProviderShutdownRequest : IRequest<ProviderShutdownRequest, ResultReply>
{
    /// <summary>The session's TSPI version.</summary>
    public required uint TspiVersion;

    /// <summary>TAPI's permanent provider ID.</summary>
    public required uint PermanentProviderId;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.ProviderShutdown;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref ProviderShutdownRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.TspiVersion);
        v.Field(ref m.PermanentProviderId);
    }
}

/// <summary>TSPI_providerInstall.</summary>
public record struct ProviderInstallRequest : IRequest<ProviderInstallRequest, ProviderOperationReply>
{
    /// <summary>The permanent provider ID TAPI gives the provider.</summary>
    public required uint PermanentProviderId;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.ProviderInstall;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref ProviderInstallRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct =>
        v.Field(ref m.PermanentProviderId);
}

/// <summary>TSPI_providerConfig, with the change a dialog would have made: <c>Key=Value</c> entries for one plugin.</summary>
public record struct ProviderConfigRequest : IRequest<ProviderConfigRequest, ProviderOperationReply>
{
    /// <summary>TAPI's permanent provider ID.</summary>
    public required uint PermanentProviderId;

    /// <summary>The plugin whose settings change.</summary>
    public required string? Plugin;

    /// <summary><c>Key=Value</c> entries separated by <c>;</c> or new lines; <c>Key=</c> removes a key.</summary>
    public required string? Changes;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.ProviderConfig;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref ProviderConfigRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.PermanentProviderId);
        v.Field(ref m.Plugin);
        v.Field(ref m.Changes);
    }
}

/// <summary>TSPI_providerRemove.</summary>
public record struct ProviderRemoveRequest : IRequest<ProviderRemoveRequest, ProviderOperationReply>
{
    /// <summary>TAPI's permanent provider ID.</summary>
    public required uint PermanentProviderId;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.ProviderRemove;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref ProviderRemoveRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct =>
        v.Field(ref m.PermanentProviderId);
}

/// <summary>The reply to providerInstall, providerConfig and providerRemove: the result and the host's sentence about it.</summary>
public record struct ProviderOperationReply : IPayload<ProviderOperationReply>, IResultReply
{
    /// <summary>0 or a negative TAPI error.</summary>
    public required int Result;

    /// <summary>What was done, or why it was refused.</summary>
    public required string? Message;

    readonly int IResultReply.Result => Result;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref ProviderOperationReply m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.Result);
        v.Field(ref m.Message);
    }
}

/// <summary>TSPI_providerCreateLineDevice: TAPI's device ID for a line announced with LINE_CREATE.</summary>
public record struct ProviderCreateLineDeviceRequest : IRequest<ProviderCreateLineDeviceRequest, ResultReply>
{
    /// <summary>The temporary ID LINE_CREATE carried.</summary>
    public required uint TempId;

    /// <summary>The device ID TAPI assigned.</summary>
    public required uint DeviceId;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.ProviderCreateLineDevice;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref ProviderCreateLineDeviceRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.TempId);
        v.Field(ref m.DeviceId);
    }
}

/// <summary>TSPI_providerCreatePhoneDevice: TAPI's device ID for a phone announced with PHONE_CREATE.</summary>
public record struct ProviderCreatePhoneDeviceRequest : IRequest<ProviderCreatePhoneDeviceRequest, ResultReply>
{
    /// <summary>The temporary ID PHONE_CREATE carried.</summary>
    public required uint TempId;

    /// <summary>The device ID TAPI assigned.</summary>
    public required uint DeviceId;

    /// <inheritdoc/>
    public static FrameType Type => FrameType.ProviderCreatePhoneDevice;

    /// <inheritdoc/>
    public static void Fields<TVisitor>(ref TVisitor v, ref ProviderCreatePhoneDeviceRequest m) where TVisitor : struct, IFieldVisitor, allows ref struct
    {
        v.Field(ref m.TempId);
        v.Field(ref m.DeviceId);
    }
}
