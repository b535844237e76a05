using TspHost.Core.Lifecycle;
using TspHost.Core.Versions;

namespace TspHost.Core.Tests.Fakes;

/// <summary>The steps TAPI takes to install a provider and start a session, asserting each succeeds (shared by the test projects).</summary>
public static class SessionSteps
{
    public static async Task InstallAsync(ProviderEngine engine, uint providerId)
    {
        var result = await engine.ProviderInstallAsync(providerId);
        Assert.True(result.Succeeded, result.Message);
    }

    /// <summary>providerEnumDevices then providerInit with every device numbered from the bases; returns the TAPI that records the session.</summary>
    public static async Task<RecordingTapi> InitAsync(ProviderEngine engine, uint providerId, uint lineBase, uint phoneBase)
    {
        var tapi = new RecordingTapi();
        var (enumResult, lines, phones) = await engine.ProviderEnumDevicesAsync(providerId);
        Assert.Equal(0, enumResult);
        var init = await engine.ProviderInitAsync(TspiVersion.V3_0, providerId, lineBase, phoneBase, lines, phones, tapi);
        Assert.True(init.Succeeded, init.Message);
        return tapi;
    }
}
