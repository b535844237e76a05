using TspHost.Abstractions;
using TspHost.Core.Tapi;
using TspHost.Core.Tests.Fakes;
using TspHost.Core.Versions;

namespace TspHost.Core.Tests;

public sealed class VersionRuleTests
{
    private static FakeBackend WithRanges(VersionRange interfaceRange, VersionRange? extensions) => new()
    {
        LineCaps = new() { Name = "L", Features = LineFeatures.All, InterfaceVersions = interfaceRange, ExtensionVersions = extensions },
        PhoneCaps = new() { Name = "P", InterfaceVersions = new(new(2, 0), new(2, 2)), ExtensionVersions = extensions },
    };

    [Fact, Trait("Rule", "R4")]
    public async Task R4_DeviceNegotiation_AnswersHighestVersionBothSupport_PerDevice()
    {
        await using var h = new EngineHarness(WithRanges(new(new(2, 0), new(3, 0)), null));
        await h.StartAsync();

        Assert.Equal(0, h.Engine.LineNegotiateTspiVersion(EngineHarness.LineBase, TspiVersion.V1_4, TspiVersion.V3_1, out var line));
        Assert.Equal(TspiVersion.V3_0, line);
        Assert.Equal(0, h.Engine.PhoneNegotiateTspiVersion(EngineHarness.PhoneBase, TspiVersion.V1_4, TspiVersion.V3_1, out var phone));
        Assert.Equal(TspiVersion.V2_2, phone);
        Assert.Equal(LineErr.IncompatibleApiVersion, h.Engine.LineNegotiateTspiVersion(EngineHarness.LineBase, TspiVersion.V3_1, TspiVersion.V3_1, out _));
        Assert.Equal(LineErr.BadDeviceId, h.Engine.LineNegotiateTspiVersion(EngineHarness.LineBase + 99, TspiVersion.V1_4, TspiVersion.V3_1, out _));
    }

    [Fact, Trait("Rule", "R4")]
    public async Task R4_NegotiatingOnlyStatesWillingness_TheVersionIsCommittedAtOpenUntilClose()
    {
        await using var h = new EngineHarness(WithRanges(new(new(2, 0), new(3, 0)), null));
        await h.StartAsync();
        Assert.Equal(0, h.Engine.LineNegotiateTspiVersion(EngineHarness.LineBase, TspiVersion.V1_4, TspiVersion.V3_1, out _));

        // Open commits a different version than the one negotiated: allowed, negotiation committed nothing.
        var (result, hdLine) = await h.Engine.LineOpenAsync(EngineHarness.LineBase, 0x51, TspiVersion.V2_2);
        Assert.Equal(0, result);
        Assert.Equal(TspiVersion.V2_2, h.Engine.Session!.LineEntries[0].Open!.Version);
        // A version outside the device's range cannot be committed.
        Assert.Equal(LineErr.IncompatibleApiVersion, (await h.Engine.LineOpenAsync(EngineHarness.LineBase + 1, 0x52, TspiVersion.V3_1)).Result);

        await h.Engine.LineCloseAsync(hdLine);
        Assert.Null(h.Engine.Session!.LineEntries[0].Open);
        var (again, _) = await h.Engine.LineOpenAsync(EngineHarness.LineBase, 0x53, TspiVersion.V3_0);
        Assert.Equal(0, again);
        Assert.Equal(TspiVersion.V3_0, h.Engine.Session!.LineEntries[0].Open!.Version);
    }

    [Fact, Trait("Rule", "R5")]
    public async Task R5_ExtensionNegotiation_AnswersOneVersionInsideTheRange_OrIncompatible()
    {
        await using var h = new EngineHarness(WithRanges(VersionRange.DefaultInterface, new(new(1, 0), new(1, 5))));
        await h.StartAsync();

        Assert.Equal(0, h.Engine.LineNegotiateExtVersion(EngineHarness.LineBase, TspiVersion.V3_0, 0x00010002, 0x00020000, out var ext));
        Assert.Equal(0x00010005u, ext);
        Assert.Equal(0, h.Engine.LineNegotiateExtVersion(EngineHarness.LineBase, TspiVersion.V3_0, 0x00000001, 0x00010003, out ext));
        Assert.Equal(0x00010003u, ext);
        Assert.Equal(LineErr.IncompatibleExtVersion, h.Engine.LineNegotiateExtVersion(EngineHarness.LineBase, TspiVersion.V3_0, 0x00020000, 0x00030000, out ext));
        Assert.Equal(0u, ext);
    }

    [Fact, Trait("Rule", "R5")]
    public async Task R5_Selecting_CommitsTheVersion_UntilZeroCancelsIt()
    {
        await using var h = new EngineHarness(WithRanges(VersionRange.DefaultInterface, new(new(1, 0), new(1, 5))));
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();

        Assert.Equal(0, h.Engine.LineSelectExtVersion(hdLine, 0x00010002));
        // While selected, negotiation yields only the selected version...
        Assert.Equal(0, h.Engine.LineNegotiateExtVersion(EngineHarness.LineBase, TspiVersion.V3_0, 0x00010000, 0x00010005, out var ext));
        Assert.Equal(0x00010002u, ext);
        // ...and anything that excludes it is incompatible, as is selecting another version.
        Assert.Equal(LineErr.IncompatibleExtVersion, h.Engine.LineNegotiateExtVersion(EngineHarness.LineBase, TspiVersion.V3_0, 0x00010003, 0x00010005, out _));
        Assert.Equal(LineErr.IncompatibleExtVersion, h.Engine.LineSelectExtVersion(hdLine, 0x00010004));
        Assert.Equal(0, h.Engine.LineSelectExtVersion(hdLine, 0x00010002)); // the same one again is fine

        Assert.Equal(0, h.Engine.LineSelectExtVersion(hdLine, 0)); // cancel
        Assert.Equal(0, h.Engine.LineNegotiateExtVersion(EngineHarness.LineBase, TspiVersion.V3_0, 0x00010003, 0x00010005, out ext));
        Assert.Equal(0x00010005u, ext);
        Assert.Equal(0, h.Engine.LineSelectExtVersion(hdLine, 0x00010004));
    }

    [Fact, Trait("Rule", "R5")]
    public async Task R5_ExtensionsAreOffByDefault_AndUnavailableOnDevicesWithoutThem()
    {
        await using var h = new EngineHarness(WithRanges(VersionRange.DefaultInterface, null));
        await h.StartAsync();
        var (hdLine, _) = await h.OpenLineAsync();

        Assert.Equal(0, h.Engine.LineGetDevCaps(EngineHarness.LineBase, TspiVersion.V3_0, 0, out var caps));
        Assert.Equal(0u, caps!.ExtVersionHigh);
        Assert.Equal(LineErr.OperationUnavail, h.Engine.LineNegotiateExtVersion(EngineHarness.LineBase, TspiVersion.V3_0, 0x00010000, 0x00010005, out _));
        Assert.Equal(LineErr.OperationUnavail, h.Engine.LineSelectExtVersion(hdLine, 0x00010000));
        Assert.Equal(0, h.Engine.LineSelectExtVersion(hdLine, 0));
        Assert.Equal(LineErr.IncompatibleExtVersion, h.Engine.LineGetDevCaps(EngineHarness.LineBase, TspiVersion.V3_0, 0x00010000, out _));
    }

    [Fact, Trait("Rule", "R5")]
    public async Task R5_PhoneExtensionVersions_FollowTheSameRules()
    {
        await using var h = new EngineHarness(WithRanges(VersionRange.DefaultInterface, new(new(1, 0), new(1, 5))));
        await h.StartAsync();
        var (hdPhone, _) = await h.OpenPhoneAsync(version: TspiVersion.V2_2);

        Assert.Equal(0, h.Engine.PhoneSelectExtVersion(hdPhone, 0x00010001));
        Assert.Equal(PhoneErr.IncompatibleExtVersion, h.Engine.PhoneNegotiateExtVersion(EngineHarness.PhoneBase, TspiVersion.V2_2, 0x00010002, 0x00010005, out _));
        Assert.Equal(PhoneErr.IncompatibleExtVersion, h.Engine.PhoneSelectExtVersion(hdPhone, 0x00010003));
        Assert.Equal(0, h.Engine.PhoneSelectExtVersion(hdPhone, 0));
        Assert.Equal(0, h.Engine.PhoneSelectExtVersion(hdPhone, 0x00010003));
    }

    [Theory]
    [InlineData(0x00020000u, 0x00030001u, 0x00030001u)]
    [InlineData(0x00010000u, 0x00020000u, 0x00020000u)]
    [InlineData(0x00020001u, 0x00020001u, 0x00020001u)]
    [InlineData(0x00030002u, 0x00040000u, 0u)]
    [InlineData(0x00030000u, 0x00020000u, 0u)]
    public void HighestCommon_TakesTheTopOfTheOverlap(uint low, uint high, uint expected)
    {
        var common = TspiVersion.HighestCommon(TspiVersion.HostRange, low, high);
        Assert.Equal(expected, common is { } v ? TspiVersion.ToDword(v) : 0u);
    }
}
