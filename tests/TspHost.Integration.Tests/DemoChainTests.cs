using System.Globalization;
using System.Text.RegularExpressions;
using TspHost.Testing;

namespace TspHost.Integration.Tests;

/// <summary>
/// <c>tsphost demo</c> through the real chain: the demo starts its own <c>tsphost run</c>, loads the
/// Native AOT shim and drives it as TAPI does, with native callbacks.
/// </summary>
public sealed partial class DemoChainTests
{
    [Fact]
    public async Task Demo_ThroughTheRealChain_RunsTheWholeLifecycle_AndStopsItsDaemon()
    {
        var (shim, _) = await NativeArtifacts.GetAsync();

        var output = await Tsphost.FinishAsync(Tsphost.Start("demo", "--shim", shim, "--ring-interval", "20"), TimeSpan.FromSeconds(90));

        InOrder(output,
            "Through the real chain",
            "TSPI_providerInstall(permanentProviderID=1) = 0 (success)",
            "TSPI_lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION",
            "TSPI_providerInit",
            "TSPI_lineGetDevCaps(0) = 0 (success)  'Simulated line 1 (201)'",
            "TSPI_lineOpen",
            "TSPI_lineMakeCall",
            "ASYNC_COMPLETION   request 101: 0 (success)",
            "LINECALLSTATE_CONNECTED",
            "IncomingCalls=",
            "LINE_NEWCALL",
            "LINECALLSTATE_OFFERING",
            "PHONE_STATE        RINGMODE 1",
            "caller 5551234 'Alice'",
            "TSPI_lineCompleteTransfer",
            "Skipped through the real chain",
            "TSPI_providerConfig(Simulated: Lines=3) = 0 (success)",
            "LINEDEVSTATE_REINIT",
            "TSPI_lineGetDevCaps(2) = LINEERR_BADDEVICEID",
            "TSPI_providerShutdown",
            "3 line(s)",
            "LINEERR_INVALCALLHANDLE",
            "TSPI_providerRemove(1) = 0 (success)",
            "through the real chain; all");
        Assert.Matches(@"all \d+ asynchronous requests completed exactly once", output);

        // The demo's daemon was stopped when the demo ended.
        var daemon = int.Parse(DaemonProcess().Match(output).Groups["pid"].Value, CultureInfo.InvariantCulture);
        Assert.False(Directory.Exists($"/proc/{daemon}"), $"the demo's daemon (process {daemon}) is still running");
    }

    private static void InOrder(string text, params string[] markers)
    {
        var missing = TraceOrder.FirstOutOfOrder(text, markers);
        Assert.True(missing is null, $"'{missing}' does not follow the earlier steps in the trace:\n{text}");
    }

    [GeneratedRegex(@"'tsphost run' \(process (?<pid>\d+)\)")]
    private static partial Regex DaemonProcess();
}
