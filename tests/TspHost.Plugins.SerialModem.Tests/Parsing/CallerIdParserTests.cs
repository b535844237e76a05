using TspHost.Abstractions;
using TspHost.Plugins.SerialModem.Parsing;

namespace TspHost.Plugins.SerialModem.Tests.Parsing;

public sealed class CallerIdParserTests
{
    [Theory]
    [InlineData("DATE = 0321", nameof(CallerIdField.Date), "0321")]
    [InlineData("TIME = 1405", nameof(CallerIdField.Time), "1405")]
    [InlineData("NMBR = 5551234", nameof(CallerIdField.Number), "5551234")]
    [InlineData("NAME = JOHN DOE", nameof(CallerIdField.Name), "JOHN DOE")]
    [InlineData("NMBR=5551234", nameof(CallerIdField.Number), "5551234")]
    [InlineData("NMBR= 5551234", nameof(CallerIdField.Number), "5551234")]
    [InlineData("NMBR =5551234", nameof(CallerIdField.Number), "5551234")]
    [InlineData("  NMBR   =   5551234  ", nameof(CallerIdField.Number), "5551234")]
    [InlineData("nmbr = 5551234", nameof(CallerIdField.Number), "5551234")]
    [InlineData("DDN_NMBR = 5551234", nameof(CallerIdField.Number), "5551234")]
    [InlineData("MESG = 060342", nameof(CallerIdField.Message), "060342")]
    [InlineData("NMBR = P", nameof(CallerIdField.Number), "P")]
    [InlineData("NMBR = O", nameof(CallerIdField.Number), "O")]
    [InlineData("NAME = O'BRIEN = X", nameof(CallerIdField.Name), "O'BRIEN = X")]
    public void TryParse_Fields(string line, string field, string value)
    {
        Assert.True(CallerIdParser.TryParse(line, out var result));
        Assert.Equal(new CallerIdLine(Enum.Parse<CallerIdField>(field), value), result);
    }

    [Theory]
    [InlineData("OK")]
    [InlineData("RING")]
    [InlineData("=5551234")]
    [InlineData("NUMBER = 5551234")]
    [InlineData("+VCID=1")]
    public void TryParse_OtherLines_AreNotCallerId(string line) => Assert.False(CallerIdParser.TryParse(line, out _));

    [Theory]
    [InlineData(new[] { "DATE = 0321", "TIME = 1405", "NMBR = 5551234", "NAME = JOHN DOE" }, "5551234", "JOHN DOE", PartyAvailability.Available)]
    [InlineData(new[] { "NMBR = 5551234" }, "5551234", null, PartyAvailability.Available)]
    [InlineData(new[] { "NMBR = P", "NAME = P" }, null, null, PartyAvailability.Blocked)]
    [InlineData(new[] { "NMBR = O", "NAME = O" }, null, null, PartyAvailability.OutOfArea)]
    [InlineData(new[] { "NMBR = O", "NAME = ACME" }, null, "ACME", PartyAvailability.OutOfArea)]
    [InlineData(new[] { "NAME = P" }, null, null, PartyAvailability.Blocked)]
    public void ToPartyId_MapsPrivateAndUnavailable(string[] lines, string? number, string? name, PartyAvailability availability)
    {
        var info = new CallerIdInfo();
        foreach (var line in lines)
        {
            Assert.True(CallerIdParser.TryParse(line, out var parsed));
            info.Add(parsed);
        }

        Assert.Equal(new PartyId { Number = number, Name = name, Availability = availability }, info.ToPartyId());
    }
}
