using TspHost.Abstractions;
using TspHost.Core.Configuration;
using TspHost.Core.Events;
using TspHost.Core.Lifecycle;
using TspHost.Plugins.Simulated;

namespace TspHost.Demo;

/// <summary>The demo's provider in this process: the engine and the Simulated exchange, called directly.</summary>
internal sealed class InProcessProvider : IDemoProvider, IDemoHandset
{
    private readonly SimulatedBackend _backend = new();
    private readonly ProviderEngine _engine;
    private readonly ITapiCallbacks _tapi;

    public InProcessProvider(IReadOnlyDictionary<string, string> settings, ITapiCallbacks tapi)
    {
        _tapi = tapi;
        var catalog = new BackendCatalog().Add("Simulated", _backend, settings: new Dictionary<string, string>(settings));
        _engine = new ProviderEngine(catalog, new InMemoryProviderStateStore());
    }

    public string Description => 
        "In-process: the engine and the Simulated exchange run inside this process, with no daemon and no shim;\n" +
        "the demo plays TAPI and calls the engine directly.";

    public string Diagnostics => "";

    public IDemoHandset? Handset => this;

    private SimulatedExchange Exchange => _backend.CurrentSession?.Exchange ?? throw new InvalidOperationException("the Simulated backend did not start a session.");

    public async Task<DemoLifecycle> ProviderInstallAsync(uint providerId) => Lifecycle(await _engine.ProviderInstallAsync(providerId));

    public Task<(int Result, uint Lines, uint Phones)> ProviderEnumDevicesAsync(uint providerId) => _engine.ProviderEnumDevicesAsync(providerId);

    public async Task<DemoLifecycle> ProviderInitAsync(uint version, uint providerId, uint lineBase, uint phoneBase, uint lines, uint phones) =>
        Lifecycle(await _engine.ProviderInitAsync(version, providerId, lineBase, phoneBase, lines, phones, _tapi));

    public async Task<DemoLifecycle> ProviderConfigAsync(uint providerId, string plugin, string key, string value) =>
        Lifecycle(await _engine.ProviderConfigAsync(plugin, new Dictionary<string, string?> { [key] = value }));

    public Task<int> ProviderShutdownAsync(uint version, uint providerId) => _engine.ProviderShutdownAsync(version, providerId);

    public async Task<DemoLifecycle> ProviderRemoveAsync(uint providerId) => Lifecycle(await _engine.ProviderRemoveAsync());

    public int LineNegotiateTspiVersion(uint deviceId, uint low, uint high, out uint version) => _engine.LineNegotiateTspiVersion(deviceId, low, high, out version);

    public int PhoneNegotiateTspiVersion(uint deviceId, uint low, uint high, out uint version) => _engine.PhoneNegotiateTspiVersion(deviceId, low, high, out version);

    public int LineGetDevCaps(uint deviceId, uint version, out DemoLineCaps? caps)
    {
        var result = _engine.LineGetDevCaps(deviceId, version, 0, out var data);
        caps = data is null ? null : new DemoLineCaps(data.LineName, data.PermanentLineId, data.MaxNumActiveCalls);
        return result;
    }

    public Task<(int Result, nint HdLine)> LineOpenAsync(uint deviceId, nint htLine, uint version) => _engine.LineOpenAsync(deviceId, htLine, version);

    public Task<(int Result, nint HdPhone)> PhoneOpenAsync(uint deviceId, nint htPhone, uint version) => _engine.PhoneOpenAsync(deviceId, htPhone, version);

    public Task<int> LineCloseAsync(nint hdLine) => _engine.LineCloseAsync(hdLine);

    public Task<int> PhoneCloseAsync(nint hdPhone) => _engine.PhoneCloseAsync(hdPhone);

    public int LineMakeCall(uint requestId, nint hdLine, nint htCall, out nint hdCall, string destination) => _engine.LineMakeCall(requestId, hdLine, htCall, out hdCall, destination);

    public int LineDial(uint requestId, nint hdCall, string destination) => _engine.LineDial(requestId, hdCall, destination);

    public int LineAnswer(uint requestId, nint hdCall) => _engine.LineAnswer(requestId, hdCall);

    public int LineDrop(uint requestId, nint hdCall) => _engine.LineDrop(requestId, hdCall);

    public int LineSetupTransfer(uint requestId, nint hdCall, nint htConsultCall, out nint hdConsultCall) =>
        _engine.LineSetupTransfer(requestId, hdCall, htConsultCall, out hdConsultCall);

    public int LineCompleteTransfer(uint requestId, nint hdCall, nint hdConsultCall, uint transferMode) =>
        _engine.LineCompleteTransfer(requestId, hdCall, hdConsultCall, 0, out _, transferMode);

    public int LineGetCallStatus(nint hdCall, out uint callState)
    {
        var result = _engine.LineGetCallStatus(hdCall, out var status);
        callState = status?.CallState ?? 0;
        return result;
    }

    public int LineGetCallInfo(nint hdCall, out DemoCallInfo? info)
    {
        var result = _engine.LineGetCallInfo(hdCall, out var data);
        info = data is null ? null : new DemoCallInfo(data.CallerId, data.CallerIdName);
        return result;
    }

    public Task<int> LineCloseCallAsync(nint hdCall) => _engine.LineCloseCallAsync(hdCall);

    public string IncomingCall(string number, string name)
    {
        Exchange.InjectIncomingCall(SimulatedExchange.LineKey(1), new PartyId { Number = number, Name = name });
        return $"The exchange rings line 0 from {number}; the host rings phone 0, the line's handset.";
    }

    public void Lift() => Exchange.LiftHandset(SimulatedExchange.PhoneKey(1));

    public void PressKeys(string keys) => Exchange.PressKeys(SimulatedExchange.PhoneKey(1), keys);

    public void Replace() => Exchange.ReplaceHandset(SimulatedExchange.PhoneKey(1));

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private static DemoLifecycle Lifecycle(LifecycleResult result) => new(result.Result, result.Message);
}
