using TspHost.Core.Configuration;
using TspHost.Core.Tapi;
using TspHost.Core.Versions;

namespace TspHost.Plugins.Tests;

/// <summary>tsphost.json, TSPHOST_ variables and switches: each plugin's section, read at init (R2), checked before any session starts on it.</summary>
/// <remarks>
/// One test sets a TSPHOST_ variable in this process's environment, which every other test reading the
/// configuration (or starting a tsphost process) would see: these tests run alone.
/// </remarks>
[Collection(nameof(ProcessEnvironment))]
public sealed class HostConfigurationTests : IDisposable
{
    private readonly PluginFolders _files = new();

    [Theory, Trait("Rule", "R2")]
    [InlineData("""{ "Plugins": { "HotPlug": { "Lines": "many" } } }""", "Plugins:HotPlug:Lines = 'many' is not valid; expected a whole number from 0 to 8")]
    [InlineData("""{ "Plugins": { "HotPlug": { "RequireDevicePath": true } } }""", "Plugins:HotPlug:DevicePath is missing; expected the path of the device")]
    [InlineData("""{ "Plugins": { "Nope": { "Lines": 1 } } }""", "the section Plugins:Nope names no available plugin; expected a section named after a plugin folder (HotPlug)")]
    public async Task R2_BadConfiguration_IsReportedWithFileKeyAndExpectedForm_AndNoSessionStarts(string json, string expected)
    {
        var file = WriteConfiguration(json);
        await using var host = new PluginHost(HostConfiguration.Load(file), "HotPlug");
        await host.InstallAsync();

        var (enumResult, _, _) = await host.Engine.ProviderEnumDevicesAsync(PluginHost.ProviderId);
        var init = await host.Engine.ProviderInitAsync(TspiVersion.V3_0, PluginHost.ProviderId, PluginHost.LineBase, PluginHost.PhoneBase, 1, 1, host.Tapi);

        Assert.Equal(LineErr.OperationFailed, enumResult);
        Assert.Equal(LineErr.OperationFailed, init.Result);
        Assert.Contains($"{file}: {expected}", init.Message);
        Assert.Null(host.Engine.Session);
        Assert.Empty(host.Tapi.Records);
    }

    [Fact, Trait("Rule", "R2")]
    public async Task R2_FileEditedDuringASession_TakesEffectAtTheNextOne()
    {
        var file = WriteConfiguration("""{ "Plugins": { "HotPlug": { "Lines": 1 } } }""");
        await using var host = new PluginHost(HostConfiguration.Load(file), "HotPlug");
        await host.InstallAsync();
        await host.InitAsync();

        WriteConfiguration("""{ "Plugins": { "HotPlug": { "Lines": 3 } } }""");

        Assert.Single(host.Lines);
        await host.ShutdownAsync();
        await host.InitAsync();
        Assert.Equal(3, host.Lines.Count);
    }

    [Fact]
    public async Task Precedence_FileThenEnvironmentThenSwitches_ThenTheProviderStateOnTop()
    {
        var file = WriteConfiguration("""{ "Plugins": { "HotPlug": { "Lines": 1, "Phones": 1 } } }""");
        var configuration = HostConfiguration.Load(file, ["--Plugins:HotPlug:Lines=4"]);
        await using var host = new PluginHost(configuration, "HotPlug");
        await host.InstallAsync();
        Assert.Equal("command-line switch --Plugins:HotPlug:Lines", configuration.SourceOf("Plugins:HotPlug:Lines"));
        Assert.Equal(file, configuration.SourceOf("Plugins:HotPlug:Phones"));

        await host.InitAsync();
        Assert.Equal(4, host.Lines.Count);
        await host.ShutdownAsync();
        Assert.True((await host.Engine.ProviderConfigAsync("HotPlug", new Dictionary<string, string?> { ["Lines"] = "2" })).Succeeded);
        await host.InitAsync();
        Assert.Equal(2, host.Lines.Count);
    }

    [Fact]
    public async Task Hooks_SeeThePluginsConfigurationSection()
    {
        var file = WriteConfiguration("""{ "Plugins": { "ThrowingInstall": { "Reason": "set in tsphost.json" } } }""");
        await using var host = new PluginHost(HostConfiguration.Load(file), "ThrowingInstall");
        await host.InstallAsync(); // the failing plugin is skipped

        var install = await host.Engine.InstallPluginAsync("ThrowingInstall");

        Assert.Contains("fails on purpose: set in tsphost.json", install.Message);
    }

    [Fact]
    public void EnvironmentVariables_WithTheTsphostPrefix_AreConfiguration_AndNamedInErrors()
    {
        const string variable = "TSPHOST_HotPlug__QuietPeriodMilliseconds";
        Environment.SetEnvironmentVariable(variable, "soon");
        try
        {
            var configuration = HostConfiguration.Load(WriteConfiguration("{}"));

            var e = Assert.Throws<HostConfigurationException>(configuration.ReadHostOptions);

            Assert.Equal($"environment variable {variable}: HotPlug:QuietPeriodMilliseconds = 'soon' is not valid; expected a whole number of milliseconds from 10 to 60000.", e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void HostOptions_AreReadWithDefaults()
    {
        var options = HostConfiguration.Load(WriteConfiguration("""{ "PluginsDirectory": "p", "HotPlug": { "QuietPeriodMilliseconds": 50 } }""")).ReadHostOptions();

        Assert.Equal("p", options.PluginsDirectory);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.HotPlugQuietPeriod);
        Assert.Equal(new HostOptions().OperationTimeout, options.OperationTimeout);
        Assert.Equal(TimeSpan.FromMicroseconds(20), options.RequestPoll);
    }

    [Fact]
    public void RequestPoll_IsReadInMicroseconds_ZeroTurnsItOff_AndAnOutOfRangeValueIsNamed()
    {
        Assert.Equal(TimeSpan.Zero, HostConfiguration.Load(WriteConfiguration("""{ "Ipc": { "PollMicroseconds": 0 } }""")).ReadHostOptions().RequestPoll);
        Assert.Equal(TimeSpan.FromMicroseconds(150), HostConfiguration.Load(WriteConfiguration("""{ "Ipc": { "PollMicroseconds": 150 } }""")).ReadHostOptions().RequestPoll);

        var file = WriteConfiguration("""{ "Ipc": { "PollMicroseconds": -5 } }""");
        var e = Assert.Throws<HostConfigurationException>(HostConfiguration.Load(file).ReadHostOptions);

        Assert.Equal($"{file}: Ipc:PollMicroseconds = '-5' is not valid; expected a whole number of microseconds from 0 to 10000.", e.Message);
    }

    [Fact]
    public void FrontDoorAndShutdownKeys_AreRead_AndAnOutOfRangeValueIsNamedWithItsRange()
    {
        var options = HostConfiguration.Load(WriteConfiguration("""
            { "Ipc": { "MaxClients": 10, "MaxMonitors": 3, "HandshakeTimeoutMilliseconds": 750, "OutputLimitKilobytes": 64 },
              "Engine": { "ShutdownTimeoutMilliseconds": 9000 } }
            """)).ReadHostOptions();

        Assert.Equal(10, options.MaxClients);
        Assert.Equal(3, options.MaxMonitors);
        Assert.Equal(TimeSpan.FromMilliseconds(750), options.HandshakeTimeout);
        Assert.Equal(64 * 1024, options.OutputLimitBytes);
        Assert.Equal(TimeSpan.FromSeconds(9), options.ShutdownTimeout);

        var file = WriteConfiguration("""{ "Ipc": { "MaxClients": 0 } }""");
        Assert.Equal($"{file}: Ipc:MaxClients = '0' is not valid; expected a whole number of connections from 1 to 100000.",
            Assert.Throws<HostConfigurationException>(HostConfiguration.Load(file).ReadHostOptions).Message);
        file = WriteConfiguration("""{ "Engine": { "ShutdownTimeoutMilliseconds": 30000 } }""");
        Assert.Equal($"{file}: Engine:ShutdownTimeoutMilliseconds = '30000' is not valid; expected a whole number of milliseconds from 100 to 25000.",
            Assert.Throws<HostConfigurationException>(HostConfiguration.Load(file).ReadHostOptions).Message);
    }

    [Theory]
    [InlineData(null, "cannot be read")]
    [InlineData("{ \"Plugins\": ", "cannot be read")]
    public void MissingOrMalformedFile_IsReportedWithItsPath(string? json, string expected)
    {
        var file = json is null ? Path.Combine(_files.Directory, "absent.json") : WriteConfiguration(json);

        var e = Assert.Throws<HostConfigurationException>(() => HostConfiguration.Load(file));

        Assert.StartsWith($"{file}: the configuration {expected}", e.Message);
    }

    public void Dispose() => _files.Dispose();

    private string WriteConfiguration(string json)
    {
        var file = Path.Combine(_files.Directory, "tsphost.json");
        File.WriteAllText(file, json);
        return file;
    }
}

/// <summary>Tests that change the process's environment variables: run with no other test at the same time.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;
