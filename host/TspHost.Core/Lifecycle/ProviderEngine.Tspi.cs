using TspHost.Abstractions;
using TspHost.Core.Tapi;
using TspHost.Core.Versions;

namespace TspHost.Core.Lifecycle;

// The TSPI functions that act inside a session. Without a session, device IDs are unknown
// (BADDEVICEID) and handles are invalid: nothing of an ended session is reachable (R1).
public sealed partial class ProviderEngine
{
    public uint PermanentProviderId => State.PermanentProviderId;

    /// <summary>
    /// lineNegotiateTSPIVersion. With <see cref="Tspi.InitializeNegotiation"/> it negotiates the
    /// provider's interface version before providerInit (R2) and never answers OPERATIONUNAVAIL.
    /// </summary>
    public int LineNegotiateTspiVersion(uint deviceId, uint lowVersion, uint highVersion, out uint version)
    {
        if (deviceId == Tspi.InitializeNegotiation)
        {
            version = TspiVersion.HighestCommon(TspiVersion.HostRange, lowVersion, highVersion) is { } common ? TspiVersion.ToDword(common) : 0;
            return version != 0 ? 0 : LineErr.IncompatibleApiVersion;
        }

        version = 0;
        return _session is { } s ? s.LineNegotiateTspiVersion(deviceId, lowVersion, highVersion, out version) : LineErr.BadDeviceId;
    }

    public int LineNegotiateExtVersion(uint deviceId, uint tspiVersion, uint lowVersion, uint highVersion, out uint extVersion)
    {
        extVersion = 0;
        if (deviceId == Tspi.InitializeNegotiation)
        {
            return LineErr.BadDeviceId; // extension versions are per device, never for INITIALIZE_NEGOTIATION
        }

        return _session is { } s ? s.LineNegotiateExtVersion(deviceId, tspiVersion, lowVersion, highVersion, out extVersion) : LineErr.BadDeviceId;
    }

    public int LineSelectExtVersion(nint hdLine, uint extVersion) =>
        _session is { } s ? s.LineSelectExtVersion(hdLine, extVersion) : LineErr.InvalLineHandle;

    public Task<(int Result, nint HdLine)> LineOpenAsync(uint deviceId, nint htLine, uint tspiVersion) =>
        _session is { } s ? s.LineOpenAsync(deviceId, htLine, tspiVersion) : Task.FromResult((LineErr.BadDeviceId, (nint)0));

    public Task<int> LineCloseAsync(nint hdLine) =>
        _session is { } s ? s.LineCloseAsync(hdLine) : Task.FromResult(LineErr.InvalLineHandle);

    public int LineGetDevCaps(uint deviceId, uint tspiVersion, uint extVersion, out LineDevCapsData? caps)
    {
        caps = null;
        return _session is { } s ? s.LineGetDevCaps(deviceId, tspiVersion, extVersion, PermanentProviderId, out caps) : LineErr.BadDeviceId;
    }

    public int LineGetAddressCaps(uint deviceId, uint addressId, uint tspiVersion, uint extVersion, out LineAddressCapsData? caps)
    {
        caps = null;
        return _session is { } s ? s.LineGetAddressCaps(deviceId, addressId, tspiVersion, extVersion, out caps) : LineErr.BadDeviceId;
    }

    public int LineGetCallInfo(nint hdCall, out LineCallInfoData? info)
    {
        info = null;
        return _session is { } s ? s.LineGetCallInfo(hdCall, out info) : LineErr.InvalCallHandle;
    }

    public int LineGetCallStatus(nint hdCall, out LineCallStatusData? status)
    {
        status = null;
        return _session is { } s ? s.LineGetCallStatus(hdCall, out status) : LineErr.InvalCallHandle;
    }

    /// <summary>lineMakeCall: returns the request ID (positive) or an error; <paramref name="hdCall"/> is not valid until the request succeeds (R10).</summary>
    public int LineMakeCall(uint requestId, nint hdLine, nint htCall, out nint hdCall, string? destAddress, uint countryCode = 0, MediaModes mediaMode = MediaModes.InteractiveVoice)
    {
        hdCall = 0;
        return _session is { } s ? s.LineMakeCall(requestId, hdLine, htCall, out hdCall, destAddress, mediaMode) : LineErr.InvalLineHandle;
    }

    public int LineDial(uint requestId, nint hdCall, string destAddress, uint countryCode = 0) =>
        _session is { } s ? s.LineDial(requestId, hdCall, destAddress) : LineErr.InvalCallHandle;

    public int LineAnswer(uint requestId, nint hdCall) =>
        _session is { } s ? s.LineAnswer(requestId, hdCall) : LineErr.InvalCallHandle;

    public int LineDrop(uint requestId, nint hdCall) =>
        _session is { } s ? s.LineDrop(requestId, hdCall) : LineErr.InvalCallHandle;

    public int LineHold(uint requestId, nint hdCall) =>
        _session is { } s ? s.LineHold(requestId, hdCall) : LineErr.InvalCallHandle;

    public int LineUnhold(uint requestId, nint hdCall) =>
        _session is { } s ? s.LineUnhold(requestId, hdCall) : LineErr.InvalCallHandle;

    public int LineSetupTransfer(uint requestId, nint hdCall, nint htConsultCall, out nint hdConsultCall)
    {
        hdConsultCall = 0;
        return _session is { } s ? s.LineSetupTransfer(requestId, hdCall, htConsultCall, out hdConsultCall) : LineErr.InvalCallHandle;
    }

    public int LineCompleteTransfer(uint requestId, nint hdCall, nint hdConsultCall, nint htConfCall, out nint hdConfCall, uint transferMode)
    {
        hdConfCall = 0;
        return _session is { } s ? s.LineCompleteTransfer(requestId, hdCall, hdConsultCall, htConfCall, out hdConfCall, (TransferMode)transferMode) : LineErr.InvalCallHandle;
    }

    public int LineSetupConference(uint requestId, nint hdCall, nint hdLine, nint htConfCall, out nint hdConfCall, nint htConsultCall, out nint hdConsultCall, uint numParties)
    {
        hdConfCall = hdConsultCall = 0;
        return _session is { } s
            ? s.LineSetupConference(requestId, hdCall, hdLine, htConfCall, out hdConfCall, htConsultCall, out hdConsultCall, numParties)
            : LineErr.InvalLineHandle;
    }

    /// <summary>lineCloseCall: idempotent; completes what is pending on the call first (R9).</summary>
    public Task<int> LineCloseCallAsync(nint hdCall) =>
        _session is { } s ? s.LineCloseCallAsync(hdCall) : Task.FromResult(0);

    public int ProviderCreateLineDevice(uint tempId, uint deviceId) =>
        _session is { } s ? s.CreateLineDevice(tempId, deviceId) : LineErr.BadDeviceId;

    public int ProviderCreatePhoneDevice(uint tempId, uint deviceId) =>
        _session is { } s ? s.CreatePhoneDevice(tempId, deviceId) : PhoneErr.BadDeviceId;

    public int PhoneNegotiateTspiVersion(uint deviceId, uint lowVersion, uint highVersion, out uint version)
    {
        version = 0;
        return _session is { } s ? s.PhoneNegotiateTspiVersion(deviceId, lowVersion, highVersion, out version) : PhoneErr.BadDeviceId;
    }

    public int PhoneNegotiateExtVersion(uint deviceId, uint tspiVersion, uint lowVersion, uint highVersion, out uint extVersion)
    {
        extVersion = 0;
        return _session is { } s ? s.PhoneNegotiateExtVersion(deviceId, tspiVersion, lowVersion, highVersion, out extVersion) : PhoneErr.BadDeviceId;
    }

    public int PhoneSelectExtVersion(nint hdPhone, uint extVersion) =>
        _session is { } s ? s.PhoneSelectExtVersion(hdPhone, extVersion) : PhoneErr.InvalPhoneHandle;

    public Task<(int Result, nint HdPhone)> PhoneOpenAsync(uint deviceId, nint htPhone, uint tspiVersion) =>
        _session is { } s ? s.PhoneOpenAsync(deviceId, htPhone, tspiVersion) : Task.FromResult((PhoneErr.BadDeviceId, (nint)0));

    public Task<int> PhoneCloseAsync(nint hdPhone) =>
        _session is { } s ? s.PhoneCloseAsync(hdPhone) : Task.FromResult(PhoneErr.InvalPhoneHandle);

    public int PhoneGetDevCaps(uint deviceId, uint tspiVersion, uint extVersion, out PhoneCapsData? caps)
    {
        caps = null;
        return _session is { } s ? s.PhoneGetDevCaps(deviceId, tspiVersion, extVersion, PermanentProviderId, out caps) : PhoneErr.BadDeviceId;
    }

    public int PhoneGetHookSwitch(nint hdPhone, out uint hookSwitchDevs)
    {
        hookSwitchDevs = 0;
        if (_session is not { } s)
        {
            return PhoneErr.InvalPhoneHandle;
        }

        var result = s.PhoneGetHookSwitch(hdPhone, out var devices);
        hookSwitchDevs = (uint)devices;
        return result;
    }

    public int PhoneGetRing(nint hdPhone, out uint ringMode, out uint volume)
    {
        ringMode = volume = 0;
        return _session is { } s ? s.PhoneGetRing(hdPhone, out ringMode, out volume) : PhoneErr.InvalPhoneHandle;
    }

    public int PhoneGetLamp(nint hdPhone, uint lampId, out uint lampMode)
    {
        lampMode = 0;
        if (_session is not { } s)
        {
            return PhoneErr.InvalPhoneHandle;
        }

        var result = s.PhoneGetLamp(hdPhone, lampId, out var mode);
        lampMode = (uint)mode;
        return result;
    }

    public int PhoneSetHookSwitch(uint requestId, nint hdPhone, uint hookSwitchDevs, uint hookSwitchMode) =>
        _session is { } s ? s.PhoneSetHookSwitch(requestId, hdPhone, (HookSwitchDevices)hookSwitchDevs, (HookSwitchMode)hookSwitchMode) : PhoneErr.InvalPhoneHandle;

    public int PhoneSetRing(uint requestId, nint hdPhone, uint ringMode, uint volume) =>
        _session is { } s ? s.PhoneSetRing(requestId, hdPhone, ringMode, volume) : PhoneErr.InvalPhoneHandle;

    public int PhoneSetLamp(uint requestId, nint hdPhone, uint lampId, uint lampMode) =>
        _session is { } s ? s.PhoneSetLamp(requestId, hdPhone, lampId, (LampMode)lampMode) : PhoneErr.InvalPhoneHandle;
}
