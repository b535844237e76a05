using System.Text.RegularExpressions;
using TspHost.Testing;

namespace TspHost.Tests;

/// <summary>
/// The README's first command: <c>tsphost demo</c> as a real process, in-process mode (the real-chain
/// mode, which needs the published shim, is tested in TspHost.Integration.Tests).
/// </summary>
public sealed partial class DemoProcessTests
{
    [Fact]
    public async Task Demo_RunsTheWholeLifecycle_AndExitsZero()
    {
        var result = await TsphostProcess.RunAsync(TimeSpan.FromSeconds(90), "demo", "--in-process", "--ring-interval", "20");

        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}\n{result.Output}\n{result.Error}");
        var output = result.Output;
        InOrder(output,
            "TSPI_providerInstall",
            "TSPI_lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION",
            "TSPI_providerInit",
            "TSPI_lineOpen",
            "TSPI_lineMakeCall",
            "LINECALLSTATE_CONNECTED",
            "LINE_NEWCALL",
            "LINECALLSTATE_OFFERING",
            "TSPI_lineCompleteTransfer",
            "Someone lifts the handset of phone 0",
            "LINECALLSTATE_DIALTONE",
            "LINEDEVSTATE_REINIT",
            "TSPI_providerShutdown",
            "3 line(s)",
            "LINEERR_INVALCALLHANDLE",
            "TSPI_providerRemove");
        Assert.Matches(@"whole lifecycle in-process; all \d+ asynchronous requests completed exactly once", output);
        Assert.False(output.Contains('\u001b', StringComparison.Ordinal), "colour escapes despite NO_COLOR"); // NO_COLOR is honoured
    }

    [Fact]
    public async Task Demo_TraceShowsTheCompletionBeforeAnyEventOfTheCallItCreated()
    {
        var result = await TsphostProcess.RunAsync(TimeSpan.FromSeconds(90), "demo", "--in-process", "--ring-interval", "20");
        Assert.Equal(0, result.ExitCode);

        var make = MakeCallLine().Match(result.Output);
        Assert.True(make.Success, "no lineMakeCall in the trace");
        var (request, htCall) = (make.Groups["request"].Value, make.Groups["htCall"].Value);
        var completion = result.Output.IndexOf($"request {request}: 0 (success)", StringComparison.Ordinal);
        var firstEvent = result.Output.IndexOf($"[htCall {htCall}]", StringComparison.Ordinal);
        Assert.InRange(completion, 0, firstEvent);
    }

    [Theory]
    [InlineData("--ring-interval must be 10 to 5000 milliseconds, not 1", "--ring-interval", "1")]
    [InlineData("--in-process cannot be combined with --chain or --shim", "--in-process", "--chain")]
    [InlineData("there is no shim library at no-such-directory/tsphost-shim.so. Publish it with: dotnet publish host/TspHost.Shim -c Release -r ",
        "--shim", "no-such-directory/tsphost-shim.so")]
    public async Task Demo_RefusesBadOptions_WithAMessageNamingThem(string message, params string[] options)
    {
        var result = await TsphostProcess.RunAsync(TimeSpan.FromSeconds(60), ["demo", .. options]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public async Task Help_DescribesTheDemo()
    {
        var result = await TsphostProcess.RunAsync(TimeSpan.FromSeconds(60), "demo", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--ring-interval", result.Output);
        Assert.Contains("deferred to the next session", result.Output);
        Assert.Contains("--in-process", result.Output);
        Assert.Contains("--chain", result.Output);
        Assert.Contains("--shim", result.Output);
        Assert.Contains("dotnet publish host/TspHost.Shim", result.Output);
    }

    private static void InOrder(string text, params string[] markers)
    {
        var missing = TraceOrder.FirstOutOfOrder(text, markers);
        Assert.True(missing is null, $"'{missing}' does not follow the earlier steps in the trace:\n{text}");
    }

    [GeneratedRegex(@"TSPI_lineMakeCall\(hdLine=0x[0-9A-F]+, htCall=(?<htCall>0x[0-9A-F]+), ""5550100""\) = (?<request>\d+) \(request ID\)")]
    private static partial Regex MakeCallLine();
}
