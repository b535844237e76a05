using System.Diagnostics;
using System.Text.Json;

namespace TspHost.Plugins.Tests;

/// <summary>
/// <c>tsphost install / config / remove</c> as separate processes over one state file and plugins
/// directory: every command is a host start, so these also prove R11-R13 across restarts.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private static readonly TimeSpan s_processTimeout = TimeSpan.FromSeconds(60);
    private readonly PluginFolders _folders = new();
    private readonly string _plugins;
    private readonly string _state;

    public CommandLineTests()
    {
        _plugins = Path.Combine(_folders.Directory, "plugins");
        _state = Path.Combine(_folders.Directory, "state", "provider-state.json");
        _folders.Add("HotPlug", into: _plugins);
        _folders.Add("ThrowingInstall", into: _plugins);
    }

    [Fact, Trait("Rule", "R11"), Trait("Rule", "R12")]
    public async Task InstallConfigRemove_ChangeThePersistedState_OneProcessAfterAnother()
    {
        var install = await TsphostAsync("install", "--provider-id", "5");
        Assert.Equal(0, install.ExitCode);
        Assert.Contains("Installed provider 5 with HotPlug.", install.Output);
        Assert.Contains("install hook of plugin 'ThrowingInstall' failed", install.Output);

        var bad = await TsphostAsync("config", "HotPlug", "Lines=lots");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("Plugins:HotPlug:Lines = 'lots' is not valid; expected a whole number from 0 to 8", bad.Error);

        Assert.Equal(0, (await TsphostAsync("config", "HotPlug", "Lines=3", "Phones=0")).ExitCode);
        Assert.Contains("Lines=3", (await TsphostAsync("config", "HotPlug")).Output);
        Assert.Equal("3", State().GetProperty("Plugins")[0].GetProperty("Settings").GetProperty("Lines").GetString());

        Assert.Equal(1, (await TsphostAsync("install")).ExitCode); // R11: installed already
        Assert.Equal(0, (await TsphostAsync("remove", "HotPlug")).ExitCode);
        Assert.Equal(0, State().GetProperty("Plugins").GetArrayLength());
        Assert.Equal(0, (await TsphostAsync("remove")).ExitCode);
        Assert.False(State().GetProperty("Installed").GetBoolean());
        var again = await TsphostAsync("remove");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("not installed", again.Error);
    }

    [Fact]
    public async Task InstallAFolder_CopiesItIntoThePluginsDirectory_AndInstallsIt()
    {
        var outside = _folders.Add("DependencyV2", into: Path.Combine(_folders.Directory, "download"));
        Assert.Equal(0, (await TsphostAsync("install", "HotPlug")).ExitCode);

        var result = await TsphostAsync("install", outside);

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(_plugins, "DependencyV2", "DependencyV2.dll")));
        Assert.Equal(["HotPlug", "DependencyV2"], State().GetProperty("Plugins").EnumerateArray().Select(p => p.GetProperty("Name").GetString()));
    }

    [Fact]
    public async Task CorruptStateFile_IsReportedClearly_WhenThereIsNoGoodCopy()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_state)!);
        File.WriteAllText(_state, "{ \"Installed\": tr");

        var result = await TsphostAsync("remove");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{_state}: the provider state is corrupt at line 1", result.Error);
    }

    [Fact]
    public async Task Command_WhileAnotherProcessHoldsTheState_IsRefusedAndChangesNothing()
    {
        Assert.Equal(0, (await TsphostAsync("install", "HotPlug")).ExitCode);
        var before = File.ReadAllText(_state);
        using var holder = Core.Configuration.ProviderStateLock.Acquire(_state); // as a running 'tsphost run' does

        var result = await TsphostAsync("config", "HotPlug", "Lines=3");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{_state} is in use by another tsphost process", result.Error);
        Assert.Equal(before, File.ReadAllText(_state));
    }

    [Fact]
    public void StateLock_IsExclusive_AndFreedOnDispose()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_state)!);
        var first = Core.Configuration.ProviderStateLock.Acquire(_state);

        Assert.Throws<Core.Configuration.ProviderStateInUseException>(() => Core.Configuration.ProviderStateLock.Acquire(_state));
        first.Dispose();
        Core.Configuration.ProviderStateLock.Acquire(_state).Dispose();
    }

    public void Dispose() => _folders.Dispose();

    private JsonElement State() => JsonDocument.Parse(File.ReadAllText(_state)).RootElement;

    private async Task<(int ExitCode, string Output, string Error)> TsphostAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _folders.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[PluginFolders.TsphostPath, "--plugins-dir", _plugins, "--state-file", _state, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(s_processTimeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"tsphost {string.Join(' ', arguments)} did not exit within {s_processTimeout.TotalSeconds:0} s.");
        }

        return (process.ExitCode, await output + await error, await error);
    }
}
