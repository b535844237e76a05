namespace TspHost.Abstractions.Tests;

/// <summary>
/// The contract's public surface is tracked by the build (PublicAPI.Shipped.txt / PublicAPI.Unshipped.txt
/// beside the project, checked by Microsoft.CodeAnalysis.PublicApiAnalyzers); what is left to check
/// here is that the version constants agree with each other and with the assembly.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void ContractVersion_ConstantsAgree() =>
        Assert.Equal(PluginContract.Version, $"{PluginContract.Major}.{PluginContract.Minor}");

    [Fact]
    public void ContractVersion_IsTheAssemblyVersion()
    {
        var version = typeof(PluginContract).Assembly.GetName().Version!;

        Assert.Equal(new Version(PluginContract.Major, PluginContract.Minor, 0, 0), version);
    }
}
