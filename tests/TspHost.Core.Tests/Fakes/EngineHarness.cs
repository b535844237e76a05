using TspHost.Core.Configuration;
using TspHost.Core.Lifecycle;
using TspHost.Core.Versions;
using TspHost.Testing;

namespace TspHost.Core.Tests.Fakes;

/// <summary>An engine over a <see cref="FakeBackend"/>, a recording TAPI and a manual clock, with the usual steps of a TAPI session.</summary>
public sealed class EngineHarness : IAsyncDisposable
{
    public const uint LineBase = 10;
    public const uint PhoneBase = 20;
    public const uint ProviderId = 7;
    private uint _nextRequest = 100;
    private long _nextHt = 0x5000;

    public EngineHarness(FakeBackend? backend = null, IProviderStateStore? store = null, ProviderEngineOptions? options = null)
    {
        Backend = backend ?? new FakeBackend();
        Store = store ?? new InMemoryProviderStateStore();
        Catalog = new BackendCatalog().Add(Backend.Name, Backend);
        Engine = new ProviderEngine(Catalog, Store, options ?? new ProviderEngineOptions { OperationTimeout = TimeSpan.FromSeconds(30) }, Time);
    }

    public FakeBackend Backend { get; }

    public IProviderStateStore Store { get; }

    public BackendCatalog Catalog { get; }

    public ManualTimeProvider Time { get; } = new();

    public ProviderEngine Engine { get; private set; }

    public RecordingTapi Tapi { get; private set; } = new();

    public FakeSession Session => Backend.LastSession!;

    public uint NextRequestId() => Interlocked.Increment(ref _nextRequest);

    public nint NextTapiHandle() => (nint)Interlocked.Increment(ref _nextHt);

    /// <summary>A new engine over the same store and catalog, as after a host restart.</summary>
    public async Task RestartAsync()
    {
        await Engine.DisposeAsync();
        Engine = new ProviderEngine(Catalog, Store, new ProviderEngineOptions(), Time);
    }

    public Task InstallAsync() => SessionSteps.InstallAsync(Engine, ProviderId);

    /// <summary>providerEnumDevices then providerInit, as TAPI starts a session.</summary>
    public async Task InitAsync() => Tapi = await SessionSteps.InitAsync(Engine, ProviderId, LineBase, PhoneBase);

    public async Task StartAsync()
    {
        await InstallAsync();
        await InitAsync();
    }

    public async Task<(nint HdLine, nint HtLine)> OpenLineAsync(uint index = 0)
    {
        var htLine = NextTapiHandle();
        var (result, hdLine) = await Engine.LineOpenAsync(LineBase + index, htLine, TspiVersion.V3_0);
        Assert.Equal(0, result);
        return (hdLine, htLine);
    }

    public async Task<(nint HdPhone, nint HtPhone)> OpenPhoneAsync(uint index = 0, uint version = TspiVersion.V3_0)
    {
        var htPhone = NextTapiHandle();
        var (result, hdPhone) = await Engine.PhoneOpenAsync(PhoneBase + index, htPhone, version);
        Assert.Equal(0, result);
        return (hdPhone, htPhone);
    }

    /// <summary>lineMakeCall that must be accepted; returns the request ID and the call's handles.</summary>
    public (int RequestId, nint HdCall, nint HtCall) MakeCall(nint hdLine, string? number = "5550100")
    {
        var htCall = NextTapiHandle();
        var requestId = Engine.LineMakeCall(NextRequestId(), hdLine, htCall, out var hdCall, number);
        Assert.True(requestId > 0, $"lineMakeCall failed with 0x{requestId:X8}");
        return (requestId, hdCall, htCall);
    }

    /// <summary>A call made and connected, its request completed successfully.</summary>
    public async Task<(nint HdCall, nint HtCall)> ConnectedCallAsync(nint hdLine)
    {
        var (requestId, hdCall, htCall) = MakeCall(hdLine);
        Assert.Equal(0, await Tapi.CompletionAsync(requestId));
        await Tapi.WaitForCallStateAsync(htCall, Abstractions.CallState.Connected);
        return (hdCall, htCall);
    }

    /// <summary>
    /// Waits until the system has settled: no backend operation of <paramref name="session"/> (default:
    /// the running one) is still running, so no late result can still come, and everything posted to
    /// TAPI has been delivered. An exactly-once check made after this has seen every duplicate there could be.
    /// </summary>
    public async Task SettleAsync(ProviderSession? session = null)
    {
        session ??= Engine.Session ?? throw new InvalidOperationException("No session to settle; pass the one that ended.");
        await Eventually.WaitAsync(() => session.RunningOperations == 0, "every backend operation to have finished");
        await session.Dispatcher.FlushAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Assert.Equal(0, Tapi.OverlappingCallbacks);
    }

    public static string Hex(int code) => $"0x{code:X8}";

    public static int Err(int code) => code;
}
