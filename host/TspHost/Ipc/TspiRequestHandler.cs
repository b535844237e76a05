using TspHost.Core.Lifecycle;
using TspHost.Core.Tapi;
using TspHost.Protocol;

namespace TspHost.Ipc;

/// <summary>
/// Turns one TSPI request frame from the provider connection into the engine call it names and
/// builds the reply. Synchronous engine calls answer at once; the few that wait (open, close,
/// close call, provider operations) answer when they finish, so the connection keeps reading.
/// </summary>
internal sealed class TspiRequestHandler(ProviderEngine engine, ProviderCallbacks callbacks)
{
    public ValueTask<byte[]> HandleAsync(Frame frame)
    {
        var r = frame.Reader();
        var reply = new FrameWriter(frame.Type, FrameFlags.Reply, frame.Sequence);
        switch (frame.Type)
        {
            case FrameType.ProviderEnumDevices:
                return Later(EnumDevicesAsync(r.U32(), r.Handle(), reply));
            case FrameType.ProviderInit:
                return Later(InitAsync(r.U32(), r.U32(), r.U32(), r.U32(), r.U32(), r.U32(), reply));
            case FrameType.ProviderShutdown:
                return Later(ShutdownAsync(r.U32(), r.U32(), reply));
            case FrameType.ProviderInstall:
                return Later(LifecycleAsync(engine.ProviderInstallAsync(r.U32()), reply));
            case FrameType.ProviderRemove:
                return Later(LifecycleAsync(engine.ProviderRemoveAsync(), reply));
            case FrameType.ProviderConfig:
            {
                r.U32();
                var plugin = r.String() ?? "";
                return Later(LifecycleAsync(engine.ProviderConfigAsync(plugin, ParseChanges(r.String())), reply));
            }

            case FrameType.ProviderCreateLineDevice:
                return Now(reply.I32(engine.ProviderCreateLineDevice(r.U32(), r.U32())));
            case FrameType.ProviderCreatePhoneDevice:
                return Now(reply.I32(engine.ProviderCreatePhoneDevice(r.U32(), r.U32())));
            case FrameType.LineNegotiateTspiVersion:
            {
                var result = engine.LineNegotiateTspiVersion(r.U32(), r.U32(), r.U32(), out var version);
                return Now(reply.I32(result).U32(version));
            }

            case FrameType.LineNegotiateExtVersion:
            {
                var result = engine.LineNegotiateExtVersion(r.U32(), r.U32(), r.U32(), r.U32(), out var version);
                return Now(reply.I32(result).U32(version));
            }

            case FrameType.LineSelectExtVersion:
                return Now(reply.I32(engine.LineSelectExtVersion(r.Handle(), r.U32())));
            case FrameType.LineOpen:
                return Later(OpenAsync(engine.LineOpenAsync(r.U32(), r.Handle(), r.U32()), reply));
            case FrameType.LineClose:
                return Later(ResultAsync(engine.LineCloseAsync(r.Handle()), reply));
            case FrameType.LineGetDevCaps:
                return Now(LineDevCaps(engine.LineGetDevCaps(r.U32(), r.U32(), r.U32(), out var lineCaps), lineCaps, reply));
            case FrameType.LineGetAddressCaps:
                return Now(AddressCaps(engine.LineGetAddressCaps(r.U32(), r.U32(), r.U32(), r.U32(), out var addressCaps), addressCaps, reply));
            case FrameType.LineGetCallInfo:
                return Now(CallInfo(engine.LineGetCallInfo(r.Handle(), out var info), info, reply));
            case FrameType.LineGetCallStatus:
            {
                var result = engine.LineGetCallStatus(r.Handle(), out var status);
                return Now(reply.I32(result).U32(status?.CallState ?? 0).U32(status?.CallStateMode ?? 0).U32(status?.CallFeatures ?? 0)
                    .U64((ulong)(status?.StateEntryTime.ToUnixTimeMilliseconds() ?? 0)));
            }

            case FrameType.LineMakeCall:
            {
                var result = engine.LineMakeCall(r.U32(), r.Handle(), r.Handle(), out var hdCall, r.String(), r.U32());
                return Now(reply.I32(result).Handle(hdCall));
            }

            case FrameType.LineDial:
                return Now(reply.I32(engine.LineDial(r.U32(), r.Handle(), r.String() ?? "", r.U32())));
            case FrameType.LineAnswer:
                return Now(reply.I32(engine.LineAnswer(r.U32(), r.Handle())));
            case FrameType.LineDrop:
                return Now(reply.I32(engine.LineDrop(r.U32(), r.Handle())));
            case FrameType.LineHold:
                return Now(reply.I32(engine.LineHold(r.U32(), r.Handle())));
            case FrameType.LineUnhold:
                return Now(reply.I32(engine.LineUnhold(r.U32(), r.Handle())));
            case FrameType.LineSetupTransfer:
            {
                var result = engine.LineSetupTransfer(r.U32(), r.Handle(), r.Handle(), out var hdConsult);
                return Now(reply.I32(result).Handle(hdConsult));
            }

            case FrameType.LineCompleteTransfer:
            {
                var result = engine.LineCompleteTransfer(r.U32(), r.Handle(), r.Handle(), r.Handle(), out var hdConf, r.U32());
                return Now(reply.I32(result).Handle(hdConf));
            }

            case FrameType.LineSetupConference:
            {
                var result = engine.LineSetupConference(r.U32(), r.Handle(), r.Handle(), r.Handle(), out var hdConf, r.Handle(), out var hdConsult, r.U32());
                return Now(reply.I32(result).Handle(hdConf).Handle(hdConsult));
            }

            case FrameType.LineCloseCall:
                return Later(ResultAsync(engine.LineCloseCallAsync(r.Handle()), reply));
            case FrameType.PhoneNegotiateTspiVersion:
            {
                var result = engine.PhoneNegotiateTspiVersion(r.U32(), r.U32(), r.U32(), out var version);
                return Now(reply.I32(result).U32(version));
            }

            case FrameType.PhoneOpen:
                return Later(OpenAsync(engine.PhoneOpenAsync(r.U32(), r.Handle(), r.U32()), reply));
            case FrameType.PhoneClose:
                return Later(ResultAsync(engine.PhoneCloseAsync(r.Handle()), reply));
            case FrameType.PhoneGetDevCaps:
                return Now(PhoneCaps(engine.PhoneGetDevCaps(r.U32(), r.U32(), r.U32(), out var phoneCaps), phoneCaps, reply));
            case FrameType.PhoneGetHookSwitch:
            {
                var result = engine.PhoneGetHookSwitch(r.Handle(), out var devs);
                return Now(reply.I32(result).U32(devs));
            }

            case FrameType.PhoneGetRing:
            {
                var result = engine.PhoneGetRing(r.Handle(), out var mode, out var volume);
                return Now(reply.I32(result).U32(mode).U32(volume));
            }

            case FrameType.PhoneSetHookSwitch:
                return Now(reply.I32(engine.PhoneSetHookSwitch(r.U32(), r.Handle(), r.U32(), r.U32())));
            case FrameType.PhoneSetRing:
                return Now(reply.I32(engine.PhoneSetRing(r.U32(), r.Handle(), r.U32(), r.U32())));
            case FrameType.PhoneSetLamp:
                return Now(reply.I32(engine.PhoneSetLamp(r.U32(), r.Handle(), r.U32(), r.U32())));
            default:
                return ValueTask.FromResult(new ProtocolError(ProtocolErrorCode.NotAllowed, (ushort)frame.Type, "type",
                    $"{frame.Type} is not a request the provider sends to the host.").ToFrame(frame.Sequence));
        }
    }

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

    private static ValueTask<byte[]> Now(FrameWriter reply) => ValueTask.FromResult(reply.ToArray());

    private static ValueTask<byte[]> Later(Task<byte[]> reply) => new(reply);

    private async Task<byte[]> EnumDevicesAsync(uint providerId, nint hProvider, FrameWriter reply)
    {
        var (result, lines, phones) = await engine.ProviderEnumDevicesAsync(providerId, hProvider);
        return reply.I32(result).U32(lines).U32(phones).ToArray();
    }

    private async Task<byte[]> InitAsync(uint version, uint providerId, uint lineBase, uint phoneBase, uint lines, uint phones, FrameWriter reply)
    {
        var result = await engine.ProviderInitAsync(version, providerId, lineBase, phoneBase, lines, phones, callbacks);
        return reply.I32(result.Result).String(result.Message).U32(0).ToArray();
    }

    private async Task<byte[]> ShutdownAsync(uint version, uint providerId, FrameWriter reply) =>
        reply.I32(await engine.ProviderShutdownAsync(version, providerId)).ToArray();

    private static async Task<byte[]> LifecycleAsync(Task<LifecycleResult> operation, FrameWriter reply)
    {
        var result = await operation;
        return reply.I32(result.Result).String(result.Message).ToArray();
    }

    private static async Task<byte[]> ResultAsync(Task<int> operation, FrameWriter reply) => reply.I32(await operation).ToArray();

    private static async Task<byte[]> OpenAsync(Task<(int Result, nint Handle)> open, FrameWriter reply)
    {
        var (result, handle) = await open;
        return reply.I32(result).Handle(handle).ToArray();
    }

    private static FrameWriter LineDevCaps(int result, LineDevCapsData? c, FrameWriter reply) => reply.I32(result)
        .String(c?.ProviderInfo).String(c?.SwitchInfo).U32(c?.PermanentProviderId ?? 0).U32(c?.PermanentLineId ?? 0).String(c?.LineName)
        .U32(c?.NumAddresses ?? 0).U32(c?.MaxNumActiveCalls ?? 0).U32(c?.MediaModes ?? 0).U32(c?.DevCapFlags ?? 0).U32(c?.CallFeatures ?? 0)
        .U32(c?.ExtVersionLow ?? 0).U32(c?.ExtVersionHigh ?? 0);

    private static FrameWriter AddressCaps(int result, LineAddressCapsData? c, FrameWriter reply) => reply.I32(result)
        .U32(c?.LineDeviceId ?? 0).String(c?.Address).U32(c?.CallStates ?? 0).U32(c?.DisconnectModes ?? 0).U32(c?.CallerIdFlags ?? 0)
        .U32(c?.MaxNumActiveCalls ?? 0).U32(c?.MaxNumOnHoldCalls ?? 0).U32(c?.MaxNumConference ?? 0).U32(c?.CallFeatures ?? 0).U32(c?.TransferModes ?? 0);

    private static FrameWriter CallInfo(int result, LineCallInfoData? c, FrameWriter reply) => reply.I32(result)
        .U32(c?.LineDeviceId ?? 0).U32(c?.AddressId ?? 0).U32(c?.MediaMode ?? 0).U32(c?.CallStates ?? 0).U32(c?.Origin ?? 0).U32(c?.Reason ?? 0)
        .U32(c?.CallerIdFlags ?? 0).String(c?.CallerId).String(c?.CallerIdName)
        .U32(c?.CalledIdFlags ?? 0).String(c?.CalledId).String(c?.CalledIdName)
        .U32(c?.ConnectedIdFlags ?? 0).String(c?.ConnectedId).String(c?.ConnectedIdName);

    private static FrameWriter PhoneCaps(int result, PhoneCapsData? c, FrameWriter reply) => reply.I32(result)
        .String(c?.ProviderInfo).String(c?.PhoneInfo).U32(c?.PermanentProviderId ?? 0).U32(c?.PermanentPhoneId ?? 0).String(c?.PhoneName)
        .U32(c?.HookSwitchDevs ?? 0).U32(c?.HookSwitchModes ?? 0).U32(c?.NumRingModes ?? 0).U32(c?.NumButtonLamps ?? 0).U32(c?.PhoneFeatures ?? 0);
}
