using System.Diagnostics;

namespace TspHost.Abstractions.Tests;

/// <summary>
/// The contract's public API files are enforced by the build: a copy of the contract's sources with
/// one member removed and one changed, built with the repository's build settings, fails naming both.
/// </summary>
public sealed class PublicApiEnforcementTests
{
    [Fact]
    public async Task ContractBuild_WithAMemberRemovedAndOneChanged_FailsNamingBoth()
    {
        var root = FindRoot();
        var copy = Directory.CreateTempSubdirectory("tsphost-public-api-").FullName;
        try
        {
            foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", ".editorconfig" })
            {
                File.Copy(Path.Combine(root, file), Path.Combine(copy, file));
            }

            var project = Path.Combine(copy, "abstractions", "TspHost.Abstractions");
            Directory.CreateDirectory(project);
            foreach (var file in Directory.GetFiles(Path.Combine(root, "abstractions", "TspHost.Abstractions")))
            {
                File.Copy(file, Path.Combine(project, Path.GetFileName(file)));
            }

            // Removed: contract 1.0's deconstruction of PartyId. Changed: a default argument of IBackendLog.Log.
            Edit(Path.Combine(project, "Devices.cs"), "    /// <summary>Contract 1.0's deconstruction, kept for plugins built against it.</summary>\n    [EditorBrowsable(EditorBrowsableState.Never)]\n    public void Deconstruct(out string? Number, out string? Name, out PartyAvailability Availability) =>\n        (Number, Name, Availability) = (this.Number, this.Name, this.Availability);\n", "");
            Edit(Path.Combine(project, "ITelephonyBackend.cs"), "void Log(BackendLogLevel level, string message, Exception? exception = null);", "void Log(BackendLogLevel level, string message, Exception? exception);");

            var (exitCode, output) = await BuildAsync(project);

            Assert.True(exitCode != 0, $"the build succeeded:\n{output}");
            var removed = output.Split('\n').Where(l => l.Contains("error RS0017", StringComparison.Ordinal)).ToList();
            Assert.True(removed.Any(l => l.Contains("TspHost.Abstractions.PartyId.Deconstruct(", StringComparison.Ordinal))
                && removed.Any(l => l.Contains("TspHost.Abstractions.IBackendLog.Log(", StringComparison.Ordinal)),
                $"the build did not fail with RS0017 for both members:\n{output}");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static void Edit(string path, string from, string to)
    {
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(text.Contains(from, StringComparison.Ordinal), $"{Path.GetFileName(path)} no longer contains the text this test edits: {from}");
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    private static async Task<(int ExitCode, string Output)> BuildAsync(string project)
    {
        var start = new ProcessStartInfo("dotnet", ["build", project, "-nologo", "-v:q", "-clp:NoSummary"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the build of the edited copy did not finish within 5 minutes");
        }

        return (process.ExitCode, await stdout + await stderr);
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
