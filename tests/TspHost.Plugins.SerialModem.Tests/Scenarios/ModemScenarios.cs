using TspHost.Abstractions;
using TspHost.Plugins.SerialModem.Tests.Fakes;
using TspHost.Testing;

namespace TspHost.Plugins.SerialModem.Tests.Scenarios;

/// <summary>
/// The backend against a fake Hayes modem through a real transport, on the real clock with short
/// timeouts. Subclasses choose the transport (a pseudo-terminal or TCP).
/// </summary>
public abstract class ModemScenarios : IAsyncLifetime
{
    private IFakeModemLink? _link;
    private IBackendSession? _session;

    internal FakeModem Modem { get; private set; } = new();

    internal IFakeModemLink Link => _link!;

    internal RecordingLineEvents LineEvents { get; private set; } = new();

    protected ILineDevice Line { get; private set; } = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal abstract IFakeModemLink CreateLink(FakeModem modem);

    public ValueTask InitializeAsync() => new(StartFixtureAsync([]));

    public async ValueTask DisposeAsync()
    {
        await StopFixtureAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the test over with a fresh modem and session that has <paramref name="extra"/> settings (a short timeout the test waits for).</summary>
    private async Task RestartWithAsync(params (string Key, string Value)[] extra)
    {
        await StopFixtureAsync();
        Modem = new FakeModem();
        LineEvents = new RecordingLineEvents();
        await StartFixtureAsync(extra);
    }

    private async Task StartFixtureAsync((string Key, string Value)[] extra)
    {
        _link = CreateLink(Modem);
        _session = await StartAsync(_link.PortSetting, extra: extra);
        Line = _session.Lines.Single();
        await Line.OpenAsync(LineEvents, Ct);
    }

    private async Task StopFixtureAsync()
    {
        if (_session is not null)
        {
            await Line.CloseAsync(Ct);
            await _session.DisposeAsync();
            _session = null;
        }

        if (_link is not null)
        {
            await _link.DisposeAsync();
            _link = null;
        }
    }

    internal static async Task<IBackendSession> StartAsync(string port, IBackendLog? log = null, (string Key, string Value)[]? extra = null)
    {
        var settings = new BackendSettings(FakeModemSettings.For([port], extra ?? []));
        return await new SerialModemBackend()
            .StartSessionAsync(new BackendSessionContext { Settings = settings, Log = log ?? NullLog.Instance, Time = TimeProvider.System, Events = new NullSessionEvents() }, Ct)
            .AsTask().WithTimeout("session start");
    }

    /// <summary>
    /// The marker of a "nothing happened" check: an AT answered by the modem after everything it sent
    /// before, which the plugin has handled by then (one reader, in order).
    /// </summary>
    internal static async Task RoundTripAsync(ILineDevice line)
    {
        var engine = ((Device.ModemLine)line).CurrentEngine ?? throw new InvalidOperationException($"{line.Key}: the modem is not connected.");
        var response = await engine.SendAsync("AT", TimeSpan.FromSeconds(5), Ct).WithTimeout("an AT round trip");
        Assert.True(response.IsOk, $"AT answered {response.Final.Line}");
    }

    private async Task<(IBackendCall Call, RecordingCallEvents Events)> DialAsync(string number, MediaModes media = MediaModes.InteractiveVoice)
    {
        var events = new RecordingCallEvents();
        var call = await Line.MakeCallAsync(new MakeCallRequest { Destination = number, MediaMode = media }, events, Ct).AsTask().WithTimeout("make call");
        return (call, events);
    }

    private async Task<(IBackendCall Call, RecordingCallEvents Events)> ConnectedVoiceCallAsync()
    {
        var (call, events) = await DialAsync("5551234");
        await events.WaitForAsync("Connected");
        return (call, events);
    }

    [Fact]
    public void BringUp_ResetsConfiguresIdentifiesAndTurnsCallerIdOn()
    {
        Assert.Equal(["ATZ", "ATE0V1", "ATX4", "ATS0=0", "AT+GMI", "AT+GMM", "AT+VCID=1"], Modem.Commands);
        Assert.Equal("ACME V.92 test modem", Line.Capabilities.Name);
        Assert.Contains("ACME V.92 test modem", Line.Capabilities.ProviderInfo, StringComparison.Ordinal);
        Assert.Equal(Link.PortSetting, Line.Key);
        Assert.DoesNotContain("OutOfService", LineEvents.Events);
    }

    [Fact]
    public async Task OutboundVoiceCall_OkMeansConnected_DropHangsUp()
    {
        var (call, events) = await DialAsync("555-1234");
        await events.WaitForAsync("Connected");
        Assert.Contains("ATD5551234;", Modem.Commands);

        await call.DropAsync(Ct).AsTask().WithTimeout("drop");
        Assert.Equal(["Dialing", "Proceeding", "Connected", "Idle"], events.Events);
        Assert.Equal("ATH", Modem.Commands[^1]);
        await call.ReleaseAsync(Ct);
    }

    [Fact]
    public async Task OutboundDataCall_ConnectMeansConnected_DropEscapesFirst()
    {
        var (call, events) = await DialAsync("5551234", MediaModes.DataModem);
        await events.WaitForAsync("Connected");
        Assert.Contains("ATD5551234", Modem.Commands);
        Assert.True(Modem.InDataMode);

        await call.DropAsync(Ct).AsTask().WithTimeout("drop from data mode");
        Assert.False(Modem.InDataMode);
        Assert.Equal("ATH", Modem.Commands[^1]);
        Assert.Equal(["Dialing", "Proceeding", "Connected", "Idle"], events.Events);
    }

    [Theory]
    [InlineData("BUSY", new[] { "Dialing", "Proceeding", "Busy", "Disconnected(Busy)" })]
    [InlineData("NO ANSWER", new[] { "Dialing", "Proceeding", "Disconnected(NoAnswer)" })]
    [InlineData("NO DIALTONE", new[] { "Dialing", "Proceeding", "Disconnected(NoDialTone)" })]
    [InlineData("NO CARRIER", new[] { "Dialing", "Proceeding", "Disconnected(Normal)" })]
    public async Task OutboundCall_FailureResults_MapToDisconnectModes(string result, string[] expected)
    {
        Modem.DialOutcome = (_, _) => result;
        var (call, events) = await DialAsync("5551234");
        await events.WaitForAsync(expected[^1]);
        Assert.Equal(expected, events.Events);

        await call.DropAsync(Ct).AsTask().WithTimeout("drop after failure");
        Assert.Equal("Idle", events.Events[^1]);

        // The line is free again.
        Modem.DialOutcome = (_, _) => "OK";
        var (_, second) = await DialAsync("5551234");
        await second.WaitForAsync("Connected");
    }

    [Theory]
    [InlineData("OK", new[] { "Dialing", "Proceeding", "Connected" })]
    [InlineData("BUSY", new[] { "Dialing", "Proceeding", "Busy", "Disconnected(Busy)" })]
    [InlineData("NO ANSWER", new[] { "Dialing", "Proceeding", "Disconnected(NoAnswer)" })]
    [InlineData("NO DIALTONE", new[] { "Dialing", "Proceeding", "Disconnected(NoDialTone)" })]
    [InlineData("NO CARRIER", new[] { "Dialing", "Proceeding", "Disconnected(Normal)" })]
    public async Task NumericResultCodes_AfterBringUp_AreUnderstood_Dialling(string result, string[] expected)
    {
        Modem.NumericAlways = true; // the modem falls back to ATV0 codes: 0, 7, 8, 6, 3
        Modem.DialOutcome = (_, _) => result;
        var (_, events) = await DialAsync("5551234");
        await events.WaitForAsync(expected[^1]);
        Assert.Equal(expected, events.Events);
    }

    [Fact]
    public async Task NumericResultCodes_AfterBringUp_AreUnderstood_RingAnswerAndHangUp()
    {
        Modem.NumericAlways = true;
        Modem.Ring(); // "2"
        await LineEvents.WaitForAsync("Ringing 1");
        var (call, _, events) = LineEvents.Calls.Single();
        await call.AnswerAsync(Ct).AsTask().WithTimeout("answer"); // "0"
        Modem.RemoteHangUp(); // "3"
        await events.WaitForAsync("Disconnected(Normal)");
        Assert.Equal(["Connected", "Disconnected(Normal)"], events.Events);
    }

    [Fact]
    public async Task HangUp_AnsweredNoCarrierThenOk_EndsIdle_AndTheOkDoesNotAnswerTheNextDial()
    {
        Modem.HangUpSaysNoCarrierFirst = true;
        var (call, events) = await ConnectedVoiceCallAsync();
        await call.DropAsync(Ct).AsTask().WithTimeout("drop");
        Assert.Equal(["Dialing", "Proceeding", "Connected", "Idle"], events.Events); // the NO CARRIER was the hang-up, not the far end
        await call.ReleaseAsync(Ct);

        Modem.DialOutcome = (_, _) => "BUSY";
        var (_, next) = await DialAsync("5550000");
        await next.WaitForAsync("Disconnected(Busy)");
        Assert.Equal(["Dialing", "Proceeding", "Busy", "Disconnected(Busy)"], next.Events);
    }

    [Fact]
    public async Task PartialDial_ThenDialAsync_CompletesTheNumber()
    {
        var events = new RecordingCallEvents();
        var call = await Line.MakeCallAsync(new MakeCallRequest { Destination = "555", MoreDigitsFollow = true }, events, Ct).AsTask().WithTimeout("partial dial");
        Assert.Equal(["Dialing"], events.Events);
        await call.DialAsync("1234", Ct).AsTask().WithTimeout("dial the rest");
        await events.WaitForAsync("Connected");
        Assert.Equal(["ATD555;", "ATD1234;"], Modem.Commands.Where(c => c.StartsWith("ATD", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DialToneOnly_ThenDialAsync_PlacesTheCall()
    {
        var events = new RecordingCallEvents();
        var call = await Line.MakeCallAsync(new MakeCallRequest { Destination = null }, events, Ct).AsTask().WithTimeout("dial tone");
        Assert.Equal(["DialTone"], events.Events);
        await call.DialAsync("5551234", Ct).AsTask().WithTimeout("dial");
        await events.WaitForAsync("Connected");
        Assert.Equal(["ATD;", "ATD5551234;"], Modem.Commands.Where(c => c.StartsWith("ATD", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("555-CALL-NOW")]
    [InlineData("5551234\r\nATZ")]
    public async Task MakeCall_UndialableAddress_FailsWithInvalidAddressAndSendsNothing(string destination)
    {
        var before = Modem.Commands.Count;
        var error = await Assert.ThrowsAsync<TelephonyException>(() => DialAsync(destination));
        Assert.Equal(TelephonyError.InvalidAddress, error.Error);
        Assert.Equal(before, Modem.Commands.Count);
    }

    [Fact]
    public async Task MakeCall_AlreadyCancelled_ThrowsAndLeavesTheLineFree()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Line.MakeCallAsync(new MakeCallRequest { Destination = "5551234" }, new RecordingCallEvents(), cts.Token).AsTask());
        var (_, events) = await DialAsync("5551234");
        await events.WaitForAsync("Connected");
    }

    [Fact]
    public async Task UnsupportedOperations_FailWithOperationUnavailable()
    {
        var (call, _) = await ConnectedVoiceCallAsync();
        var error = await Assert.ThrowsAsync<TelephonyException>(() => call.HoldAsync(Ct).AsTask());
        Assert.Equal(TelephonyError.OperationUnavailable, error.Error);
        var dial = await Assert.ThrowsAsync<TelephonyException>(() => call.DialAsync("1", Ct).AsTask());
        Assert.Equal(TelephonyError.InvalidCallState, dial.Error);
    }

    [Fact]
    public async Task DropWhileDialing_AbortsTheDial()
    {
        Modem.DialOutcome = (_, _) => null; // rings at the far end until aborted
        var (call, events) = await DialAsync("5551234");
        await events.WaitForAsync("Proceeding");
        await call.DropAsync(Ct).AsTask().WithTimeout("drop while dialing");
        Assert.Equal(["Dialing", "Proceeding", "Idle"], events.Events);
        Assert.Equal("ATH", Modem.Commands[^1]);
    }

    [Fact]
    public async Task IncomingCall_WithCallerId_AnsweredThenRemoteHangUp()
    {
        Modem.Ring("DATE = 0321", "TIME = 1405", "NMBR = 5551234", "NAME = JOHN DOE");
        await LineEvents.WaitForAsync("Ringing 1");
        Modem.Ring();
        await LineEvents.WaitForAsync("Ringing 2");
        var (call, info, events) = LineEvents.Calls.Single();
        Assert.Equal(CallState.Offering, info.InitialState);
        Assert.Equal(CallOrigin.Inbound, info.Origin);
        Assert.Equal(new PartyId { Number = "5551234", Name = "JOHN DOE" }, events.Caller);
        Assert.Equal(["NewCall Offering", "Ringing 1", "Ringing 2"], LineEvents.Events);

        await call.AnswerAsync(Ct).AsTask().WithTimeout("answer");
        Assert.Equal("ATA", Modem.Commands[^1]);
        Modem.RemoteHangUp();
        await events.WaitForAsync("Disconnected(Normal)");
        await call.DropAsync(Ct).AsTask().WithTimeout("drop after hang-up");
        Assert.Equal(["Party Caller 5551234  Available", "Party Caller 5551234 JOHN DOE Available", "Connected", "Disconnected(Normal)", "Idle"], events.Events);
        await call.ReleaseAsync(Ct);
    }

    [Fact]
    public async Task IncomingDataCall_AnsweredWithConnect_BecomesData()
    {
        Modem.AnswerOutcome = "CONNECT 33600";
        Modem.Ring();
        await LineEvents.WaitForAsync("Ringing 1");
        var (call, _, events) = LineEvents.Calls.Single();
        await call.AnswerAsync(Ct).AsTask().WithTimeout("answer");
        Assert.Equal(["Media DataModem", "Connected"], events.Events);
        await call.DropAsync(Ct).AsTask().WithTimeout("drop from data mode");
        Assert.False(Modem.InDataMode);
        Assert.Equal("Idle", events.Events[^1]);
    }

    [Fact]
    public async Task DropWhileAnswering_AbortsTheAnswer()
    {
        Modem.AnswerOutcome = null; // the modem keeps trying to train with the caller
        Modem.Ring();
        await LineEvents.WaitForAsync("Ringing 1");
        var (call, _, events) = LineEvents.Calls.Single();
        var answer = call.AnswerAsync(Ct).AsTask();
        await Eventually.WaitAsync(() => Modem.Commands.Contains("ATA"), "ATA sent");
        await call.DropAsync(Ct).AsTask().WithTimeout("drop while answering");
        await Assert.ThrowsAsync<TelephonyException>(() => answer.WithTimeout("answer aborted"));
        Assert.Equal("Idle", events.Events[^1]);
        Assert.Equal("ATH", Modem.Commands[^1]);
    }

    [Fact]
    public async Task IncomingCall_PrivateNumber_IsReportedBlocked()
    {
        Modem.Ring("NMBR = P");
        await LineEvents.WaitForAsync("Ringing 1");
        var events = LineEvents.Calls.Single().Events;
        await Eventually.WaitAsync(() => events.Caller is not null, "caller ID");
        Assert.Equal(new PartyId { Number = null, Name = null, Availability = PartyAvailability.Blocked }, events.Caller);
    }

    [Fact]
    public async Task IncomingCall_RingsStop_EndsDisconnected()
    {
        await RestartWithAsync(("RingTimeout", "300"));
        Modem.Ring();
        await LineEvents.WaitForAsync("Ringing 1");
        var events = LineEvents.Calls.Single().Events;
        await events.WaitForAsync("Disconnected(Normal)");
    }

    [Fact]
    public async Task IncomingCall_Rejected_LaterRingsOfTheSameAlertAreIgnored()
    {
        Modem.Ring();
        await LineEvents.WaitForAsync("Ringing 1");
        var (call, _, events) = LineEvents.Calls.Single();
        await call.DropAsync(Ct).AsTask().WithTimeout("reject");
        Assert.Equal(["Idle"], events.Events);
        Modem.Ring();
        await RoundTripAsync(Line);
        Assert.Single(LineEvents.Calls);
        Assert.Equal(["NewCall Offering", "Ringing 1"], LineEvents.Events);
    }

    [Fact]
    public async Task ModemStopsAnsweringMidCall_DropFailsAndTheLineGoesOutOfServiceThenBack()
    {
        await RestartWithAsync(("CommandTimeout", "500"));
        var (call, events) = await ConnectedVoiceCallAsync();
        Modem.Silent = true;
        var error = await Assert.ThrowsAsync<TelephonyException>(() => call.DropAsync(Ct).AsTask().WithTimeout("drop to a silent modem"));
        Assert.Equal(TelephonyError.NoDevice, error.Error);
        await events.WaitForAsync("Disconnected(Unknown)");
        await LineEvents.WaitForAsync("OutOfService");

        var failed = await Assert.ThrowsAsync<TelephonyException>(() => DialAsync("5551234"));
        Assert.Equal(TelephonyError.NoDevice, failed.Error);

        Modem.Silent = false;
        await LineEvents.WaitForAsync("InService");
        var (_, again) = await DialAsync("5551234");
        await again.WaitForAsync("Connected");
    }

    [Fact]
    public async Task PortClosedUnderThePlugin_EndsTheCallAndTakesTheLineOutOfService()
    {
        var (_, events) = await ConnectedVoiceCallAsync();
        Link.CloseUnderPlugin();
        await events.WaitForAsync("Disconnected(Unknown)");
        await LineEvents.WaitForAsync("OutOfService");
        if (Link.ReachableAfterClose)
        {
            await LineEvents.WaitForAsync("InService");
            var (_, again) = await DialAsync("5551234");
            await again.WaitForAsync("Connected");
        }
        else
        {
            var failed = await Assert.ThrowsAsync<TelephonyException>(() => DialAsync("5551234"));
            Assert.Equal(TelephonyError.NoDevice, failed.Error);
        }
    }

    [Fact]
    public async Task ReleasedCall_ReportsNothingMore()
    {
        var (call, events) = await ConnectedVoiceCallAsync();
        await call.ReleaseAsync(Ct).AsTask().WithTimeout("release");
        Assert.Equal("ATH", Modem.Commands[^1]);
        var seen = events.Events.Count;
        Modem.RemoteHangUp();
        await RoundTripAsync(Line);
        Assert.Equal(seen, events.Events.Count);
    }

    [Fact]
    public async Task SecondCall_WhileOneIsUp_IsRefused()
    {
        await ConnectedVoiceCallAsync();
        var error = await Assert.ThrowsAsync<TelephonyException>(() => DialAsync("5550000"));
        Assert.Equal(TelephonyError.ResourceUnavailable, error.Error);
    }
}

public sealed class PtyModemScenarios : ModemScenarios
{
    internal override IFakeModemLink CreateLink(FakeModem modem) => new PtyModemLink(modem);

    [Fact]
    public void OpenPort_IsInExclusiveMode()
    {
        // root may open an exclusive tty anyway, so ask the driver (TIOCGEXCL) instead of trying.
        Assert.True(Pty.IsExclusive(Link.PortSetting));
    }
}

public sealed class TcpModemScenarios : ModemScenarios
{
    internal override IFakeModemLink CreateLink(FakeModem modem) => new TcpModemLink(modem);
}
