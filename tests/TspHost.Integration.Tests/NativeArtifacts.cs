using System.Diagnostics;

namespace TspHost.Integration.Tests;

/// <summary>
/// The native pieces, built once per test run: the shim published with Native AOT (a shared
/// library) and tapisim compiled with gcc. Both land under <c>artifacts/native</c> in the repository.
/// </summary>
public static class NativeArtifacts
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static (string Shim, string TapiSim)? s_built;

    public static string RepositoryRoot { get; } = FindRoot();

    public static async Task<(string Shim, string TapiSim)> GetAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            return s_built ??= await BuildAsync();
        }
        finally
        {
            s_gate.Release();
        }
    }

    private static async Task<(string, string)> BuildAsync()
    {
        var output = Path.Combine(RepositoryRoot, "artifacts", "native");
        var shimDirectory = Path.Combine(output, "shim");
        await RunAsync("dotnet", ["publish", Path.Combine(RepositoryRoot, "host", "TspHost.Shim", "TspHost.Shim.csproj"),
            "-c", "Release", "-r", "linux-x64", "-o", shimDirectory, "-nologo", "-v:q", "-p:DebugType=none", "-p:StripSymbols=true"], TimeSpan.FromMinutes(4));
        var shim = Path.Combine(shimDirectory, "tsphost-shim.so");
        var tapisim = Path.Combine(output, "tapisim");
        var source = Path.Combine(RepositoryRoot, "tests", "tapisim", "tapisim.c");
        await RunAsync("gcc", ["-std=c11", "-O1", "-Wall", "-Wextra", "-Werror", "-pthread", "-o", tapisim, source, "-ldl"], TimeSpan.FromMinutes(1));
        return (shim, tapisim);
    }

    /// <summary>Runs a program to its end within <paramref name="timeout"/>; returns its output, or throws with it when it fails.</summary>
    internal static async Task<string> RunAsync(string file, string[] arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }

        return await stdout + await stderr;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Plugins.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Plugins.sln above {AppContext.BaseDirectory}.");
    }
}
