using System.Reflection;
using TspHost.Abstractions;

namespace TspHost.Conformance;

// Install, configure, remove and settings validation (R11, R12).
public abstract partial class BackendConformanceTests
{
    /// <summary>The backend has a name for logs.</summary>
    [Fact]
    public void Name_IsNotEmpty() => Assert.False(string.IsNullOrWhiteSpace(Backend.Name), "ITelephonyBackend.Name is empty.");

    /// <summary>
    /// The plugin assembly names its backend with <see cref="TelephonyBackendAttribute"/>: a public, concrete
    /// type with a public parameterless constructor, built against a contract version this one accepts.
    /// </summary>
    [Fact]
    public void PluginAssembly_DeclaresItsBackendType()
    {
        var type = Backend.GetType();
        var attribute = type.Assembly.GetCustomAttribute<TelephonyBackendAttribute>();
        Assert.True(attribute is not null, $"{type.Assembly.GetName().Name} has no [assembly: TelephonyBackend(typeof(...))].");
        Assert.Equal(type, attribute.BackendType);
        Assert.True(type.IsPublic && !type.IsAbstract, $"{type} must be public and concrete.");
        Assert.True(type.GetConstructor(Type.EmptyTypes) is not null, $"{type} has no public parameterless constructor.");
        var version = Version.Parse(attribute.ContractVersion);
        Assert.Equal(PluginContract.Major, version.Major);
        Assert.True(version.Minor <= PluginContract.Minor, $"Built against contract {attribute.ContractVersion}, newer than {PluginContract.Version}.");
    }

    /// <summary>R11: the hooks run, in their order, with valid settings.</summary>
    [Fact]
    public async Task InstallConfigureRemove_WithValidSettings_Complete()
    {
        var context = new BackendHookContext { Settings = Settings, Log = Log, Time = Time };
        await WithinAsync(Backend.InstallAsync(context, TestToken), "InstallAsync");
        await WithinAsync(Backend.ConfigureAsync(context, TestToken), "ConfigureAsync");
        await WithinAsync(Backend.ConfigureAsync(context, TestToken), "ConfigureAsync a second time");
        await WithinAsync(Backend.RemoveAsync(context, TestToken), "RemoveAsync");
    }

    /// <summary>The suite's own settings are valid.</summary>
    [Fact]
    public void ValidateSettings_WithTheSuiteSettings_Accepts() => Backend.ValidateSettings(Settings);

    /// <summary>A bad value is refused with a <see cref="BackendConfigurationException"/> that names its key.</summary>
    [Fact]
    public void ValidateSettings_WithGarbage_ThrowsNamingTheKey()
    {
        var cases = InvalidSettings.ToList();
        Assert.SkipWhen(cases.Count == 0, "The backend lists no InvalidSettings.");
        foreach (var (key, value) in cases)
        {
            var settings = Settings.With([new KeyValuePair<string, string?>(key, value)]);
            var error = Assert.Throws<BackendConfigurationException>(() => Backend.ValidateSettings(settings));
            Assert.True(error.Key.EndsWith(key, StringComparison.OrdinalIgnoreCase), $"{key} = '{value}' was refused, but the error names '{error.Key}': {error.Message}");
            Assert.Contains(key, error.Message, StringComparison.OrdinalIgnoreCase);
        }
    }
}
