using TspHost.Abstractions;
using TspHost.Fixtures;

[assembly: TelephonyBackend(typeof(NewerContractBackend), ContractVersion = "1.99")]

namespace TspHost.Fixtures;

/// <summary>Declares a contract newer than the host's; the host must refuse it before running any of it.</summary>
public sealed class NewerContractBackend : FixtureBackend
{
    public NewerContractBackend() => throw new InvalidOperationException("a refused plugin must never be instantiated");
}
