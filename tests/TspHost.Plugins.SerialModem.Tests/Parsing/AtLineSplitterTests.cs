using System.Text;
using TspHost.Plugins.SerialModem.Parsing;

namespace TspHost.Plugins.SerialModem.Tests.Parsing;

public sealed class AtLineSplitterTests
{
    [Theory]
    [InlineData("\r\nOK\r\n", new[] { "OK" })]
    [InlineData("OK\r", new[] { "OK" })]
    [InlineData("OK\n", new[] { "OK" })]
    [InlineData("\n\rOK\n\r", new[] { "OK" })]
    [InlineData("ATE0\r\r\nOK\r\n", new[] { "ATE0", "OK" })] // echo ends with a bare CR
    [InlineData("\r\nRING\r\n\r\nRING\r\n", new[] { "RING", "RING" })] // merged lines
    [InlineData("\r\nMultiTech\r\n\r\nOK\r\n", new[] { "MultiTech", "OK" })]
    [InlineData("\r\n\r\n\r\n", new string[0])] // empty lines are skipped
    [InlineData("  OK  \r\n", new[] { "OK" })]
    [InlineData("\r\nCONNECT 33600/ARQ\r\n", new[] { "CONNECT 33600/ARQ" })]
    [InlineData("\r\nNO CARRIER", new string[0])] // not terminated yet
    public void Feed_SplitsAtAnyRunOfLineEnds(string input, string[] expected)
    {
        var splitter = new AtLineSplitter();
        var lines = new List<string>();
        splitter.Feed(Encoding.ASCII.GetBytes(input), lines);
        Assert.Equal(expected, lines);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, (byte)'O', (byte)'K', 0x0D, 0x0A }, "OK")]
    [InlineData(new byte[] { 0xFF, 0xFE, (byte)'O', (byte)'K', 0x0D }, "OK")] // line noise with the top bit set
    [InlineData(new byte[] { (byte)'O', 0x07, (byte)'K', 0x0A }, "OK")] // BEL in the middle
    [InlineData(new byte[] { 0x11, 0x13, (byte)'R', (byte)'I', (byte)'N', (byte)'G', 0x0D, 0x0A }, "RING")] // XON/XOFF
    [InlineData(new byte[] { (byte)'O', (byte)'K', 0x7F, 0x0D }, "OK")] // DEL
    public void Feed_DropsGarbageBytes(byte[] input, string expected)
    {
        var splitter = new AtLineSplitter();
        var lines = new List<string>();
        splitter.Feed(input, lines);
        Assert.Equal([expected], lines);
    }

    [Fact]
    public void Feed_LineSplitAcrossReads_IsDeliveredOnceComplete()
    {
        var splitter = new AtLineSplitter();
        var lines = new List<string>();
        foreach (var part in new[] { "\r\nNO ", "CARR", "IER\r", "\n\r\nO", "K\r\n" })
        {
            splitter.Feed(Encoding.ASCII.GetBytes(part), lines);
        }

        Assert.Equal(["NO CARRIER", "OK"], lines);
    }

    [Fact]
    public void Feed_PartialLine_IsPendingUntilItEnds()
    {
        var splitter = new AtLineSplitter();
        var lines = new List<string>();
        splitter.Feed("NMBR = 55"u8, lines);
        Assert.Empty(lines);
        Assert.Equal("NMBR = 55", splitter.PendingText);
        splitter.Feed("5\r\n"u8, lines);
        Assert.Equal(["NMBR = 555"], lines);
        Assert.Null(splitter.PendingText);
    }

    [Fact]
    public void Feed_OverlongLine_IsDiscardedWholeAndTheNextLineSurvives()
    {
        var splitter = new AtLineSplitter(maxLineLength: 16);
        var lines = new List<string>();
        splitter.Feed(Encoding.ASCII.GetBytes(new string('x', 40) + "OK\r\nOK\r\n"), lines);
        Assert.Equal(["OK"], lines);
        Assert.Equal(1, splitter.DiscardedLines);
    }

    [Fact]
    public void Reset_ForgetsAPartialLine()
    {
        var splitter = new AtLineSplitter();
        var lines = new List<string>();
        splitter.Feed("NO CAR"u8, lines);
        splitter.Reset();
        splitter.Feed("OK\r\n"u8, lines);
        Assert.Equal(["OK"], lines);
    }
}
