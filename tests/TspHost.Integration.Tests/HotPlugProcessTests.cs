using TspHost.Core.Tapi;
using TspHost.Plugins.Tests;
using TspHost.Protocol;
using TspHost.Protocol.Messages;

namespace TspHost.Integration.Tests;

/// <summary>Hot plug through a real <c>tsphost run</c>: a plugin folder dropped into and taken out of its plugins directory during a session.</summary>
public sealed class HotPlugProcessTests
{
    private const nint HProvider = 0x5150;

    [Fact]
    public async Task DroppedFolder_IsAnnouncedWithLineCreate_RemovedFolderWithLineRemove_SimulatedIdsNeverShift()
    {
        using var folders = new PluginFolders();
        folders.Add("Simulated", from: PluginFolders.BuiltPluginsDirectory);
        await using var host = await HostProcess.StartAsync(pluginsDirectory: folders.Directory);
        using var provider = new ProviderClient(host.Connect(ClientRole.Provider));
        var (lines, phones) = DaemonTests.StartSession(provider, HProvider);
        Assert.True(lines > 0, $"the Simulated plugin has no line:\n{host.Output}");
        var simulated = Enumerable.Range(0, (int)lines).Select(id => DevCaps(provider, (uint)id)).ToList();
        Assert.All(simulated, caps => Assert.Equal(0, caps.Result));

        // An atomic drop: copied under a dot-name the watcher ignores, then renamed.
        var staged = Path.Combine(folders.Directory, ".HotPlug");
        var folder = Path.Combine(folders.Directory, "HotPlug");
        PluginFolders.CopyTree(Path.Combine(PluginFolders.FixturesDirectory, "HotPlug"), staged);
        Directory.Move(staged, folder);

        var lineCreate = await LineEventAsync(provider, host, LineMessage.Create, hProvider: HProvider);
        var phoneCreate = await PhoneEventAsync(provider, host, PhoneMessage.Create, hProvider: HProvider);
        var lineId = lines;
        var phoneId = phones;
        Assert.Equal(0, provider.Call<ProviderCreateLineDeviceRequest, ResultReply>(new() { TempId = lineCreate.TempId, DeviceId = lineId }).Result);
        Assert.Equal(0, provider.Call<ProviderCreatePhoneDeviceRequest, ResultReply>(new() { TempId = phoneCreate.TempId, DeviceId = phoneId }).Result);
        var created = DevCaps(provider, lineId);
        Assert.Equal(0, created.Result);
        Assert.Equal("HotPlug line", created.Name);
        Assert.DoesNotContain(created.PermanentLineId, simulated.Select(caps => caps.PermanentLineId));

        Directory.Delete(folder, recursive: true);

        await LineEventAsync(provider, host, LineMessage.Remove, deviceId: lineId);
        await PhoneEventAsync(provider, host, PhoneMessage.Remove, deviceId: phoneId);
        Assert.NotEqual(0, DevCaps(provider, lineId).Result);
        Assert.Equal(simulated, Enumerable.Range(0, (int)lines).Select(id => DevCaps(provider, (uint)id)));
        Assert.False(host.HasExited, $"tsphost exited:\n{host.Output}");
    }

    internal sealed record Caps(int Result, uint PermanentLineId, string? Name);

    /// <summary>A LINE_CREATE or PHONE_CREATE: its temporary ID.</summary>
    private sealed record Announced(uint TempId);

    internal static Caps DevCaps(ProviderClient provider, uint deviceId)
    {
        var reply = provider.Call<LineGetDevCapsRequest, LineGetDevCapsReply>(new() { DeviceId = deviceId, TspiVersion = DaemonTests.V3_1, ExtVersion = 0 });
        return reply.Result != 0 ? new Caps(reply.Result, 0, null) : new Caps(reply.Result, reply.PermanentLineId, reply.LineName);
    }

    /// <summary>
    /// Waits for a LINE_* push: a LINE_CREATE for <paramref name="hProvider"/> (param1; param2 is the
    /// temporary ID), or a LINE_REMOVE of <paramref name="deviceId"/> (param1).
    /// </summary>
    private static async Task<Announced> LineEventAsync(ProviderClient provider, HostProcess host, LineMessage message, nint hProvider = 0, uint? deviceId = null) =>
        new((uint)(await TapiPushes.LineAsync(provider, host, message, e => e.P1 == (deviceId is { } id ? (nint)id : hProvider))).P2);

    /// <summary>The same for PHONE_CREATE / PHONE_REMOVE.</summary>
    private static async Task<Announced> PhoneEventAsync(ProviderClient provider, HostProcess host, PhoneMessage message, nint hProvider = 0, uint? deviceId = null) =>
        new((uint)(await TapiPushes.PhoneAsync(provider, host, message, e => e.P1 == (deviceId is { } id ? (nint)id : hProvider))).P2);
}
