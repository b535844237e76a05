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
    [InlineData("0", nameof(AtResultCode.Text), null)] // numeric forms count only under ATV0
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
    [InlineData("5", nameof(AtResultCode.Connect))] // CONNECT 1200
    [InlineData("10", nameof(AtResultCode.Connect))] // CONNECT 2400
    [InlineData("OK", nameof(AtResultCode.Ok))] // verbose still understood
    [InlineData("1234", nameof(AtResultCode.Text))]
    public void Parse_NumericForms_UnderV0(string line, string code) =>
        Assert.Equal(Enum.Parse<AtResultCode>(code), AtResultParser.Parse(line, numericResults: true).Code);

    [Fact]
    public void Parse_CmeError_CarriesTheNumber() =>
        Assert.Equal(30, AtResultParser.Parse("+CME ERROR: 30").ErrorNumber);

    [Theory]
    [InlineData("OK", true, nameof(AtLineRole.Final))]
    [InlineData("OK", false, nameof(AtLineRole.Unsolicited))]
    [InlineData("ERROR", true, nameof(AtLineRole.Final))]
    [InlineData("+CME ERROR: 10", true, nameof(AtLineRole.Final))]
    [InlineData("CONNECT 9600", true, nameof(AtLineRole.Final))]
    [InlineData("NO DIALTONE", true, nameof(AtLineRole.Final))]
    [InlineData("NO ANSWER", true, nameof(AtLineRole.Final))]
    [InlineData("RING", true, nameof(AtLineRole.Unsolicited))] // RING never ends a command
    [InlineData("RING", false, nameof(AtLineRole.Unsolicited))]
    [InlineData("NO CARRIER", true, nameof(AtLineRole.Final))] // the answer to ATD
    [InlineData("NO CARRIER", false, nameof(AtLineRole.Unsolicited))] // the far end hung up
    [InlineData("BUSY", true, nameof(AtLineRole.Final))]
    [InlineData("BUSY", false, nameof(AtLineRole.Unsolicited))]
    [InlineData("U.S. Robotics", true, nameof(AtLineRole.Information))]
    [InlineData("U.S. Robotics", false, nameof(AtLineRole.Unsolicited))]
    public void Classify_DependsOnWhetherACommandIsInFlight(string line, bool inFlight, string role) =>
        Assert.Equal(Enum.Parse<AtLineRole>(role), AtResultParser.Classify(AtResultParser.Parse(line), inFlight));
}
