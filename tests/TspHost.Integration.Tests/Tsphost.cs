using System.Diagnostics;

namespace TspHost.Integration.Tests;

/// <summary>Runs the <c>tsphost</c> command line as a process (for the monitor commands).</summary>
public static class Tsphost
{
    private static readonly string s_dll = typeof(TspHost.Ipc.IpcServer).Assembly.Location;

    public static Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(s_dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    /// <summary>Waits (bounded) for the process to end; returns its output, failing the test on a non-zero exit.</summary>
    public static async Task<string> FinishAsync(Process process, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(limit);
            }
            catch (TimeoutException)
            {
                process.Kill();
                Assert.Fail($"tsphost did not finish within {limit.TotalSeconds:0} s:\n{await stdout}\n{await stderr}");
            }

            Assert.True(process.ExitCode == 0, $"tsphost exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
            return await stdout;
        }
    }

    public static Task<string> RunAsync(params string[] arguments) => FinishAsync(Start(arguments));
}
