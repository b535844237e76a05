using TspHost.Abstractions;
using TspHost.Plugins.SerialModem.Tests.Fakes;
using TspHost.Testing;

namespace TspHost.Plugins.SerialModem.Tests.Scenarios;

/// <summary>Bring-up against modems that differ from the default fake, on a pty.</summary>
public sealed class BringUpTests
{
    // For the tests that wait for a silent modem's command to time out.
    private static readonly (string, string) s_shortCommandTimeout = ("CommandTimeout", "500");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false, true, "AT#CID=1")]
    [InlineData(false, false, null)]
    public async Task CallerId_FallsBackToHashCid_ThenToNone(bool vcid, bool hashCid, string? lastAccepted)
    {
        var modem = new FakeModem { SupportsVcid = vcid, SupportsHashCid = hashCid };
        await using var link = new PtyModemLink(modem);
        await using var session = await ModemScenarios.StartAsync(link.PortSetting);
        var events = new RecordingLineEvents();
        await session.Lines.Single().OpenAsync(events, Ct);
        Assert.Equal(["AT+VCID=1", "AT#CID=1"], modem.Commands.Where(c => c.Contains("CID", StringComparison.Ordinal)));
        Assert.Empty(events.Events); // in service either way
        Assert.Equal(lastAccepted is null ? 0 : 1, modem.Commands.Count(c => c == lastAccepted));
    }

    [Theory]
    [InlineData("4\r", "4\r")] // ERROR, as a number
    [InlineData("0\r", "0\r")] // OK as a number after ATE0V1: a modem that does not know the command
    [InlineData("3\r", "4\r")] // neither OK nor ERROR: answered with it once its timeout has passed
    public async Task CallerIdCommands_AnsweredWithNumericCodesAfterATE0V1_LeaveCallerIdOff_TheModemInService(string vcid, string hashCid)
    {
        var modem = new FakeModem { Replies = { ["AT+VCID=1"] = vcid, ["AT#CID=1"] = hashCid } };
        await using var link = new PtyModemLink(modem);
        await using var session = await ModemScenarios.StartAsync(link.PortSetting);
        var line = session.Lines.Single();
        var events = new RecordingLineEvents();
        await line.OpenAsync(events, Ct);

        Assert.Equal(["ATZ", "ATE0V1", "ATX4", "ATS0=0", "AT+GMI", "AT+GMM", "AT+VCID=1", "AT#CID=1"], modem.Commands);
        Assert.Empty(events.Events); // in service
        await PlaceACallAsync(line);
        await line.CloseAsync(Ct);
    }

    [Fact]
    public async Task CallerIdCommand_AnsweredWithNothing_LeavesCallerIdOff_TheModemInService()
    {
        var modem = new FakeModem { Replies = { ["AT+VCID=1"] = null } };
        await using var link = new PtyModemLink(modem);
        var log = new RecordingLog();
        await using var session = await ModemScenarios.StartAsync(link.PortSetting, log); // the default 2000 ms to answer
        var line = session.Lines.Single();
        var events = new RecordingLineEvents();
        await line.OpenAsync(events, Ct);

        // After no answer, one AT tells a modem that ignores the command from one that is gone; no
        // other caller ID command is tried, so a late answer cannot be taken for its.
        Assert.Equal(["AT+GMM", "AT+VCID=1", "AT"], modem.Commands.Skip(5));
        Assert.Empty(events.Events);
        Assert.Contains(log.Warnings, w => w.Contains("gave no answer to AT+VCID=1 within 2000 ms", StringComparison.Ordinal));
        Assert.Empty(log.Errors);
        await PlaceACallAsync(line);
        await line.CloseAsync(Ct);
    }

    [Fact]
    public async Task SilentModem_LineOutOfServiceWithAClearError_ThenComesUpWhenTheModemAnswers()
    {
        var modem = new FakeModem { Silent = true };
        await using var link = new PtyModemLink(modem);
        var log = new RecordingLog();
        await using var session = await ModemScenarios.StartAsync(link.PortSetting, log, [s_shortCommandTimeout]);
        var line = session.Lines.Single();
        Assert.StartsWith("Modem on ", line.Capabilities.Name, StringComparison.Ordinal);

        var events = new RecordingLineEvents();
        await line.OpenAsync(events, Ct);
        Assert.Equal(["OutOfService"], events.Events);
        Assert.Contains(log.Errors, e => e.Contains("did not answer ATZ", StringComparison.Ordinal));
        var error = await Assert.ThrowsAsync<TelephonyException>(() => line.MakeCallAsync(new MakeCallRequest { Destination = "5551234" }, new RecordingCallEvents(), Ct).AsTask());
        Assert.Equal(TelephonyError.NoDevice, error.Error);
        Assert.Contains("out of service", error.Message, StringComparison.Ordinal);

        modem.Silent = false;
        await events.WaitForAsync("InService");
        var call = new RecordingCallEvents();
        await line.MakeCallAsync(new MakeCallRequest { Destination = "5551234" }, call, Ct).AsTask().WithTimeout("make call");
        await call.WaitForAsync("Connected");
        await line.CloseAsync(Ct);
    }

    [Fact]
    public async Task ModemInNumericMode_IsBroughtUpToVerboseResults()
    {
        var modem = new FakeModem { StoredVerbose = false }; // ATZ restores ATV0: "0" instead of "OK"
        await using var link = new PtyModemLink(modem);
        await using var session = await ModemScenarios.StartAsync(link.PortSetting, extra: [("Modem1:InitCommands", "ATM0|ATL1")]);
        var line = session.Lines.Single();
        var events = new RecordingLineEvents();
        await line.OpenAsync(events, Ct);
        Assert.Empty(events.Events);
        Assert.Equal("ACME V.92 test modem", line.Capabilities.Name);
        Assert.Equal(["ATZ", "ATE0V1", "ATX4", "ATS0=0", "ATM0", "ATL1"], modem.Commands.Take(6));
        await line.CloseAsync(Ct);
    }

    [Fact]
    public async Task IdleModemThatFallsSilent_IsNoticedByPolling()
    {
        var modem = new FakeModem();
        await using var link = new PtyModemLink(modem);
        await using var session = await ModemScenarios.StartAsync(link.PortSetting, extra: [("PollInterval", "50"), s_shortCommandTimeout]);
        var line = session.Lines.Single();
        var events = new RecordingLineEvents();
        await line.OpenAsync(events, Ct);
        await Eventually.WaitAsync(() => modem.Commands.Count(c => c == "AT") >= 2, "polls");
        modem.Silent = true;
        await events.WaitForAsync("OutOfService");
        modem.Silent = false;
        await events.WaitForAsync("InService");
        await line.CloseAsync(Ct);
    }

    [Fact]
    public async Task TwoModems_AreTwoIndependentLines()
    {
        var first = new FakeModem();
        var second = new FakeModem { Manufacturer = "Other", Model = "56k" };
        await using var firstLink = new PtyModemLink(first);
        await using var secondLink = new PtyModemLink(second);
        await using var session = await ModemScenarios.StartAsync(firstLink.PortSetting, extra: [("Modem2:Port", secondLink.PortSetting)]);

        Assert.Equal([firstLink.PortSetting, secondLink.PortSetting], session.Lines.Select(l => l.Key));
        Assert.Equal(["ACME V.92 test modem", "Other 56k"], session.Lines.Select(l => l.Capabilities.Name));
        var events = new RecordingCallEvents();
        var line = session.Lines[1];
        await line.OpenAsync(new RecordingLineEvents(), Ct);
        await line.MakeCallAsync(new MakeCallRequest { Destination = "5551234" }, events, Ct).AsTask().WithTimeout("make call on line 2");
        await events.WaitForAsync("Connected");
        Assert.Contains("ATD5551234;", second.Commands);
        Assert.DoesNotContain("ATD5551234;", first.Commands);
        await line.CloseAsync(Ct);
    }

    private static async Task PlaceACallAsync(ILineDevice line)
    {
        var call = new RecordingCallEvents();
        await line.MakeCallAsync(new MakeCallRequest { Destination = "5551234" }, call, Ct).AsTask().WithTimeout("make call");
        await call.WaitForAsync("Connected");
        Assert.Equal(["Dialing", "Proceeding", "Connected"], call.Events);
    }

    [Fact]
    public async Task ClosedLine_ReportsNoRings()
    {
        var modem = new FakeModem();
        await using var link = new PtyModemLink(modem);
        await using var session = await ModemScenarios.StartAsync(link.PortSetting);
        var line = session.Lines.Single();
        var events = new RecordingLineEvents();
        await line.OpenAsync(events, Ct);
        await line.CloseAsync(Ct);
        modem.Ring("NMBR = 5551234");
        await ModemScenarios.RoundTripAsync(line);
        Assert.Empty(events.Events);
    }
}
