using TspHost.Plugins.SerialModem.Parsing;

namespace TspHost.Plugins.SerialModem.Tests.Parsing;

public sealed class AtResultParserTests
{
    [Theory]
    [InlineData("OK", nameof(AtResultCode.Ok), null)]
    [InlineData("ok", nameof(AtResultCode.Ok), null)]
    [InlineData("CONNECT", nameof(AtResultCode.Connect), null)]
    [InlineData("CONNECT 33600", nameof(AtResultCode.Connect), "33600")]
    [InlineData("CONNECT 115200/V42BIS", nameof(AtResultCode.Connect), "115200/V42BIS")]
    [InlineData("RING", nameof(AtResultCode.Ring), null)]
    [InlineData("NO CARRIER", nameof(AtResultCode.NoCarrier), null)]
    [InlineData("ERROR", nameof(AtResultCode.Error), null)]
    [InlineData("NO DIALTONE", nameof(AtResultCode.NoDialTone), null)]
    [InlineData("NO DIAL TONE", nameof(AtResultCode.NoDialTone), null)]
    [InlineData("BUSY", nameof(AtResultCode.Busy), null)]
    [InlineData("NO ANSWER", nameof(AtResultCode.NoAnswer), null)]
    [InlineData("+CME ERROR: 30", nameof(AtResultCode.CmeError), "30")]
    [InlineData("+CME ERROR: no network service", nameof(AtResultCode.CmeError), "no network service")]
    [InlineData("+CMS ERROR: 500", nameof(AtResultCode.CmeError), "500")]
    [InlineData("MultiTech Systems", nameof(AtResultCode.Text), null)]
    [InlineData("OKAY", nameof(AtResultCode.Text), null)]
    [InlineData("CONNECTED", nameof(AtResultCode.Text), null)]
    [InlineData("5", nameof(AtResultCode.Text), null)] // CONNECT 1200 and the longer codes count only under ATV0
    [InlineData("10", nameof(AtResultCode.Text), null)]
    [InlineData("00", nameof(AtResultCode.Text), null)]
    [InlineData("056", nameof(AtResultCode.Text), null)] // an S-register's value
    [InlineData("NMBR = 5551234", nameof(AtResultCode.Text), null)]
    public void Parse_VerboseForms(string line, string code, string? detail)
    {
        var result = AtResultParser.Parse(line);
        Assert.Equal(Enum.Parse<AtResultCode>(code), result.Code);
        Assert.Equal(detail, result.Detail);
    }

    [Theory]
    [InlineData("0", nameof(AtResultCode.Ok))]
    [InlineData("1", nameof(AtResultCode.Connect))]
    [InlineData("2", nameof(AtResultCode.Ring))]
    [InlineData("3", nameof(AtResultCode.NoCarrier))]
    [InlineData("4", nameof(AtResultCode.Error))]
    [InlineData("6", nameof(AtResultCode.NoDialTone))]
    [InlineData("7", nameof(AtResultCode.Busy))]
    [InlineData("8", nameof(AtResultCode.NoAnswer))]
    [InlineData(" 3 ", nameof(AtResultCode.NoCarrier))]
    public void Parse_SingleDigitResultCodes_AreUnderstoodWhateverTheFormatSet(string line, string code)
    {
        foreach (var numericResults in new[] { false, true })
        {
            var result = AtResultParser.Parse(line, numericResults);
            Assert.Equal(Enum.Parse<AtResultCode>(code), result.Code);
            Assert.True(result.IsNumeric);
        }
    }

    [Theory]
    [InlineData("5", nameof(AtResultCode.Connect))] // CONNECT 1200
    [InlineData("10", nameof(AtResultCode.Connect))] // CONNECT 2400
    [InlineData("OK", nameof(AtResultCode.Ok))] // verbose still understood
    [InlineData("1234", nameof(AtResultCode.Text))]
    public void Parse_NumericForms_UnderV0(string line, string code) =>
        Assert.Equal(Enum.Parse<AtResultCode>(code), AtResultParser.Parse(line, numericResults: true).Code);

    [Fact]
    public void Parse_CmeError_CarriesTheNumber() =>
        Assert.Equal(30, AtResultParser.Parse("+CME ERROR: 30").ErrorNumber);

    // Kind "-": no command in flight.
    [Theory]
    [InlineData("OK", "Basic", nameof(AtLineRole.Final))]
    [InlineData("OK", "-", nameof(AtLineRole.Unsolicited))]
    [InlineData("0", "Basic", nameof(AtLineRole.Final))]
    [InlineData("ERROR", "Basic", nameof(AtLineRole.Final))]
    [InlineData("ERROR", "Call", nameof(AtLineRole.Final))]
    [InlineData("+CME ERROR: 10", "Basic", nameof(AtLineRole.Final))]
    [InlineData("CONNECT 9600", "Call", nameof(AtLineRole.Final))]
    [InlineData("NO DIALTONE", "Call", nameof(AtLineRole.Final))]
    [InlineData("NO ANSWER", "Call", nameof(AtLineRole.Final))]
    [InlineData("RING", "Basic", nameof(AtLineRole.Unsolicited))] // RING never ends a command
    [InlineData("RING", "Call", nameof(AtLineRole.Unsolicited))]
    [InlineData("2", "Call", nameof(AtLineRole.Unsolicited))]
    [InlineData("RING", "-", nameof(AtLineRole.Unsolicited))]
    [InlineData("NO CARRIER", "Call", nameof(AtLineRole.Final))] // the answer to ATD
    [InlineData("NO CARRIER", "Basic", nameof(AtLineRole.CallProgress))] // ATH's NO CARRIER, then its OK
    [InlineData("3", "Basic", nameof(AtLineRole.CallProgress))]
    [InlineData("NO CARRIER", "-", nameof(AtLineRole.Unsolicited))] // the far end hung up
    [InlineData("BUSY", "Call", nameof(AtLineRole.Final))]
    [InlineData("BUSY", "Basic", nameof(AtLineRole.CallProgress))]
    [InlineData("BUSY", "-", nameof(AtLineRole.Unsolicited))]
    [InlineData("CONNECT", "Basic", nameof(AtLineRole.CallProgress))]
    [InlineData("U.S. Robotics", "Basic", nameof(AtLineRole.Information))]
    [InlineData("U.S. Robotics", "Call", nameof(AtLineRole.Information))]
    [InlineData("U.S. Robotics", "-", nameof(AtLineRole.Unsolicited))]
    public void Classify_DependsOnWhichCommandIsInFlight(string line, string kind, string role) =>
        Assert.Equal(
            Enum.Parse<AtLineRole>(role),
            AtResultParser.Classify(AtResultParser.Parse(line), kind == "-" ? null : Enum.Parse<AtCommandKind>(kind)));

    [Theory]
    [InlineData("ATD5551234;", nameof(AtCommandKind.Call))]
    [InlineData("atdt5551234", nameof(AtCommandKind.Call))]
    [InlineData("ATD;", nameof(AtCommandKind.Call))]
    [InlineData("ATA", nameof(AtCommandKind.Call))]
    [InlineData("ATO", nameof(AtCommandKind.Call))]
    [InlineData("+++", nameof(AtCommandKind.Call))]
    [InlineData("ATH", nameof(AtCommandKind.Basic))]
    [InlineData("ATZ", nameof(AtCommandKind.Basic))]
    [InlineData("AT", nameof(AtCommandKind.Basic))]
    [InlineData("ATE0V1", nameof(AtCommandKind.Basic))]
    [InlineData("AT+VCID=1", nameof(AtCommandKind.Basic))]
    [InlineData("AT&D2", nameof(AtCommandKind.Basic))]
    public void KindOf_CommandsThatPlaceOrAnswerCalls(string command, string kind) =>
        Assert.Equal(Enum.Parse<AtCommandKind>(kind), AtResultParser.KindOf(command));
}
