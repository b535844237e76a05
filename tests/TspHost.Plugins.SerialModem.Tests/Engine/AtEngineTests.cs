using TspHost.Plugins.SerialModem.Engine;
using TspHost.Plugins.SerialModem.Parsing;
using TspHost.Plugins.SerialModem.Tests.Fakes;
using TspHost.Plugins.SerialModem.Transport;
using TspHost.Testing;

namespace TspHost.Plugins.SerialModem.Tests.Engine;

public sealed class AtEngineTests : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(2);
    private readonly ManualTimeProvider _time = new();
    private readonly ScriptedTransport _transport = new();
    private readonly List<AtResult> _unsolicited = [];
    private readonly AtEngine _engine;

    public AtEngineTests() => _engine = new AtEngine(_transport, _time, NullLog.Instance, r =>
    {
        lock (_unsolicited)
        {
            _unsolicited.Add(r);
        }
    });

    public async ValueTask InitializeAsync() => await _engine.OpenAsync(CancellationToken.None);

    public async ValueTask DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Send_CollectsInformationLinesUntilTheFinalResult()
    {
        var answer = _engine.SendAsync("AT+GMI", s_timeout, CancellationToken.None);
        Assert.Equal("AT+GMI\r", _transport.Written);
        _transport.Receive("\r\nACME Modems\r\n\r\nOK\r\n");
        var response = await answer.WithTimeout("AT+GMI");
        Assert.True(response.IsOk);
        Assert.Equal(["ACME Modems"], response.Lines);
    }

    [Fact]
    public async Task Send_WithEchoOn_SkipsTheEcho()
    {
        var answer = _engine.SendAsync("AT+GMM", s_timeout, CancellationToken.None);
        _transport.Receive("AT+GMM\r\r\nV.92 Model\r\n\r\nOK\r\n");
        var response = await answer.WithTimeout("AT+GMM");
        Assert.Equal(["V.92 Model"], response.Lines);
    }

    [Fact]
    public async Task Send_ResultSplitAcrossReads_CompletesOnceTheLineEnds()
    {
        var answer = _engine.SendAsync("ATH", s_timeout, CancellationToken.None);
        _transport.Receive("\r\nO");
        Assert.False(answer.IsCompleted);
        _transport.Receive("K\r\n");
        Assert.True((await answer.WithTimeout("ATH")).IsOk);
    }

    [Theory]
    [InlineData("ERROR", nameof(AtResultCode.Error))]
    [InlineData("+CME ERROR: 3", nameof(AtResultCode.CmeError))]
    [InlineData("NO CARRIER", nameof(AtResultCode.NoCarrier))]
    [InlineData("BUSY", nameof(AtResultCode.Busy))]
    public async Task Send_FailureResults_AreFinal(string line, string code)
    {
        var answer = _engine.SendAsync("ATD5551234;", s_timeout, CancellationToken.None);
        _transport.Receive($"\r\n{line}\r\n");
        Assert.Equal(Enum.Parse<AtResultCode>(code), (await answer.WithTimeout(line)).Final.Code);
    }

    [Fact]
    public async Task Send_NumericResultsUnderV0_AreFinalWhenEnabled()
    {
        _engine.NumericResults = true;
        var answer = _engine.SendAsync("ATZ", s_timeout, CancellationToken.None);
        _transport.Receive("0\r");
        Assert.True((await answer.WithTimeout("ATZ")).IsOk);
    }

    [Theory]
    [InlineData("ATD5551234;", "7", nameof(AtResultCode.Busy))]
    [InlineData("ATD5551234", "1", nameof(AtResultCode.Connect))]
    [InlineData("ATA", "3", nameof(AtResultCode.NoCarrier))]
    [InlineData("AT+GMI", "4", nameof(AtResultCode.Error))]
    [InlineData("ATS0=0", "0", nameof(AtResultCode.Ok))]
    public async Task Send_NumericResultAfterVerboseWasSet_IsStillUnderstood(string command, string line, string code)
    {
        Assert.False(_engine.NumericResults);
        var answer = _engine.SendAsync(command, s_timeout, CancellationToken.None);
        _transport.Receive($"{line}\r");
        Assert.True(answer.IsCompletedSuccessfully, $"'{line}' did not answer {command}");
        Assert.Equal(Enum.Parse<AtResultCode>(code), (await answer).Final.Code);
    }

    [Theory]
    [InlineData("2", nameof(AtResultCode.Ring))]
    [InlineData("3", nameof(AtResultCode.NoCarrier))]
    public void NumericResultWithNoCommandInFlight_IsUnsolicited(string line, string code)
    {
        _transport.Receive($"{line}\r");
        Assert.Equal([Enum.Parse<AtResultCode>(code)], _unsolicited.Select(r => r.Code));
    }

    [Theory]
    [InlineData("\r\nNO CARRIER\r\n", "\r\nOK\r\n")]
    [InlineData("3\r", "0\r")]
    public async Task HangUp_AnsweredNoCarrierThenOk_TheOkEndsTheHangUp_NotTheNextCommand(string noCarrier, string ok)
    {
        var hangUp = _engine.SendAsync("ATH", s_timeout, CancellationToken.None);
        _transport.Receive(noCarrier);
        Assert.False(hangUp.IsCompleted, "NO CARRIER ended ATH: the OK after it would answer the next command");
        Assert.Equal([AtResultCode.NoCarrier], _unsolicited.Select(r => r.Code)); // the call it ended is told
        _transport.Receive(ok);
        Assert.True((await hangUp.WithTimeout("ATH")).IsOk);

        var next = _engine.SendAsync("AT+GMI", s_timeout, CancellationToken.None);
        await Eventually.WaitAsync(() => _transport.Written.EndsWith("AT+GMI\r", StringComparison.Ordinal), "AT+GMI written");
        Assert.False(next.IsCompleted);
        _transport.Receive("\r\nACME\r\n\r\nOK\r\n");
        Assert.Equal(["ACME"], (await next.WithTimeout("AT+GMI")).Lines);
    }

    [Fact]
    public async Task HangUp_AnsweredOnlyNoCarrier_IsAnsweredWithItAtItsTimeout_NotTakenForASilentModem()
    {
        var hangUp = _engine.SendAsync("ATH", s_timeout, CancellationToken.None);
        await Eventually.WaitAsync(() => _time.ArmedTimers > 0, "the timeout armed");
        _transport.Receive("\r\nNO CARRIER\r\n");
        _time.Advance(s_timeout);
        var response = await hangUp.WithTimeout("ATH");
        Assert.Equal(AtResultCode.NoCarrier, response.Final.Code);
    }

    [Theory]
    [InlineData("ATD5551234;")]
    [InlineData("ATA")]
    [InlineData("+++")]
    public async Task CallProgressResults_EndTheCommandsThatMakeOrAnswerCalls(string command)
    {
        var answer = command == "+++"
            ? _engine.EscapeToCommandModeAsync(TimeSpan.Zero, s_timeout, CancellationToken.None)
            : _engine.SendAsync(command, s_timeout, CancellationToken.None);
        _transport.Receive("\r\nNO CARRIER\r\n");
        Assert.True(answer.IsCompletedSuccessfully, $"NO CARRIER did not answer {command}");
        Assert.Equal(AtResultCode.NoCarrier, (await answer).Final.Code);
        Assert.Empty(_unsolicited);
    }

    [Fact]
    public async Task Send_RingDuringACommand_GoesToTheUnsolicitedHandler()
    {
        var answer = _engine.SendAsync("AT", s_timeout, CancellationToken.None);
        _transport.Receive("\r\nRING\r\n");
        Assert.False(answer.IsCompleted);
        _transport.Receive("\r\nOK\r\n");
        await answer.WithTimeout("AT");
        Assert.Equal([AtResultCode.Ring], _unsolicited.Select(r => r.Code));
    }

    [Fact]
    public void ResultsWithNoCommandInFlight_AreUnsolicited()
    {
        _transport.Receive("\r\nRING\r\n\r\nNMBR = 5551234\r\n\r\nNO CARRIER\r\n\r\nOK\r\n");
        Assert.Equal([AtResultCode.Ring, AtResultCode.Text, AtResultCode.NoCarrier, AtResultCode.Ok], _unsolicited.Select(r => r.Code));
    }

    [Fact]
    public async Task Commands_AreWrittenOneAtATime()
    {
        var first = _engine.SendAsync("ATE0", s_timeout, CancellationToken.None);
        var second = _engine.SendAsync("ATV1", s_timeout, CancellationToken.None);
        Assert.Equal("ATE0\r", _transport.Written);
        _transport.Receive("\r\nOK\r\n");
        await first.WithTimeout("ATE0");
        await Eventually.WaitAsync(() => _transport.Written == "ATE0\rATV1\r", "the second command written");
        _transport.Receive("\r\nOK\r\n");
        Assert.True((await second.WithTimeout("ATV1")).IsOk);
    }

    [Fact]
    public async Task Send_NoAnswerWithinTheTimeout_FailsWithAtTimeout()
    {
        var answer = _engine.SendAsync("ATZ", s_timeout, CancellationToken.None);
        await Eventually.WaitAsync(() => _time.ArmedTimers > 0, "the timeout armed");
        _time.Advance(s_timeout);
        var error = await Assert.ThrowsAsync<AtTimeoutException>(() => answer.WaitAsync(Eventually.DefaultTimeout, TestContext.Current.CancellationToken));
        Assert.Equal("ATZ", error.Command);

        // A late answer is not taken for the next command's.
        _transport.Receive("\r\nOK\r\n");
        var next = _engine.SendAsync("AT", s_timeout, CancellationToken.None);
        Assert.False(next.IsCompleted);
        _transport.Receive("\r\nERROR\r\n");
        Assert.Equal(AtResultCode.Error, (await next.WithTimeout("AT")).Final.Code);
    }

    [Fact]
    public async Task Send_Cancelled_FailsWithCancellation()
    {
        using var cts = new CancellationTokenSource();
        var answer = _engine.SendAsync("ATA", s_timeout, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answer.WithTimeout("ATA"));
    }

    [Fact]
    public async Task Dispose_FailsEverythingPending()
    {
        var first = _engine.SendAsync("ATD5551234", s_timeout, CancellationToken.None);
        var queued = _engine.SendAsync("ATH", s_timeout, CancellationToken.None);
        await _engine.DisposeAsync();
        await Assert.ThrowsAsync<ModemUnavailableException>(() => first.WithTimeout("first"));
        await Assert.ThrowsAsync<ModemUnavailableException>(() => queued.WithTimeout("queued"));
        await Assert.ThrowsAsync<ModemUnavailableException>(() => _engine.SendAsync("AT", s_timeout, CancellationToken.None).WithTimeout("after"));
        Assert.True(_transport.Disposed);
    }

    [Fact]
    public async Task TransportFault_FailsPendingAndIsReportedOnce()
    {
        var faults = 0;
        _engine.Faulted += _ => Interlocked.Increment(ref faults);
        var answer = _engine.SendAsync("AT", s_timeout, CancellationToken.None);
        _transport.Fail("unplugged");
        _transport.Fail("unplugged again");
        await Assert.ThrowsAsync<ModemUnavailableException>(() => answer.WithTimeout("AT"));
        Assert.Equal(1, faults);
    }

    [Fact]
    public async Task Escape_WaitsTheGuardTimeBeforeAndAfterThePlusSigns()
    {
        var guard = TimeSpan.FromMilliseconds(500);
        var answer = _engine.EscapeToCommandModeAsync(guard, s_timeout, CancellationToken.None);
        await Eventually.WaitAsync(() => _time.ArmedTimers > 0, "the guard time armed");
        Assert.Equal("", _transport.Written);
        _time.Advance(guard);
        await Eventually.WaitAsync(() => _transport.Written == "+++", "+++ written without CR");
        _transport.Receive("\r\nOK\r\n");
        Assert.True((await answer.WithTimeout("+++")).IsOk);
    }

    [Fact]
    public async Task Start_OnFinalRunsBeforeTheResponseCompletes()
    {
        var seen = new List<string>();
        var exchange = _engine.Start("ATD5551234;", s_timeout, CancellationToken.None, r => seen.Add(r.Final.Line));
        await exchange.Sent.WaitAsync(s_timeout, TestContext.Current.CancellationToken);
        _transport.Receive("\r\nOK\r\n");
        await exchange.Response.WithTimeout("ATD");
        Assert.Equal(["OK"], seen);
    }
}
