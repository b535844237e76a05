namespace TspHost.Tests;

/// <summary>
/// ./install.sh turns the checkout into an installed tsphost: on PATH, with its plugins and the shim
/// beside it, working from any directory. Slow (three publishes and a Native AOT one): one test, run
/// alone so its builds do not load the machine under the other tests of the project.
/// </summary>
[Collection(nameof(InstalledTsphostTests))]
public sealed class InstalledTsphostTests
{
    [Fact]
    public async Task InstallScript_PutsTsphostOnPath_WhereHelpAndTheRealChainDemoRunOutsideTheCheckout()
    {
        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("tsphost-install-").FullName;
        try
        {
            var prefix = Path.Combine(work, "prefix");
            var environment = new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = Path.Combine(work, "config") }; // the unit goes here, not into ~/.config
            var install = await TsphostProcess.RunProgramAsync("bash", [Path.Combine(root, "install.sh"), "--prefix", prefix], TimeSpan.FromMinutes(15), root, environment);
            Assert.True(install.ExitCode == 0, $"install.sh failed:\n{install.Output}\n{install.Error}");
            Assert.True(File.Exists(Path.Combine(prefix, "lib", "tsphost", "tsphost-shim.so")), "the shim is not beside the installed tsphost");
            Assert.True(File.Exists(Path.Combine(prefix, "lib", "tsphost", "plugins", "Simulated", "Simulated.dll")), "the Simulated plugin is not in plugins/ beside the installed tsphost");
            Assert.Contains("Type=notify", File.ReadAllText(Path.Combine(work, "config", "systemd", "user", "tsphost.service")), StringComparison.Ordinal);

            // From PATH (env looks tsphost up in the PATH it is given), in a directory that is not the checkout.
            var onPath = new Dictionary<string, string> { ["PATH"] = $"{Path.Combine(prefix, "bin")}:{Environment.GetEnvironmentVariable("PATH")}" };
            var help = await TsphostProcess.RunProgramAsync("env", ["tsphost", "--help"], TimeSpan.FromMinutes(1), work, onPath);
            Assert.True(help.ExitCode == 0, help.Error);
            Assert.Contains("demo", help.Output, StringComparison.Ordinal);
            var demo = await TsphostProcess.RunProgramAsync("env", ["tsphost", "demo"], TimeSpan.FromMinutes(3), work, onPath);
            Assert.True(demo.ExitCode == 0, $"tsphost demo failed:\n{demo.Output}\n{demo.Error}");
            Assert.Contains("ran the whole lifecycle through the real chain", demo.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "install.sh")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No install.sh above {AppContext.BaseDirectory}.");
    }
}

/// <summary>The install test's collection: never in parallel with the others.</summary>
[CollectionDefinition(nameof(InstalledTsphostTests), DisableParallelization = true)]
public sealed class InstalledTsphostCollection;
