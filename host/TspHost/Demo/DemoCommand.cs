using System.CommandLine;
using System.Globalization;
using TspHost.Abstractions;
using TspHost.Core.Configuration;
using TspHost.Core.Lifecycle;
using TspHost.Core.Tapi;
using TspHost.Core.Versions;
using TspHost.Plugins.Simulated;

namespace TspHost.Demo;

/// <summary>
/// <c>tsphost demo</c>: one full, visible provider lifecycle against the Simulated exchange, printed
/// as a trace of TSPI calls and the callbacks TAPI receives.
/// </summary>
internal sealed class DemoCommand
{
    private const uint ProviderId = 1;
    private const uint LineBase = 0;
    private const uint PhoneBase = 0;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    private readonly TraceWriter _trace;
    private readonly DemoTapi _tapi;
    private readonly SimulatedBackend _backend = new();
    private readonly ProviderEngine _engine;
    private readonly int _ringInterval;
    private readonly List<uint> _accepted = [];
    private uint _nextRequest = 100;
    private long _nextHandle = 0xA000;

    private DemoCommand(TextWriter output, bool color, int ringInterval)
    {
        _trace = new TraceWriter(output, color);
        _tapi = new DemoTapi(_trace);
        _ringInterval = ringInterval;
        var catalog = new BackendCatalog().Add("Simulated", _backend, settings: new Dictionary<string, string>
        {
            ["Lines"] = "2",
            ["RingInterval"] = ringInterval.ToString(CultureInfo.InvariantCulture),
            ["RingsBeforeAnswer"] = "2",
        });
        _engine = new ProviderEngine(catalog, new InMemoryProviderStateStore());
    }

    public static Command Create()
    {
        var ringInterval = new Option<int>("--ring-interval")
        {
            Description = "Milliseconds between rings in the simulated exchange (sets the pace of the demo).",
            DefaultValueFactory = _ => 250,
        };
        var noColor = new Option<bool>("--no-color") { Description = "Print the trace without colours (also when NO_COLOR is set or output is redirected)." };
        var command = new Command("demo",
            "Runs one full provider lifecycle in-process against the Simulated exchange and prints it as a trace of TSPI calls (→) " +
            "and the callbacks TAPI receives (←): install, negotiate, init, an outbound call, an incoming call answered and " +
            "transferred, a configuration change deferred to the next session, shutdown, a second session, remove.")
        {
            ringInterval,
            noColor,
        };
        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            var interval = parse.GetValue(ringInterval);
            if (interval is < 10 or > 5000)
            {
                Console.Error.WriteLine($"tsphost demo: --ring-interval must be 10 to 5000 milliseconds, not {interval}.");
                return 2;
            }

            var color = !parse.GetValue(noColor) && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
            var demo = new DemoCommand(Console.Out, color, interval);
            try
            {
                await demo.RunAsync().WaitAsync(cancellationToken);
                if (demo._tapi.NotCompletedExactlyOnce(demo._accepted) is [var (id, count), ..])
                {
                    throw new InvalidOperationException($"request {id} was completed {count} times instead of once.");
                }

                Console.WriteLine($"\nThe demo ran the whole lifecycle; all {demo._accepted.Count} asynchronous requests completed exactly once.");
                return 0;
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                Console.Error.WriteLine($"\ntsphost demo failed: {e.Message}");
                return 1;
            }
            finally
            {
                await demo._engine.DisposeAsync();
            }
        });
        return command;
    }

    private async Task RunAsync()
    {
        _trace.Step("Install the provider (R11): its plugins' install hooks run; the Simulated exchange is the default plugin");
        Expect(await Lifecycle("providerInstall", $"permanentProviderID={ProviderId}", _engine.ProviderInstallAsync(ProviderId)));

        _trace.Step("Negotiate the interface version before any device (R2), count devices, start a session");
        Expect(_engine.LineNegotiateTspiVersion(Tspi.InitializeNegotiation, TspiVersion.V1_4, TspiVersion.V3_1, out var version),
            "lineNegotiateTSPIVersion", $"INITIALIZE_NEGOTIATION, {TapiNames.Version(TspiVersion.V1_4)}, {TapiNames.Version(TspiVersion.V3_1)}", $"version {TapiNames.Version(version)}");
        var (enumResult, lines, phones) = await _engine.ProviderEnumDevicesAsync(ProviderId);
        Expect(enumResult, "providerEnumDevices", $"{ProviderId}", $"{lines} line(s), {phones} phone(s)");
        Expect(await Lifecycle("providerInit", $"{TapiNames.Version(version)}, {ProviderId}, lineBase={LineBase}, phoneBase={PhoneBase}, {lines}, {phones}",
            _engine.ProviderInitAsync(version, ProviderId, LineBase, PhoneBase, lines, phones, _tapi)));
        var exchange = _backend.CurrentSession?.Exchange ?? throw new InvalidOperationException("the Simulated backend did not start a session.");

        _trace.Step("Open line 0 and phone 0: versions are negotiated per device and committed at open (R4, R7)");
        Expect(_engine.LineNegotiateTspiVersion(LineBase, TspiVersion.V2_0, TspiVersion.V3_1, out var lineVersion),
            "lineNegotiateTSPIVersion", $"{LineBase}, 2.0, 3.1", $"version {TapiNames.Version(lineVersion)}");
        Expect(_engine.LineGetDevCaps(LineBase, lineVersion, 0, out var caps), "lineGetDevCaps", $"{LineBase}", $"'{caps?.LineName}', permanent ID {caps?.PermanentLineId}, {caps?.MaxNumActiveCalls} calls");
        var htLine = NextHandle();
        var (openResult, hdLine) = await _engine.LineOpenAsync(LineBase, htLine, lineVersion);
        Expect(openResult, "lineOpen", $"{LineBase}, htLine={TapiNames.Handle(htLine)}, {TapiNames.Version(lineVersion)}", $"hdLine {TapiNames.Handle(hdLine)}");
        Expect(_engine.PhoneNegotiateTspiVersion(PhoneBase, TspiVersion.V2_0, TspiVersion.V3_1, out var phoneVersion),
            "phoneNegotiateTSPIVersion", $"{PhoneBase}, 2.0, 3.1", $"version {TapiNames.Version(phoneVersion)}");
        var htPhone = NextHandle();
        var (phoneResult, hdPhone) = await _engine.PhoneOpenAsync(PhoneBase, htPhone, phoneVersion);
        Expect(phoneResult, "phoneOpen", $"{PhoneBase}, htPhone={TapiNames.Handle(htPhone)}, {TapiNames.Version(phoneVersion)}", $"hdPhone {TapiNames.Handle(hdPhone)}");

        _trace.Step("Outbound call to 555-0100: the request completes, then the call progresses to CONNECTED; then it is dropped (R6, R10)");
        var htCall = NextHandle();
        var make = _engine.LineMakeCall(NextRequest(), hdLine, htCall, out var hdCall, "5550100");
        Expect(make, "lineMakeCall", $"hdLine={TapiNames.Handle(hdLine)}, htCall={TapiNames.Handle(htCall)}, \"5550100\"", $"hdCall {TapiNames.Handle(hdCall)} (not valid until the request completes)");
        await CompletionAsync(make);
        await CallStateAsync(htCall, CallState.Connected);
        Expect(_engine.LineGetCallStatus(hdCall, out var status), "lineGetCallStatus", TapiNames.Handle(hdCall), status is null ? null : TapiNames.CallState(status.CallState));
        var drop = _engine.LineDrop(NextRequest(), hdCall);
        Expect(drop, "lineDrop", TapiNames.Handle(hdCall));
        await CompletionAsync(drop);
        await CallStateAsync(htCall, CallState.Idle);
        Expect(await _engine.LineCloseCallAsync(hdCall), "lineCloseCall", TapiNames.Handle(hdCall));

        _trace.Step("Incoming call from Alice: LINE_NEWCALL first, TAPI answers with its htCall, then OFFERING (R8, R10)");
        _trace.Note("The exchange rings line 0 from 555-1234; the host rings phone 0, the line's handset.");
        exchange.InjectIncomingCall(SimulatedExchange.LineKey(1), new PartyId("5551234", "Alice"));
        var newCall = await _tapi.WaitForAsync<DemoTapi.NewCallSeen>(_ => true, "LINE_NEWCALL", s_wait);
        await CallStateAsync(newCall.HtCall, CallState.Offering);
        await _tapi.WaitForAsync<DemoTapi.PhoneEventSeen>(e => e.Message == PhoneMessage.State && e.P1 == PhoneStateFlags.RingMode && e.P2 != 0, "the handset ringing", s_wait);
        Expect(_engine.LineGetCallInfo(newCall.HdCall, out var info), "lineGetCallInfo", TapiNames.Handle(newCall.HdCall), $"caller {info?.CallerId} '{info?.CallerIdName}'");
        var answer = _engine.LineAnswer(NextRequest(), newCall.HdCall);
        Expect(answer, "lineAnswer", TapiNames.Handle(newCall.HdCall));
        await CompletionAsync(answer);
        await CallStateAsync(newCall.HtCall, CallState.Connected);
        await _tapi.WaitForAsync<DemoTapi.PhoneEventSeen>(e => e.Message == PhoneMessage.State && e.P1 == PhoneStateFlags.RingMode && e.P2 == 0, "the handset to stop ringing", s_wait);

        _trace.Step("Transfer Alice to 555-0142: a consultation call is set up, dialled, answered, and the transfer completed");
        var htConsult = NextHandle();
        var setup = _engine.LineSetupTransfer(NextRequest(), newCall.HdCall, htConsult, out var hdConsult);
        Expect(setup, "lineSetupTransfer", $"{TapiNames.Handle(newCall.HdCall)}, htConsultCall={TapiNames.Handle(htConsult)}", $"hdConsultCall {TapiNames.Handle(hdConsult)}");
        await CompletionAsync(setup);
        await CallStateAsync(htConsult, CallState.DialTone);
        var dial = _engine.LineDial(NextRequest(), hdConsult, "5550142");
        Expect(dial, "lineDial", $"{TapiNames.Handle(hdConsult)}, \"5550142\"");
        await CompletionAsync(dial);
        await CallStateAsync(htConsult, CallState.Connected);
        var complete = _engine.LineCompleteTransfer(NextRequest(), newCall.HdCall, hdConsult, 0, out _, (uint)TransferMode.Transfer);
        Expect(complete, "lineCompleteTransfer", $"{TapiNames.Handle(newCall.HdCall)}, {TapiNames.Handle(hdConsult)}, LINETRANSFERMODE_TRANSFER");
        await CompletionAsync(complete);
        await CallStateAsync(newCall.HtCall, CallState.Idle);
        await CallStateAsync(htConsult, CallState.Idle);
        Expect(await _engine.LineCloseCallAsync(newCall.HdCall), "lineCloseCall", TapiNames.Handle(newCall.HdCall));
        Expect(await _engine.LineCloseCallAsync(hdConsult), "lineCloseCall", TapiNames.Handle(hdConsult));
        _trace.Step("A call placed on the handset: the host routes phone 0 to line 0; TAPI learns of the call through LINE_NEWCALL");
        _trace.Note("Someone lifts the handset of phone 0 and keys 555-0100 #.");
        exchange.LiftHandset(SimulatedExchange.PhoneKey(1));
        var handsetCall = await _tapi.WaitForAsync<DemoTapi.NewCallSeen>(n => n.HdCall != newCall.HdCall, "LINE_NEWCALL for the handset's call", s_wait);
        await CallStateAsync(handsetCall.HtCall, CallState.DialTone);
        exchange.PressKeys(SimulatedExchange.PhoneKey(1), "5550100#"); // # dials at once; otherwise after a pause
        await CallStateAsync(handsetCall.HtCall, CallState.Connected);
        _trace.Note("The handset goes back on hook.");
        exchange.ReplaceHandset(SimulatedExchange.PhoneKey(1));
        await CallStateAsync(handsetCall.HtCall, CallState.Idle);
        Expect(await _engine.LineCloseCallAsync(handsetCall.HdCall), "lineCloseCall", TapiNames.Handle(handsetCall.HdCall));

        _trace.Step("Configure during the session: accepted, saved, deferred to the next session; clients are asked to re-initialise (R13, R14)");
        var config = await _engine.ProviderConfigAsync("Simulated", new Dictionary<string, string?> { ["Lines"] = "3" });
        _trace.Call("providerConfig", "Simulated: Lines=3", config.Result, config.Message);
        Expect(config.Result);
        await _tapi.WaitForAsync<DemoTapi.LineEventSeen>(e => e.Message == LineMessage.LineDevState && e.P1 == LineDevState.Reinit, "LINEDEVSTATE_REINIT", s_wait);
        _trace.Note($"The running session still has {_engine.Session!.LineCount} lines.");

        _trace.Step("Close the phone and the line, shut down: the deferred configure hook runs now");
        Expect(await _engine.PhoneCloseAsync(hdPhone), "phoneClose", TapiNames.Handle(hdPhone));
        Expect(await _engine.LineCloseAsync(hdLine), "lineClose", TapiNames.Handle(hdLine));
        Expect(await _engine.ProviderShutdownAsync(version, ProviderId), "providerShutdown", $"{TapiNames.Version(version)}, {ProviderId}");
        _trace.Note($"Deferred configuration applied: Simulated now has Lines={_engine.State.FindPlugin("Simulated")?.Settings["Lines"]}.");

        _trace.Step("A second session sees the change (R1, R14): nothing of the first survives");
        var (enum2, lines2, phones2) = await _engine.ProviderEnumDevicesAsync(ProviderId);
        Expect(enum2, "providerEnumDevices", $"{ProviderId}", $"{lines2} line(s), {phones2} phone(s)");
        Expect(await Lifecycle("providerInit", $"{TapiNames.Version(version)}, {ProviderId}, {LineBase}, {PhoneBase}, {lines2}, {phones2}",
            _engine.ProviderInitAsync(version, ProviderId, LineBase, PhoneBase, lines2, phones2, _tapi)));
        Expect(_engine.LineGetDevCaps(LineBase + 2, version, 0, out var third), "lineGetDevCaps", $"{LineBase + 2}", $"'{third?.LineName}' is new");
        var stale = _engine.LineDrop(NextRequest(), hdCall);
        _trace.Call("lineDrop", $"{TapiNames.Handle(hdCall)} (a handle from the first session)", stale, "refused, as it should be");
        if (stale != LineErr.InvalCallHandle)
        {
            throw new InvalidOperationException($"a handle from the first session was accepted ({TapiNames.Result(stale)}).");
        }

        Expect(await _engine.ProviderShutdownAsync(version, ProviderId), "providerShutdown", $"{TapiNames.Version(version)}, {ProviderId}");

        _trace.Step("Remove the provider (R11)");
        Expect(await Lifecycle("providerRemove", $"{ProviderId}", _engine.ProviderRemoveAsync()));
    }

    private async Task<int> Lifecycle(string function, string arguments, Task<LifecycleResult> operation)
    {
        var result = await operation;
        _trace.Call(function, arguments, result.Result, result.Message);
        return result.Result;
    }

    private void Expect(int result, string function, string arguments, string? detail = null)
    {
        _trace.Call(function, arguments, result, result < 0 ? null : detail);
        Expect(result);
        if (result > 0)
        {
            _accepted.Add((uint)result); // an asynchronous request: it must complete exactly once
        }
    }

    private static void Expect(int result)
    {
        if (result < 0)
        {
            throw new InvalidOperationException($"the provider answered {TapiNames.Result(result)}.");
        }
    }

    private async Task CompletionAsync(int requestId)
    {
        var completion = await _tapi.WaitForAsync<DemoTapi.Completion>(c => c.RequestId == (uint)requestId, $"the completion of request {requestId}", s_wait);
        Expect(completion.Result);
    }

    private Task CallStateAsync(nint htCall, CallState state) =>
        _tapi.WaitForAsync<DemoTapi.LineEventSeen>(e => e.Message == LineMessage.CallState && e.HtCall == htCall && e.P1 == (uint)state,
            $"{TapiNames.CallState((uint)state)} on call {TapiNames.Handle(htCall)}", s_wait + TimeSpan.FromMilliseconds(_ringInterval * 10));

    private uint NextRequest() => ++_nextRequest;

    private nint NextHandle() => (nint)Interlocked.Increment(ref _nextHandle);
}
