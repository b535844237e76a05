using System.Diagnostics;
using System.Text;

namespace TspHost.Integration.Tests;

/// <summary>Runs one tapisim scenario against a host: the C program loads the shim and drives TSPI sessions.</summary>
public static class TapiSim
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Runs <paramref name="scenario"/> against the host on <paramref name="socketPath"/> and returns its output; fails the
    /// test (with the output) unless it exits 0 after "PASS scenario". <paramref name="onReady"/> is called for each
    /// "READY: ..." line; tapisim goes on when it returns. With <paramref name="asUser"/>, tapisim runs under that uid (through setpriv).
    /// <paramref name="environment"/> adds variables to tapisim's environment.
    /// </summary>
    public static async Task<string> RunAsync(string scenario, string socketPath, Func<string, Task>? onReady = null, uint? asUser = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var (shim, tapisim) = await NativeArtifacts.GetAsync();
        var start = new ProcessStartInfo(asUser is null ? tapisim : "setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (asUser is { } uid)
        {
            foreach (var argument in new[] { $"--reuid={uid}", $"--regid={uid}", "--clear-groups", tapisim })
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add(shim);
        start.ArgumentList.Add(scenario);
        start.Environment["TSPHOST_SOCKET"] = socketPath;
        start.Environment["TSPHOST_PROVIDER_CONFIG"] = "Simulated:Lines=3";
        start.Environment["TSPHOST_SHIM_LOG"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                output.AppendLine(line);
                if (line.StartsWith("READY:", StringComparison.Ordinal))
                {
                    if (onReady is not null)
                    {
                        await onReady(line).WaitAsync(timeout.Token);
                    }

                    await process.StandardInput.WriteLineAsync("go");
                    await process.StandardInput.FlushAsync(timeout.Token);
                }
            }

            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            Assert.Fail($"tapisim {scenario} did not finish within {s_timeout}:\n{output}\n{await stderr}");
        }

        var text = output.ToString();
        Assert.True(process.ExitCode == 0 && text.Contains($"PASS {scenario}", StringComparison.Ordinal),
            $"tapisim {scenario} exited with {process.ExitCode}:\n{text}\nshim log:\n{await stderr}");
        return text;
    }
}
