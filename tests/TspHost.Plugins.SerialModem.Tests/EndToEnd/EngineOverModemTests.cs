using TspHost.Abstractions;
using TspHost.Core.Configuration;
using TspHost.Core.Events;
using TspHost.Core.Lifecycle;
using TspHost.Core.Tapi;
using TspHost.Core.Versions;
using TspHost.Plugins.SerialModem.Tests.Fakes;
using TspHost.Testing;

namespace TspHost.Plugins.SerialModem.Tests.EndToEnd;

/// <summary>
/// The provider engine with the SerialModem backend and a fake modem on a pseudo-terminal: what TAPI
/// would see through the host.
/// </summary>
public sealed class EngineOverModemTests : IAsyncLifetime
{
    private const uint ProviderId = 3;
    private const uint LineBase = 40;
    private readonly FakeModem _modem = new();
    private readonly TapiRecorder _tapi = new();
    private PtyModemLink? _link;
    private ProviderEngine? _engine;
    private uint _nextRequestId = 1;

    private ProviderEngine Engine => _engine!;

    public async ValueTask InitializeAsync()
    {
        _link = new PtyModemLink(_modem);
        var settings = FakeModemSettings.For([_link.PortSetting]);
        var catalog = new BackendCatalog().Add("SerialModem", new SerialModemBackend(), settings: settings);
        _engine = new ProviderEngine(catalog, new InMemoryProviderStateStore());
        var install = await Engine.ProviderInstallAsync(ProviderId).WithTimeout("providerInstall");
        Assert.True(install.Succeeded, install.Message);
        var (result, lines, phones) = await Engine.ProviderEnumDevicesAsync(ProviderId).WithTimeout("providerEnumDevices");
        Assert.Equal(0, result);
        Assert.Equal(1u, lines);
        var init = await Engine.ProviderInitAsync(TspiVersion.V3_0, ProviderId, LineBase, 0, lines, phones, _tapi).WithTimeout("providerInit");
        Assert.True(init.Succeeded, init.Message);
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.ProviderShutdownAsync(TspiVersion.V3_0, ProviderId).WithTimeout("providerShutdown");
            await _engine.DisposeAsync();
        }

        if (_link is not null)
        {
            await _link.DisposeAsync();
        }
    }

    [Fact]
    public async Task LineMakeCall_ReachesConnected()
    {
        Assert.Equal(0, Engine.LineGetDevCaps(LineBase, TspiVersion.V3_0, 0, out var caps));
        Assert.Equal("ACME V.92 test modem", caps!.LineName);
        var hdLine = await OpenLineAsync();

        var requestId = _nextRequestId++;
        var result = Engine.LineMakeCall(requestId, hdLine, 0x600, out _, "5551234");
        Assert.Equal((int)requestId, result);
        Assert.Equal(0, await _tapi.CompletionAsync(requestId));
        await _tapi.WaitForAsync(e => e.HtCall == 0x600 && e.Message == LineMessage.CallState && e.P1 == (uint)CallState.Connected, "CONNECTED");
        Assert.Contains("ATD5551234;", _modem.Commands);
    }

    [Fact]
    public async Task Ring_WithCallerId_ArrivesAsNewCallWithTheCallerInCallInfo()
    {
        await OpenLineAsync();
        _modem.Ring("DATE = 0321", "TIME = 1405", "NMBR = 5551234", "NAME = JOHN DOE");
        await Eventually.WaitAsync(() => _tapi.NewCalls.Count > 0, "LINE_NEWCALL");
        var (hdCall, htCall) = _tapi.NewCalls[0];
        await _tapi.WaitForAsync(e => e.HtCall == htCall && e.Message == LineMessage.CallState && e.P1 == (uint)CallState.Offering, "OFFERING");
        await Eventually.WaitAsync(
            () => Engine.LineGetCallInfo(hdCall, out var info) == 0 && info!.CallerId == "5551234" && info.CallerIdName == "JOHN DOE",
            "caller ID in lineGetCallInfo");
    }

    private async Task<nint> OpenLineAsync()
    {
        var (result, hdLine) = await Engine.LineOpenAsync(LineBase, 0x100, TspiVersion.V3_0).WithTimeout("lineOpen");
        Assert.Equal(0, result);
        return hdLine;
    }

    /// <summary>Plays TAPI's side: records completions and line events, accepts new calls.</summary>
    private sealed class TapiRecorder : ITapiCallbacks
    {
        private readonly TspHost.Conformance.RecordedList<(uint RequestId, int Result)> _completions = new();
        private readonly TspHost.Conformance.RecordedList<(nint HtCall, LineMessage Message, nuint P1)> _events = new();
        private readonly TspHost.Conformance.RecordedList<(nint HdCall, nint HtCall)> _newCalls = new();
        private long _nextHtCall = 0x9000;

        public IReadOnlyList<(nint HdCall, nint HtCall)> NewCalls => _newCalls.Items;

        public void AsyncCompletion(uint requestId, int result) => _completions.Add((requestId, result));

        public void LineEvent(nint htLine, nint htCall, LineMessage message, nuint param1, nuint param2, nuint param3) =>
            _events.Add((htCall, message, param1));

        public ValueTask<nint> LineNewCall(nint htLine, nint hdCall)
        {
            var htCall = (nint)Interlocked.Increment(ref _nextHtCall);
            _newCalls.Add((hdCall, htCall));
            return ValueTask.FromResult(htCall);
        }

        public void PhoneEvent(nint htPhone, PhoneMessage message, nuint param1, nuint param2, nuint param3)
        {
        }

        public async Task<int> CompletionAsync(uint requestId)
        {
            await Eventually.WaitAsync(() => _completions.Items.Any(c => c.RequestId == requestId), $"completion of request {requestId}");
            return _completions.Items.First(c => c.RequestId == requestId).Result;
        }

        public Task WaitForAsync(Func<(nint HtCall, LineMessage Message, nuint P1), bool> match, string what) =>
            Eventually.WaitAsync(() => _events.Items.Any(match), what);
    }
}
