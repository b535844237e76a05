using System.Diagnostics;
using System.Text;

namespace TspHost.Tests;

/// <summary>Runs the real <c>tsphost</c> executable as a child process, bounded in time.</summary>
internal static class TsphostProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Task<Result> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "tsphost.dll");
        Assert.True(File.Exists(dll), $"tsphost.dll is not beside the tests ({dll}); build the solution first.");
        return RunProgramAsync("dotnet", [dll, .. arguments], timeout);
    }

    /// <summary>Runs <paramref name="file"/> to its end within <paramref name="timeout"/> (the test fails if it does not end), with NO_COLOR and <paramref name="environment"/> set.</summary>
    public static async Task<Result> RunProgramAsync(string file, IEnumerable<string> arguments, TimeSpan timeout,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        start.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

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
            Assert.Fail($"{file} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s. Output so far:\n{output}\n{error}");
        }

        process.WaitForExit(); // drains the redirected streams
        return new Result(process.ExitCode, output.ToString(), error.ToString());
    }
}
