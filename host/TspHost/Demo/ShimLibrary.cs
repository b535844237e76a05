using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TspHost.Demo;

/// <summary>Where the real-chain demo finds the Native AOT shim, and how it is published.</summary>
internal static class ShimLibrary
{
    public static string FileName { get; } =
        OperatingSystem.IsWindows() ? "tsphost-shim.dll" : OperatingSystem.IsMacOS() ? "tsphost-shim.dylib" : "tsphost-shim.so";

    public static string DefaultRelativePath { get; } = Path.Combine("out", "shim", FileName);

    private static string RuntimeId { get; } =
        $"{(OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux")}-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";

    /// <summary>The command that publishes the shim where <see cref="Find"/> looks, run from the repository root.</summary>
    public static string PublishCommand { get; } = $"dotnet publish host/TspHost.Shim -c Release -r {RuntimeId} -o out/shim";

    /// <summary>The published shim: beside this executable, else under out/shim in the current directory or the repository; null when there is none.</summary>
    public static string? Find()
    {
        string?[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, FileName),
            Path.Combine(Environment.CurrentDirectory, DefaultRelativePath),
            RepositoryRoot() is { } root ? Path.Combine(root, DefaultRelativePath) : null,
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Publishes the shim into out/shim of the repository, showing progress; null (after saying why) when that cannot be done.</summary>
    public static async Task<string?> PublishAsync(TextWriter output, CancellationToken cancellationToken)
    {
        if (RepositoryRoot() is not { } root)
        {
            Console.Error.WriteLine($"tsphost demo: the shim is not published, and its source is not here to publish it. In the repository run: {PublishCommand}");
            return null;
        }

        output.WriteLine($"The shim is not published yet; publishing it with Native AOT (a minute or two the first time):\n  {PublishCommand}");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in PublishCommand.Split(' ').Skip(1).Append("-nologo"))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) output.WriteLine($"  {line.Trim()}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.Error.WriteLine($"  {line.Trim()}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Console.Error.WriteLine("tsphost demo: publishing the shim did not finish within 10 minutes; it was stopped.");
            return null;
        }

        var published = Path.Combine(root, DefaultRelativePath);
        if (process.ExitCode != 0 || !File.Exists(published))
        {
            Console.Error.WriteLine($"tsphost demo: publishing the shim failed (exit code {process.ExitCode}); see the output above.");
            return null;
        }

        output.WriteLine($"Published {published}.");
        return published;
    }

    /// <summary>The repository this executable was built in (the directory holding Plugins.sln), if any.</summary>
    private static string? RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Plugins.sln")) && File.Exists(Path.Combine(directory.FullName, "host", "TspHost.Shim", "TspHost.Shim.csproj")))
                {
                    return directory.FullName;
                }
            }
        }

        return null;
    }
}
