using System.Diagnostics;
using System.Text;

namespace TspHost.Tests;

/// <summary>Runs the real <c>tsphost</c> executable as a child process, bounded in time.</summary>
internal static class TsphostProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "tsphost.dll");
        Assert.True(File.Exists(dll), $"tsphost.dll is not beside the tests ({dll}); build the solution first.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"tsphost {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s. Output so far:\n{output}");
        }

        process.WaitForExit(); // drains the redirected streams
        return new Result(process.ExitCode, output.ToString(), error.ToString());
    }
}
