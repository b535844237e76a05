using TspHost.Core.Lifecycle;
using TspHost.Core.Tapi;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Ipc;

/// <summary>
/// Turns one TSPI request frame from the provider connection into the engine call it names and
/// builds the reply. Each request type has one entry, typed on its declared request and reply
/// (<c>TspHost.Protocol.Messages</c>): the frame is read as the request, the engine is called with its
/// fields by name, and the reply is written from its declaration, so no field order is kept here.
/// Synchronous engine calls answer at once (<see cref="Now"/>); the few that wait (open, close, close
/// call, provider operations) answer when they finish (<see cref="Later"/>), so the connection keeps reading.
/// </summary>
internal sealed class TspiRequestHandler
{
    private static readonly Entry?[] s_entries = Index(
    [
        Later<ProviderEnumDevicesRequest, ProviderEnumDevicesReply>(static async (h, r) =>
        {
            var (result, lines, phones) = await h._engine.ProviderEnumDevicesAsync(r.PermanentProviderId, r.HProvider);
            return new() { Result = result, NumLines = lines, NumPhones = phones };
        }),
        Later<ProviderInitRequest, ProviderInitReply>(static async (h, r) =>
        {
            var result = await h._engine.ProviderInitAsync(r.TspiVersion, r.PermanentProviderId, r.LineDeviceIdBase, r.PhoneDeviceIdBase, r.NumLines, r.NumPhones, h._callbacks);
            return new() { Result = result.Result, Message = result.Message, TspiOptions = 0 };
        }),
        Later<ProviderShutdownRequest, ResultReply>(static async (h, r) =>
            new() { Result = await h._engine.ProviderShutdownAsync(r.TspiVersion, r.PermanentProviderId) }),
        Later<ProviderInstallRequest, ProviderOperationReply>(static (h, r) => Operation(h._engine.ProviderInstallAsync(r.PermanentProviderId))),
        Later<ProviderRemoveRequest, ProviderOperationReply>(static (h, _) => Operation(h._engine.ProviderRemoveAsync())),
        Later<ProviderConfigRequest, ProviderOperationReply>(static (h, r) => Operation(h._engine.ProviderConfigAsync(r.Plugin ?? "", ParseChanges(r.Changes)))),
        Now<ProviderCreateLineDeviceRequest, ResultReply>(static (h, r) => new() { Result = h._engine.ProviderCreateLineDevice(r.TempId, r.DeviceId) }),
        Now<ProviderCreatePhoneDeviceRequest, ResultReply>(static (h, r) => new() { Result = h._engine.ProviderCreatePhoneDevice(r.TempId, r.DeviceId) }),
        Now<LineNegotiateTspiVersionRequest, TspiVersionReply>(static (h, r) =>
            new() { Result = h._engine.LineNegotiateTspiVersion(r.DeviceId, r.LowVersion, r.HighVersion, out var version), Version = version }),
        Now<LineNegotiateExtVersionRequest, LineNegotiateExtVersionReply>(static (h, r) =>
            new() { Result = h._engine.LineNegotiateExtVersion(r.DeviceId, r.TspiVersion, r.LowVersion, r.HighVersion, out var version), ExtVersion = version }),
        Now<LineSelectExtVersionRequest, ResultReply>(static (h, r) => new() { Result = h._engine.LineSelectExtVersion(r.HdLine, r.ExtVersion) }),
        Later<LineOpenRequest, LineOpenReply>(static async (h, r) =>
        {
            var (result, hdLine) = await h._engine.LineOpenAsync(r.DeviceId, r.HtLine, r.TspiVersion);
            return new() { Result = result, HdLine = hdLine };
        }),
        Later<LineCloseRequest, ResultReply>(static async (h, r) => new() { Result = await h._engine.LineCloseAsync(r.HdLine) }),
        Now<LineGetDevCapsRequest, LineGetDevCapsReply>(static (h, r) =>
            LineDevCaps(h._engine.LineGetDevCaps(r.DeviceId, r.TspiVersion, r.ExtVersion, out var caps), caps)),
        Now<LineGetAddressCapsRequest, LineGetAddressCapsReply>(static (h, r) =>
            AddressCaps(h._engine.LineGetAddressCaps(r.DeviceId, r.AddressId, r.TspiVersion, r.ExtVersion, out var caps), caps)),
        Now<LineGetCallInfoRequest, LineGetCallInfoReply>(static (h, r) => CallInfo(h._engine.LineGetCallInfo(r.HdCall, out var info), info)),
        Now<LineGetCallStatusRequest, LineGetCallStatusReply>(static (h, r) =>
        {
            var result = h._engine.LineGetCallStatus(r.HdCall, out var status);
            return new()
            {
                Result = result,
                CallState = status?.CallState ?? 0,
                CallStateMode = status?.CallStateMode ?? 0,
                CallFeatures = status?.CallFeatures ?? 0,
                StateEntryTimeUnixMs = (ulong)(status?.StateEntryTime.ToUnixTimeMilliseconds() ?? 0),
            };
        }),
        Now<LineMakeCallRequest, LineMakeCallReply>(static (h, r) =>
            new() { Result = h._engine.LineMakeCall(r.RequestId, r.HdLine, r.HtCall, out var hdCall, r.DestAddress, r.CountryCode), HdCall = hdCall }),
        Now<LineDialRequest, ResultReply>(static (h, r) => new() { Result = h._engine.LineDial(r.RequestId, r.HdCall, r.DestAddress ?? "", r.CountryCode) }),
        Now<LineAnswerRequest, ResultReply>(static (h, r) => new() { Result = h._engine.LineAnswer(r.RequestId, r.HdCall) }),
        Now<LineDropRequest, ResultReply>(static (h, r) => new() { Result = h._engine.LineDrop(r.RequestId, r.HdCall) }),
        Now<LineHoldRequest, ResultReply>(static (h, r) => new() { Result = h._engine.LineHold(r.RequestId, r.HdCall) }),
        Now<LineUnholdRequest, ResultReply>(static (h, r) => new() { Result = h._engine.LineUnhold(r.RequestId, r.HdCall) }),
        Now<LineSetupTransferRequest, LineSetupTransferReply>(static (h, r) =>
            new() { Result = h._engine.LineSetupTransfer(r.RequestId, r.HdCall, r.HtConsultCall, out var hdConsult), HdConsultCall = hdConsult }),
        Now<LineCompleteTransferRequest, LineCompleteTransferReply>(static (h, r) => new()
        {
            Result = h._engine.LineCompleteTransfer(r.RequestId, r.HdCall, r.HdConsultCall, r.HtConfCall, out var hdConf, r.TransferMode),
            HdConfCall = hdConf,
        }),
        Now<LineSetupConferenceRequest, LineSetupConferenceReply>(static (h, r) => new()
        {
            Result = h._engine.LineSetupConference(r.RequestId, r.HdCall, r.HdLine, r.HtConfCall, out var hdConf, r.HtConsultCall, out var hdConsult, r.NumParties),
            HdConfCall = hdConf,
            HdConsultCall = hdConsult,
        }),
        Later<LineCloseCallRequest, ResultReply>(static async (h, r) => new() { Result = await h._engine.LineCloseCallAsync(r.HdCall) }),
        Now<PhoneNegotiateTspiVersionRequest, TspiVersionReply>(static (h, r) =>
            new() { Result = h._engine.PhoneNegotiateTspiVersion(r.DeviceId, r.LowVersion, r.HighVersion, out var version), Version = version }),
        Later<PhoneOpenRequest, PhoneOpenReply>(static async (h, r) =>
        {
            var (result, hdPhone) = await h._engine.PhoneOpenAsync(r.DeviceId, r.HtPhone, r.TspiVersion);
            return new() { Result = result, HdPhone = hdPhone };
        }),
        Later<PhoneCloseRequest, ResultReply>(static async (h, r) => new() { Result = await h._engine.PhoneCloseAsync(r.HdPhone) }),
        Now<PhoneGetDevCapsRequest, PhoneGetDevCapsReply>(static (h, r) =>
            PhoneCaps(h._engine.PhoneGetDevCaps(r.DeviceId, r.TspiVersion, r.ExtVersion, out var caps), caps)),
        Now<PhoneGetHookSwitchRequest, PhoneGetHookSwitchReply>(static (h, r) =>
            new() { Result = h._engine.PhoneGetHookSwitch(r.HdPhone, out var devs), HookSwitchDevs = devs }),
        Now<PhoneGetRingRequest, PhoneGetRingReply>(static (h, r) =>
            new() { Result = h._engine.PhoneGetRing(r.HdPhone, out var mode, out var volume), RingMode = mode, Volume = volume }),
        Now<PhoneSetHookSwitchRequest, ResultReply>(static (h, r) =>
            new() { Result = h._engine.PhoneSetHookSwitch(r.RequestId, r.HdPhone, r.HookSwitchDevs, r.HookSwitchMode) }),
        Now<PhoneSetRingRequest, ResultReply>(static (h, r) => new() { Result = h._engine.PhoneSetRing(r.RequestId, r.HdPhone, r.RingMode, r.Volume) }),
        Now<PhoneSetLampRequest, ResultReply>(static (h, r) => new() { Result = h._engine.PhoneSetLamp(r.RequestId, r.HdPhone, r.LampId, r.LampMode) }),
    ]);

    private readonly ProviderEngine _engine;
    private readonly ProviderCallbacks _callbacks;

    public TspiRequestHandler(ProviderEngine engine, ProviderCallbacks callbacks)
    {
        _engine = engine;
        _callbacks = callbacks;
    }

    /// <summary>The request types served, each with the declared request and reply its entry reads and writes.</summary>
    internal static IEnumerable<(FrameType Type, Type Request, Type Reply)> Served =>
        s_entries.OfType<Entry>().Select(e => (e.Type, e.Request, e.Reply));

    public ValueTask<byte[]> HandleAsync(Frame frame) =>
        (ushort)frame.Type < s_entries.Length && s_entries[(ushort)frame.Type] is { } entry
            ? entry.Serve(this, frame)
            : ValueTask.FromResult(new ProtocolError(ProtocolErrorCode.NotAllowed, (ushort)frame.Type, "type",
                $"{frame.Type} is not a request the provider sends to the host.").ToFrame(frame.Sequence));

    /// <summary>providerConfig's changes: <c>Key=Value</c> entries separated by <c>;</c> or new lines; <c>Key=</c> removes a key.</summary>
    internal static Dictionary<string, string?> ParseChanges(string? text)
    {
        var changes = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in (text ?? "").Split([';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var key = (equals < 0 ? entry : entry[..equals]).Trim();
            var value = equals < 0 ? null : entry[(equals + 1)..].Trim();
            changes[key] = string.IsNullOrEmpty(value) ? null : value;
        }

        return changes;
    }

    private static Entry?[] Index(Entry[] entries)
    {
        var byType = new Entry?[entries.Max(e => (int)e.Type) + 1];
        foreach (var entry in entries)
        {
            if (byType[(int)entry.Type] is not null)
            {
                throw new InvalidOperationException($"{entry.Type} is served twice.");
            }

            byType[(int)entry.Type] = entry;
        }

        return byType;
    }

    /// <summary>An entry whose engine call answers at once.</summary>
    private static Entry Now<TRequest, TReply>(Func<TspiRequestHandler, TRequest, TReply> serve)
        where TRequest : struct, IRequest<TRequest, TReply> where TReply : struct, IPayload<TReply> => new NowEntry<TRequest, TReply>(serve);

    /// <summary>An entry whose engine call may wait: the reply goes out when it finishes.</summary>
    private static Entry Later<TRequest, TReply>(Func<TspiRequestHandler, TRequest, Task<TReply>> serve)
        where TRequest : struct, IRequest<TRequest, TReply> where TReply : struct, IPayload<TReply> => new LaterEntry<TRequest, TReply>(serve);

    private static async Task<ProviderOperationReply> Operation(Task<LifecycleResult> operation)
    {
        var result = await operation;
        return new() { Result = result.Result, Message = result.Message };
    }

    private static LineGetDevCapsReply LineDevCaps(int result, LineDevCapsData? c) => new()
    {
        Result = result,
        ProviderInfo = c?.ProviderInfo,
        SwitchInfo = c?.SwitchInfo,
        PermanentProviderId = c?.PermanentProviderId ?? 0,
        PermanentLineId = c?.PermanentLineId ?? 0,
        LineName = c?.LineName,
        NumAddresses = c?.NumAddresses ?? 0,
        MaxNumActiveCalls = c?.MaxNumActiveCalls ?? 0,
        MediaModes = c?.MediaModes ?? 0,
        DevCapFlags = c?.DevCapFlags ?? 0,
        CallFeatures = c?.CallFeatures ?? 0,
        ExtVersionLow = c?.ExtVersionLow ?? 0,
        ExtVersionHigh = c?.ExtVersionHigh ?? 0,
    };

    private static LineGetAddressCapsReply AddressCaps(int result, LineAddressCapsData? c) => new()
    {
        Result = result,
        LineDeviceId = c?.LineDeviceId ?? 0,
        Address = c?.Address,
        CallStates = c?.CallStates ?? 0,
        DisconnectModes = c?.DisconnectModes ?? 0,
        CallerIdFlags = c?.CallerIdFlags ?? 0,
        MaxNumActiveCalls = c?.MaxNumActiveCalls ?? 0,
        MaxNumOnHoldCalls = c?.MaxNumOnHoldCalls ?? 0,
        MaxNumConference = c?.MaxNumConference ?? 0,
        CallFeatures = c?.CallFeatures ?? 0,
        TransferModes = c?.TransferModes ?? 0,
    };

    private static LineGetCallInfoReply CallInfo(int result, LineCallInfoData? c) => new()
    {
        Result = result,
        LineDeviceId = c?.LineDeviceId ?? 0,
        AddressId = c?.AddressId ?? 0,
        MediaMode = c?.MediaMode ?? 0,
        CallStates = c?.CallStates ?? 0,
        Origin = c?.Origin ?? 0,
        Reason = c?.Reason ?? 0,
        CallerIdFlags = c?.CallerIdFlags ?? 0,
        CallerId = c?.CallerId,
        CallerIdName = c?.CallerIdName,
        CalledIdFlags = c?.CalledIdFlags ?? 0,
        CalledId = c?.CalledId,
        CalledIdName = c?.CalledIdName,
        ConnectedIdFlags = c?.ConnectedIdFlags ?? 0,
        ConnectedId = c?.ConnectedId,
        ConnectedIdName = c?.ConnectedIdName,
    };

    private static PhoneGetDevCapsReply PhoneCaps(int result, PhoneCapsData? c) => new()
    {
        Result = result,
        ProviderInfo = c?.ProviderInfo,
        PhoneInfo = c?.PhoneInfo,
        PermanentProviderId = c?.PermanentProviderId ?? 0,
        PermanentPhoneId = c?.PermanentPhoneId ?? 0,
        PhoneName = c?.PhoneName,
        HookSwitchDevs = c?.HookSwitchDevs ?? 0,
        HookSwitchModes = c?.HookSwitchModes ?? 0,
        NumRingModes = c?.NumRingModes ?? 0,
        NumButtonLamps = c?.NumButtonLamps ?? 0,
        PhoneFeatures = c?.PhoneFeatures ?? 0,
    };

    /// <summary>One request type's handling: read the declared request, call the engine, write the declared reply.</summary>
    private abstract class Entry
    {
        public abstract FrameType Type { get; }

        public abstract Type Request { get; }

        public abstract Type Reply { get; }

        public abstract ValueTask<byte[]> Serve(TspiRequestHandler handler, Frame frame);
    }

    private abstract class Entry<TRequest, TReply> : Entry
        where TRequest : struct, IRequest<TRequest, TReply> where TReply : struct, IPayload<TReply>
    {
        public override FrameType Type => TRequest.Type;

        public override Type Request => typeof(TRequest);

        public override Type Reply => typeof(TReply);

        protected static byte[] Encode(in TReply reply, uint sequence) => MessageCodec.Encode(in reply, TRequest.Type, FrameFlags.Reply, sequence);
    }

    private sealed class NowEntry<TRequest, TReply>(Func<TspiRequestHandler, TRequest, TReply> serve) : Entry<TRequest, TReply>
        where TRequest : struct, IRequest<TRequest, TReply> where TReply : struct, IPayload<TReply>
    {
        public override ValueTask<byte[]> Serve(TspiRequestHandler handler, Frame frame) =>
            ValueTask.FromResult(Encode(serve(handler, frame.Read<TRequest>()), frame.Sequence));
    }

    private sealed class LaterEntry<TRequest, TReply>(Func<TspiRequestHandler, TRequest, Task<TReply>> serve) : Entry<TRequest, TReply>
        where TRequest : struct, IRequest<TRequest, TReply> where TReply : struct, IPayload<TReply>
    {
        public override ValueTask<byte[]> Serve(TspiRequestHandler handler, Frame frame)
        {
            var reply = serve(handler, frame.Read<TRequest>());
            return reply.IsCompletedSuccessfully ? ValueTask.FromResult(Encode(reply.Result, frame.Sequence)) : new(WhenDone(reply, frame.Sequence));
        }

        private static async Task<byte[]> WhenDone(Task<TReply> reply, uint sequence) => Encode(await reply, sequence);
    }
}
