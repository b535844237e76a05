namespace TspHost.Integration.Tests;

/// <summary>
/// The shim's TAPI structures and TSPI signatures (read from the tsphost-shim assembly) against
/// the Windows tapi.h and tspi.h that mingw-w64 ships, compiled by its gcc for x86_64 Windows, and against
/// tests/tapisim/tapisim.h, which tapisim and the benchmark drive the shim with. Every structure's
/// size, every field's offset and size, the handle and DWORD sizes, and every export's and callback's
/// prototype; a difference names the structure and field with both values.
/// </summary>
public sealed class TapiLayoutTests
{
    private static readonly TapiLayout.Header s_windows = new(
        "Windows' tapi.h/tspi.h (x86_64-w64-mingw32-gcc)",
        "x86_64-w64-mingw32-gcc",
        "gcc-mingw-w64-x86-64",
        ["-std=c11", "-Werror=incompatible-pointer-types"],
        "#include <windows.h>\n#include <tapi.h>\n#include <tspi.h>",
        ExportType: "__typeof__(name)",
        ExportPointer: "(&name)");

    private static readonly TapiLayout.Header s_tapisim = new(
        "tests/tapisim/tapisim.h (gcc)",
        "gcc",
        "gcc",
        ["-std=c11", "-Werror=incompatible-pointer-types", "-I", Path.Combine(NativeArtifacts.RepositoryRoot, "tests", "tapisim")],
        "#include \"tapisim.h\"",
        ExportType: "name##_fn",
        ExportPointer: "((name##_fn *)0)");

    [Fact]
    public async Task ShimStructuresAndSignatures_MatchWindowsTapiAndTspiHeaders()
    {
        var checks = TapiLayout.FromShim();

        AssertCoversTheShim(checks);
        var report = await TapiLayout.CheckAsync(s_windows, checks, "windows");
        Assert.True(report is null, report);
    }

    [Fact]
    public async Task TapisimHeader_MatchesTheShim()
    {
        var report = await TapiLayout.CheckAsync(s_tapisim, TapiLayout.FromShim(), "tapisim");

        Assert.True(report is null, report);
    }

    /// <summary>The check itself: one wrong offset and one wrong parameter must fail it, named, with both values.</summary>
    [Fact]
    public async Task AWrongOffsetOrParameter_FailsTheCheck_NamingBothSides()
    {
        var checks = TapiLayout.FromShim();
        var offset = checks.Values.Single(v => v.What == "LINECALLINFO.dwLineDeviceID offset");
        var lineOpen = checks.Signatures.Single(s => s.Name == "TSPI_lineOpen");
        var wrong = new TapiLayout.Checks(
            [.. checks.Values.Select(v => v == offset ? v with { Shim = v.Shim + 4 } : v)],
            [.. checks.Signatures.Select(s => s == lineOpen ? s with { Parameters = ["DWORD_PTR", .. s.Parameters.Skip(1)] } : s)]);

        var report = await TapiLayout.CheckAsync(s_windows, wrong, "windows-control");

        Assert.NotNull(report);
        Assert.Contains($"LINECALLINFO.dwLineDeviceID offset: {offset.Shim + 4} in the shim (LineCallInfo.LineDeviceId), {offset.Shim} in the header", report, StringComparison.Ordinal);
        Assert.Contains("1 values differ", report, StringComparison.Ordinal);
        Assert.Contains("TSPI_lineOpen: the shim exports LONG (DWORD_PTR, HTAPILINE", report, StringComparison.Ordinal);
    }

    private static void AssertCoversTheShim(TapiLayout.Checks checks)
    {
        foreach (var structure in new[] { "LINEDIALPARAMS", "SYSTEMTIME", "LINEDEVCAPS", "LINEADDRESSCAPS", "LINECALLINFO", "LINECALLSTATUS", "PHONECAPS" })
        {
            Assert.Contains(checks.Values, v => v.What == $"sizeof({structure})");
        }

        foreach (var type in new[] { "DWORD", "DWORD_PTR", "HDRVLINE", "HDRVCALL", "HDRVPHONE", "HTAPILINE", "HTAPICALL", "HTAPIPHONE", "HPROVIDER", "WCHAR" })
        {
            Assert.Contains(checks.Values, v => v.What == $"sizeof({type})");
        }

        Assert.Contains(checks.Values, v => v.What == "LINECALLINFO.hLine size");
        Assert.Contains(checks.Values, v => v.What == "LINECALLSTATUS.tStateEntryTime offset");
        Assert.Equal(36, checks.Signatures.Count(s => !s.IsCallback));
        Assert.Equal(["ASYNC_COMPLETION", "LINEEVENT", "PHONEEVENT"], checks.Signatures.Where(s => s.IsCallback).Select(s => s.Name).Order(StringComparer.Ordinal));
    }
}
