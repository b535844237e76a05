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
public readonly record struct Field(string Name, FieldKind Kind);

/// <summary>
/// The payload layout of every frame type: the fields of a request (or push) and of its reply, in
/// order. The codec checks every frame against it, so a reader never sees a malformed payload.
/// </summary>
public static class FrameSchema
{
    private static readonly Field[] s_none = [];
    private static readonly Field[] s_result = [I("result")];
    private static readonly Field[] s_resultMessage = [I("result"), S("message")];
    private static readonly Field[] s_resultVersion = [I("result"), U("version")];
    private static readonly Field[] s_requestCall = [U("requestId"), H("hdCall")];
    private static readonly Field[] s_hdCall = [H("hdCall")];

    /// <summary>The payload of an error reply.</summary>
    public static readonly Field[] Error = [U("code"), U("frameType"), S("field"), S("message")];

    /// <summary>The fields of a request or push of type <paramref name="type"/>; null for a type this version does not know.</summary>
    public static Field[]? Request(FrameType type) => type switch
    {
        FrameType.Hello => [U("magic"), U("version"), U("permanentProviderId"), U("role")],
        FrameType.MonitorSnapshot or FrameType.MonitorSubscribe => s_none,
        FrameType.ProviderEnumDevices => [U("permanentProviderId"), H("hProvider")],
        FrameType.ProviderInit => [U("tspiVersion"), U("permanentProviderId"), U("lineDeviceIdBase"), U("phoneDeviceIdBase"), U("numLines"), U("numPhones")],
        FrameType.ProviderShutdown => [U("tspiVersion"), U("permanentProviderId")],
        FrameType.ProviderInstall or FrameType.ProviderRemove => [U("permanentProviderId")],
        FrameType.ProviderConfig => [U("permanentProviderId"), S("plugin"), S("changes")],
        FrameType.ProviderCreateLineDevice or FrameType.ProviderCreatePhoneDevice => [U("tempId"), U("deviceId")],
        FrameType.LineNegotiateTspiVersion or FrameType.PhoneNegotiateTspiVersion => [U("deviceId"), U("lowVersion"), U("highVersion")],
        FrameType.LineNegotiateExtVersion => [U("deviceId"), U("tspiVersion"), U("lowVersion"), U("highVersion")],
        FrameType.LineSelectExtVersion => [H("hdLine"), U("extVersion")],
        FrameType.LineOpen => [U("deviceId"), H("htLine"), U("tspiVersion")],
        FrameType.PhoneOpen => [U("deviceId"), H("htPhone"), U("tspiVersion")],
        FrameType.LineClose => [H("hdLine")],
        FrameType.LineGetDevCaps or FrameType.PhoneGetDevCaps => [U("deviceId"), U("tspiVersion"), U("extVersion")],
        FrameType.LineGetAddressCaps => [U("deviceId"), U("addressId"), U("tspiVersion"), U("extVersion")],
        FrameType.LineGetCallInfo or FrameType.LineGetCallStatus or FrameType.LineCloseCall => s_hdCall,
        FrameType.LineMakeCall => [U("requestId"), H("hdLine"), H("htCall"), S("destAddress"), U("countryCode")],
        FrameType.LineDial => [U("requestId"), H("hdCall"), S("destAddress"), U("countryCode")],
        FrameType.LineAnswer or FrameType.LineDrop or FrameType.LineHold or FrameType.LineUnhold => s_requestCall,
        FrameType.LineSetupTransfer => [U("requestId"), H("hdCall"), H("htConsultCall")],
        FrameType.LineCompleteTransfer => [U("requestId"), H("hdCall"), H("hdConsultCall"), H("htConfCall"), U("transferMode")],
        FrameType.LineSetupConference => [U("requestId"), H("hdCall"), H("hdLine"), H("htConfCall"), H("htConsultCall"), U("numParties")],
        FrameType.PhoneClose or FrameType.PhoneGetHookSwitch or FrameType.PhoneGetRing => [H("hdPhone")],
        FrameType.PhoneSetHookSwitch => [U("requestId"), H("hdPhone"), U("hookSwitchDevs"), U("hookSwitchMode")],
        FrameType.PhoneSetRing => [U("requestId"), H("hdPhone"), U("ringMode"), U("volume")],
        FrameType.PhoneSetLamp => [U("requestId"), H("hdPhone"), U("lampId"), U("lampMode")],
        FrameType.AsyncCompletion => [U("requestId"), I("result")],
        FrameType.LineEvent => [H("htLine"), H("htCall"), U("message"), H("param1"), H("param2"), H("param3")],
        FrameType.PhoneEvent => [H("htPhone"), U("message"), H("param1"), H("param2"), H("param3")],
        FrameType.LineNewCall => [H("htLine"), H("hdCall")],
        FrameType.MonitorTrace => [S("text")],
        _ => null,
    };

    /// <summary>The fields of the reply to a request of type <paramref name="type"/>; null when the type has no reply.</summary>
    public static Field[]? Reply(FrameType type) => type switch
    {
        FrameType.Hello => [U("version"), I("result"), S("message")],
        FrameType.MonitorSnapshot => [U("status"), S("devices"), S("openDevices"), S("calls"), S("pendingRequests")],
        FrameType.MonitorSubscribe => s_result,
        FrameType.ProviderEnumDevices => [I("result"), U("numLines"), U("numPhones")],
        FrameType.ProviderInit => [I("result"), S("message"), U("tspiOptions")],
        FrameType.ProviderInstall or FrameType.ProviderConfig or FrameType.ProviderRemove => s_resultMessage,
        FrameType.LineNegotiateTspiVersion or FrameType.PhoneNegotiateTspiVersion => s_resultVersion,
        FrameType.LineNegotiateExtVersion => [I("result"), U("extVersion")],
        FrameType.LineOpen => [I("result"), H("hdLine")],
        FrameType.PhoneOpen => [I("result"), H("hdPhone")],
        FrameType.LineGetDevCaps =>
        [
            I("result"), S("providerInfo"), S("switchInfo"), U("permanentProviderId"), U("permanentLineId"), S("lineName"), U("numAddresses"),
            U("maxNumActiveCalls"), U("mediaModes"), U("devCapFlags"), U("callFeatures"), U("extVersionLow"), U("extVersionHigh"),
        ],
        FrameType.LineGetAddressCaps =>
        [
            I("result"), U("lineDeviceId"), S("address"), U("callStates"), U("disconnectModes"), U("callerIdFlags"), U("maxNumActiveCalls"),
            U("maxNumOnHoldCalls"), U("maxNumConference"), U("callFeatures"), U("transferModes"),
        ],
        FrameType.LineGetCallInfo =>
        [
            I("result"), U("lineDeviceId"), U("addressId"), U("mediaMode"), U("callStates"), U("origin"), U("reason"),
            U("callerIdFlags"), S("callerId"), S("callerIdName"), U("calledIdFlags"), S("calledId"), S("calledIdName"),
            U("connectedIdFlags"), S("connectedId"), S("connectedIdName"),
        ],
        FrameType.LineGetCallStatus => [I("result"), U("callState"), U("callStateMode"), U("callFeatures"), H("stateEntryTimeUnixMs")],
        FrameType.LineMakeCall => [I("result"), H("hdCall")],
        FrameType.LineSetupTransfer => [I("result"), H("hdConsultCall")],
        FrameType.LineCompleteTransfer => [I("result"), H("hdConfCall")],
        FrameType.LineSetupConference => [I("result"), H("hdConfCall"), H("hdConsultCall")],
        FrameType.PhoneGetDevCaps =>
        [
            I("result"), S("providerInfo"), S("phoneInfo"), U("permanentProviderId"), U("permanentPhoneId"), S("phoneName"),
            U("hookSwitchDevs"), U("hookSwitchModes"), U("numRingModes"), U("numButtonLamps"), U("phoneFeatures"),
        ],
        FrameType.PhoneGetHookSwitch => [I("result"), U("hookSwitchDevs")],
        FrameType.PhoneGetRing => [I("result"), U("ringMode"), U("volume")],
        FrameType.LineNewCall => [H("htCall")],
        FrameType.ProviderShutdown or FrameType.ProviderCreateLineDevice or FrameType.ProviderCreatePhoneDevice
            or FrameType.LineSelectExtVersion or FrameType.LineClose or FrameType.LineDial or FrameType.LineAnswer or FrameType.LineDrop
            or FrameType.LineHold or FrameType.LineUnhold or FrameType.LineCloseCall or FrameType.PhoneClose or FrameType.PhoneSetHookSwitch
            or FrameType.PhoneSetRing or FrameType.PhoneSetLamp => s_result,
        _ => null,
    };

    /// <summary>The fields a frame with this header carries; null when the type (or the type as a reply) is unknown.</summary>
    public static Field[]? For(FrameType type, FrameFlags flags) =>
        (flags & FrameFlags.Error) != 0 ? Error : (flags & FrameFlags.Reply) != 0 ? Reply(type) : Request(type);

    /// <summary>True for the types only the host sends unasked.</summary>
    public static bool IsPush(FrameType type) => type is FrameType.AsyncCompletion or FrameType.LineEvent or FrameType.PhoneEvent
        or FrameType.LineNewCall or FrameType.MonitorTrace;

    private static Field U(string name) => new(name, FieldKind.U32);

    private static Field I(string name) => new(name, FieldKind.I32);

    private static Field H(string name) => new(name, FieldKind.U64);

    private static Field S(string name) => new(name, FieldKind.String);
}
