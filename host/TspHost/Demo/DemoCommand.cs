using System.CommandLine;
using System.Globalization;
using TspHost.Abstractions;
using TspHost.Core.Tapi;
using TspHost.Core.Versions;

namespace TspHost.Demo;

/// <summary>
/// <c>tsphost demo</c>: one full, visible provider lifecycle against the Simulated exchange, printed
/// as a trace of TSPI calls and the callbacks TAPI receives. One script, two providers: through the
/// real chain (the Native AOT shim loaded here, a <c>tsphost run</c> daemon behind it) or in-process.
/// </summary>
internal sealed class DemoCommand
{
    private const uint ProviderId = 1;
    private const uint LineBase = 0;
    private const uint PhoneBase = 0;
    private const string AliceNumber = "5551234";
    private const string AliceName = "Alice";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    private readonly TraceWriter _trace;
    private readonly DemoTapi _tapi;
    private readonly IDemoProvider _provider;
    private readonly int _ringInterval;
    private readonly List<uint> _accepted = [];
    private uint _nextRequest = 100;
    private long _nextHandle = 0xA000;

    private DemoCommand(TraceWriter trace, DemoTapi tapi, IDemoProvider provider, int ringInterval)
    {
        _trace = trace;
        _tapi = tapi;
        _provider = provider;
        _ringInterval = ringInterval;
    }

    public static Command Create()
    {
        var ringInterval = new Option<int>("--ring-interval")
        {
            Description = "Milliseconds between rings in the simulated exchange (sets the pace of the demo).",
            DefaultValueFactory = _ => 250,
        };
        var inProcess = new Option<bool>("--in-process") { Description = "Run the engine and the Simulated exchange inside this process, without daemon or shim (the default when the shim is not published)." };
        var chain = new Option<bool>("--chain") { Description = "Run through the real chain, publishing the shim first when it is not published yet." };
        var shim = new Option<string?>("--shim") { Description = $"The shim library to load (default: {ShimLibrary.FileName} beside tsphost, else {ShimLibrary.DefaultRelativePath} in the current directory or the repository). Implies --chain." };
        var noColor = new Option<bool>("--no-color") { Description = "Print the trace without colours (also when NO_COLOR is set or output is redirected)." };
        var command = new Command("demo",
            "Runs one full provider lifecycle against the Simulated exchange and prints it as a trace of TSPI calls (→) " +
            "and the callbacks TAPI receives (←): install, negotiate, init, an outbound call, an incoming call answered and " +
            "transferred, a configuration change deferred to the next session, shutdown, a second session, remove.\n" +
            "Two modes run the same script. Through the real chain (the default when the shim is published): the demo starts " +
            "'tsphost run' as a child process on a socket and state directory of its own, loads the Native AOT shim and calls " +
            "its TSPI exports as the TAPI service does, receiving completions and events through native callbacks; the incoming " +
            "call is scripted in the daemon's Simulated settings, and the call placed on the handset is skipped, since the " +
            "exchange lives in the daemon. In-process (--in-process, or when the shim is not published): the demo calls the " +
            $"engine directly and drives the exchange itself. Publish the shim, from the repository root, with: {ShimLibrary.PublishCommand}")
        {
            ringInterval,
            inProcess,
            chain,
            shim,
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

            var shimPath = parse.GetValue(shim);
            var wantChain = parse.GetValue(chain) || shimPath is not null;
            if (wantChain && parse.GetValue(inProcess))
            {
                Console.Error.WriteLine("tsphost demo: --in-process cannot be combined with --chain or --shim.");
                return 2;
            }

            if (shimPath is not null && !File.Exists(shimPath))
            {
                Console.Error.WriteLine($"tsphost demo: there is no shim library at {shimPath}. Publish it with: {ShimLibrary.PublishCommand}");
                return 2;
            }

            if (!parse.GetValue(inProcess))
            {
                shimPath ??= ShimLibrary.Find();
                if (shimPath is null && wantChain)
                {
                    shimPath = await ShimLibrary.PublishAsync(Console.Out, cancellationToken);
                    if (shimPath is null)
                    {
                        return 1;
                    }
                }
            }

            var color = !parse.GetValue(noColor) && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
            var trace = new TraceWriter(Console.Out, color);
            if (shimPath is null && !parse.GetValue(inProcess))
            {
                trace.Note($"The shim is not published, so this demo runs in-process. To see the real chain, publish it ({ShimLibrary.PublishCommand})");
                trace.Note("or run 'tsphost demo --chain', which publishes it first.");
            }

            return await RunAsync(trace, shimPath, interval, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(TraceWriter trace, string? shimPath, int ringInterval, CancellationToken cancellationToken)
    {
        var tapi = new DemoTapi(trace);
        var settings = new Dictionary<string, string>
        {
            ["Lines"] = "2",
            ["RingInterval"] = ringInterval.ToString(CultureInfo.InvariantCulture),
            ["RingsBeforeAnswer"] = "2",

            // The scripted caller's patience, counted in rings: Alice waits 1000 rings before she hangs up
            // (20 s at --ring-interval 20), so a busy machine still answers her; she is answered after a few.
            ["NoAnswerRings"] = "1000",
        };
        IDemoProvider provider;
        try
        {
            if (shimPath is null)
            {
                provider = new InProcessProvider(settings, tapi);
            }
            else
            {
                var scriptedCall = string.Create(CultureInfo.InvariantCulture, $"{IncomingCallDelay(ringInterval)}:line-1:{AliceNumber}:{AliceName}");
                settings["IncomingCalls"] = scriptedCall;
                // Alice waits for an answer however busy the machine: a slow TAPI side must not see her give up.
                settings["NoAnswerRings"] = "60";
                var daemon = await DemoDaemon.StartAsync(settings, TimeSpan.FromSeconds(30));
                try
                {
                    provider = ShimProvider.Load(shimPath, daemon, scriptedCall, tapi);
                }
                catch
                {
                    await daemon.DisposeAsync();
                    throw;
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            Console.Error.WriteLine($"tsphost demo: could not set up the real chain: {e.Message}");
            return 1;
        }

        var demo = new DemoCommand(trace, tapi, provider, ringInterval);
        try
        {
            trace.Note(provider.Description);

            await demo.RunAsync().WaitAsync(cancellationToken);
            if (tapi.NotCompletedExactlyOnce(demo._accepted) is [var (id, count), ..])
            {
                throw new InvalidOperationException($"request {id} was completed {count} times instead of once.");
            }

            Console.WriteLine($"\nThe demo ran the whole lifecycle {(shimPath is null ? "in-process" : "through the real chain")}; " +
                $"all {demo._accepted.Count} asynchronous requests completed exactly once.");
            return 0;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            Console.Error.WriteLine($"\ntsphost demo failed: {e.Message}");
            if (provider.Diagnostics is { Length: > 0 } diagnostics)
            {
                Console.Error.WriteLine(diagnostics);
            }

            return 1;
        }
        finally
        {
            await provider.DisposeAsync();
        }
    }

    /// <summary>
    /// When the daemon's exchange rings line 0 with the scripted call, in milliseconds after providerInit:
    /// after the outbound call of step 4 has ended, which takes some rings of the exchange, with room for
    /// a busy machine (each step crosses to the plugin's worker process and back).
    /// </summary>
    private static int IncomingCallDelay(int ringInterval) => 3000 + (8 * ringInterval);

    private async Task RunAsync()
    {
        _trace.Step("Install the provider (R11): its plugins' install hooks run; the Simulated exchange is the default plugin");
        Expect(await Lifecycle("providerInstall", $"permanentProviderID={ProviderId}", _provider.ProviderInstallAsync(ProviderId)));

        _trace.Step("Negotiate the interface version before any device (R2), count devices, start a session");
        Expect(_provider.LineNegotiateTspiVersion(Tspi.InitializeNegotiation, TspiVersion.V1_4, TspiVersion.V3_1, out var version),
            "lineNegotiateTSPIVersion", $"INITIALIZE_NEGOTIATION, {TapiNames.Version(TspiVersion.V1_4)}, {TapiNames.Version(TspiVersion.V3_1)}", $"version {TapiNames.Version(version)}");
        var (enumResult, lines, phones) = await _provider.ProviderEnumDevicesAsync(ProviderId);
        Expect(enumResult, "providerEnumDevices", $"{ProviderId}", $"{lines} line(s), {phones} phone(s)");
        Expect(await Lifecycle("providerInit", $"{TapiNames.Version(version)}, {ProviderId}, lineBase={LineBase}, phoneBase={PhoneBase}, {lines}, {phones}",
            _provider.ProviderInitAsync(version, ProviderId, LineBase, PhoneBase, lines, phones)));

        _trace.Step("Open line 0 and phone 0: versions are negotiated per device and committed at open (R4, R7)");
        Expect(_provider.LineNegotiateTspiVersion(LineBase, TspiVersion.V2_0, TspiVersion.V3_1, out var lineVersion),
            "lineNegotiateTSPIVersion", $"{LineBase}, 2.0, 3.1", $"version {TapiNames.Version(lineVersion)}");
        Expect(_provider.LineGetDevCaps(LineBase, lineVersion, out var caps), "lineGetDevCaps", $"{LineBase}", $"'{caps?.LineName}', permanent ID {caps?.PermanentLineId}, {caps?.MaxNumActiveCalls} calls");
        var htLine = NextHandle();
        var (openResult, hdLine) = await _provider.LineOpenAsync(LineBase, htLine, lineVersion);
        Expect(openResult, "lineOpen", $"{LineBase}, htLine={TapiNames.Handle(htLine)}, {TapiNames.Version(lineVersion)}", $"hdLine {TapiNames.Handle(hdLine)}");
        Expect(_provider.PhoneNegotiateTspiVersion(PhoneBase, TspiVersion.V2_0, TspiVersion.V3_1, out var phoneVersion),
            "phoneNegotiateTSPIVersion", $"{PhoneBase}, 2.0, 3.1", $"version {TapiNames.Version(phoneVersion)}");
        var htPhone = NextHandle();
        var (phoneResult, hdPhone) = await _provider.PhoneOpenAsync(PhoneBase, htPhone, phoneVersion);
        Expect(phoneResult, "phoneOpen", $"{PhoneBase}, htPhone={TapiNames.Handle(htPhone)}, {TapiNames.Version(phoneVersion)}", $"hdPhone {TapiNames.Handle(hdPhone)}");

        _trace.Step("Outbound call to 555-0100: the request completes, then the call progresses to CONNECTED; then it is dropped (R6, R10)");
        var htCall = NextHandle();
        var make = _provider.LineMakeCall(NextRequest(), hdLine, htCall, out var hdCall, "5550100");
        Expect(make, "lineMakeCall", $"hdLine={TapiNames.Handle(hdLine)}, htCall={TapiNames.Handle(htCall)}, \"5550100\"", $"hdCall {TapiNames.Handle(hdCall)} (not valid until the request completes)");
        await CompletionAsync(make);
        await CallStateAsync(htCall, CallState.Connected);
        Expect(_provider.LineGetCallStatus(hdCall, out var state), "lineGetCallStatus", TapiNames.Handle(hdCall), TapiNames.CallState(state));
        var drop = _provider.LineDrop(NextRequest(), hdCall);
        Expect(drop, "lineDrop", TapiNames.Handle(hdCall));
        await CompletionAsync(drop);
        await CallStateAsync(htCall, CallState.Idle);
        Expect(await _provider.LineCloseCallAsync(hdCall), "lineCloseCall", TapiNames.Handle(hdCall));

        _trace.Step("Incoming call from Alice: LINE_NEWCALL first, TAPI answers with its htCall, then OFFERING (R8, R10)");
        _trace.Note(_provider.IncomingCall(AliceNumber, AliceName));
        var newCall = await _tapi.WaitForAsync<DemoTapi.NewCallSeen>(_ => true, "LINE_NEWCALL", s_wait);
        await CallStateAsync(newCall.HtCall, CallState.Offering);
        await _tapi.WaitForAsync<DemoTapi.PhoneEventSeen>(e => e.Message == PhoneMessage.State && e.P1 == PhoneStateFlags.RingMode && e.P2 != 0, "the handset ringing", s_wait);
        Expect(_provider.LineGetCallInfo(newCall.HdCall, out var info), "lineGetCallInfo", TapiNames.Handle(newCall.HdCall), $"caller {info?.CallerId} '{info?.CallerIdName}'");
        var answer = _provider.LineAnswer(NextRequest(), newCall.HdCall);
        CallerStillThere(newCall.HtCall, answer, "lineAnswer");
        Expect(answer, "lineAnswer", TapiNames.Handle(newCall.HdCall));
        CallerStillThere(newCall.HtCall, (await _tapi.WaitForAsync<DemoTapi.Completion>(c => c.RequestId == (uint)answer, $"the completion of request {answer}", s_wait)).Result, "lineAnswer's completion");
        await CompletionAsync(answer);
        await CallStateAsync(newCall.HtCall, CallState.Connected);
        await _tapi.WaitForAsync<DemoTapi.PhoneEventSeen>(e => e.Message == PhoneMessage.State && e.P1 == PhoneStateFlags.RingMode && e.P2 == 0, "the handset to stop ringing", s_wait);

        _trace.Step("Transfer Alice to 555-0142: a consultation call is set up, dialled, answered, and the transfer completed");
        var htConsult = NextHandle();
        var setup = _provider.LineSetupTransfer(NextRequest(), newCall.HdCall, htConsult, out var hdConsult);
        Expect(setup, "lineSetupTransfer", $"{TapiNames.Handle(newCall.HdCall)}, htConsultCall={TapiNames.Handle(htConsult)}", $"hdConsultCall {TapiNames.Handle(hdConsult)}");
        await CompletionAsync(setup);
        await CallStateAsync(htConsult, CallState.DialTone);
        var dial = _provider.LineDial(NextRequest(), hdConsult, "5550142");
        Expect(dial, "lineDial", $"{TapiNames.Handle(hdConsult)}, \"5550142\"");
        await CompletionAsync(dial);
        await CallStateAsync(htConsult, CallState.Connected);
        var complete = _provider.LineCompleteTransfer(NextRequest(), newCall.HdCall, hdConsult, (uint)TransferMode.Transfer);
        Expect(complete, "lineCompleteTransfer", $"{TapiNames.Handle(newCall.HdCall)}, {TapiNames.Handle(hdConsult)}, LINETRANSFERMODE_TRANSFER");
        await CompletionAsync(complete);
        await CallStateAsync(newCall.HtCall, CallState.Idle);
        await CallStateAsync(htConsult, CallState.Idle);
        Expect(await _provider.LineCloseCallAsync(newCall.HdCall), "lineCloseCall", TapiNames.Handle(newCall.HdCall));
        Expect(await _provider.LineCloseCallAsync(hdConsult), "lineCloseCall", TapiNames.Handle(hdConsult));
        _trace.Step("A call placed on the handset: the host routes phone 0 to line 0; TAPI learns of the call through LINE_NEWCALL");
        if (_provider.Handset is { } handset)
        {
            await HandsetCallAsync(handset, newCall.HdCall);
        }
        else
        {
            _trace.Note("Skipped through the real chain: the handset is lifted at the phone, and the Simulated exchange takes that only");
            _trace.Note("from code in the daemon's process. 'tsphost demo --in-process' shows this step.");
        }

        _trace.Step("Configure during the session: accepted, saved, deferred to the next session; clients are asked to re-initialise (R13, R14)");
        var config = await _provider.ProviderConfigAsync(ProviderId, "Simulated", "Lines", "3");
        _trace.Call("providerConfig", "Simulated: Lines=3", config.Result, config.Message);
        Expect(config.Result);
        await _tapi.WaitForAsync<DemoTapi.LineEventSeen>(e => e.Message == LineMessage.LineDevState && e.P1 == LineDevState.Reinit, "LINEDEVSTATE_REINIT", s_wait);
        Refused(_provider.LineGetDevCaps(LineBase + 2, version, out _), LineErr.BadDeviceId, "lineGetDevCaps", $"{LineBase + 2}", "the running session still has two lines");

        _trace.Step("Close the phone and the line, shut down: the deferred configure hook runs now");
        Expect(await _provider.PhoneCloseAsync(hdPhone), "phoneClose", TapiNames.Handle(hdPhone));
        Expect(await _provider.LineCloseAsync(hdLine), "lineClose", TapiNames.Handle(hdLine));
        Expect(await _provider.ProviderShutdownAsync(version, ProviderId), "providerShutdown", $"{TapiNames.Version(version)}, {ProviderId}");

        _trace.Step("A second session sees the change (R1, R14): nothing of the first survives");
        var (enum2, lines2, phones2) = await _provider.ProviderEnumDevicesAsync(ProviderId);
        Expect(enum2, "providerEnumDevices", $"{ProviderId}", $"{lines2} line(s), {phones2} phone(s)");
        Expect(await Lifecycle("providerInit", $"{TapiNames.Version(version)}, {ProviderId}, {LineBase}, {PhoneBase}, {lines2}, {phones2}",
            _provider.ProviderInitAsync(version, ProviderId, LineBase, PhoneBase, lines2, phones2)));
        Expect(_provider.LineGetDevCaps(LineBase + 2, version, out var third), "lineGetDevCaps", $"{LineBase + 2}", $"'{third?.LineName}' is new");
        Refused(_provider.LineDrop(NextRequest(), hdCall), LineErr.InvalCallHandle, "lineDrop", $"{TapiNames.Handle(hdCall)} (a handle from the first session)", "refused, as it should be");

        Expect(await _provider.ProviderShutdownAsync(version, ProviderId), "providerShutdown", $"{TapiNames.Version(version)}, {ProviderId}");

        _trace.Step("Remove the provider (R11)");
        Expect(await Lifecycle("providerRemove", $"{ProviderId}", _provider.ProviderRemoveAsync(ProviderId)));
    }

    /// <summary>Someone at phone 0 lifts the handset, keys a number and hangs up: the host routes it all to line 0.</summary>
    private async Task HandsetCallAsync(IDemoHandset handset, nint incomingHdCall)
    {
        _trace.Note("Someone lifts the handset of phone 0 and keys 555-0100 #.");
        handset.Lift();
        var handsetCall = await _tapi.WaitForAsync<DemoTapi.NewCallSeen>(n => n.HdCall != incomingHdCall, "LINE_NEWCALL for the handset's call", s_wait);
        await CallStateAsync(handsetCall.HtCall, CallState.DialTone);
        handset.PressKeys("5550100#"); // # dials at once; otherwise after a pause
        await CallStateAsync(handsetCall.HtCall, CallState.Connected);
        _trace.Note("The handset goes back on hook.");
        handset.Replace();
        await CallStateAsync(handsetCall.HtCall, CallState.Idle);
        Expect(await _provider.LineCloseCallAsync(handsetCall.HdCall), "lineCloseCall", TapiNames.Handle(handsetCall.HdCall));
    }

    /// <summary>When <paramref name="result"/> is a failure because the caller hung up first, the trace says so rather than only the error.</summary>
    private void CallerStillThere(nint htCall, int result, string what)
    {
        if (result < 0 && _tapi.Seen<DemoTapi.LineEventSeen>(e => e.Message == LineMessage.CallState && e.HtCall == htCall && e.P1 == (uint)CallState.Disconnected) is { } hungUp)
        {
            _trace.Note($"The caller hung up before {what} ({TapiNames.CallState((uint)hungUp.P1)}): {TapiNames.Result(result)} is the answer to a call that is gone.");
            throw new InvalidOperationException($"the caller hung up before {what}; {TapiNames.Result(result)}.");
        }
    }

    private async Task<int> Lifecycle(string function, string arguments, Task<DemoLifecycle> operation)
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

    /// <summary>A call the provider must refuse with <paramref name="expected"/>.</summary>
    private void Refused(int result, int expected, string function, string arguments, string detail)
    {
        _trace.Call(function, arguments, result, detail);
        if (result != expected)
        {
            throw new InvalidOperationException($"{function} should have been refused with {TapiNames.Result(expected)}, not answered {TapiNames.Result(result)}.");
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
