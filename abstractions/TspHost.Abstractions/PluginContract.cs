namespace TspHost.Abstractions;

/// <summary>
/// The version of the plugin contract this assembly defines; it is also this assembly's version
/// (<c>Major.Minor.0.0</c>), so a plugin's reference to TspHost.Abstractions records the contract it
/// was built against. The host reads that from metadata (or <see cref="TelephonyBackendAttribute.ContractVersion"/>
/// when a plugin sets it) and refuses a plugin whose major version differs from its own, or whose
/// minor version is newer than its own.
/// </summary>
public static class PluginContract
{
    /// <summary>Incremented for every breaking change to this contract.</summary>
    public const int Major = 1;

    /// <summary>Incremented for additive changes; a host accepts plugins built against an equal or older minor.</summary>
    public const int Minor = 1;

    /// <summary>The contract version as text, <c>Major.Minor</c>.</summary>
    public const string Version = "1.1";
}

/// <summary>
/// Marks the backend type of a plugin assembly. The host reads this attribute from metadata, without
/// running plugin code, to find the backend and the contract version the plugin was built against.
/// </summary>
/// <param name="backendType">A public, non-abstract type implementing <see cref="ITelephonyBackend"/> with a public parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class TelephonyBackendAttribute(Type backendType) : Attribute
{
    /// <summary>The backend type.</summary>
    public Type BackendType { get; } = backendType;

    /// <summary>
    /// The contract version the plugin declares, <c>Major.Minor</c>. Leave it unset: the host then
    /// takes the version of the TspHost.Abstractions assembly the plugin was compiled against, which
    /// is the contract version (an unset property is not recorded in the plugin's metadata, so the
    /// value seen at run time is the host's own default). Set it only to declare a version explicitly.
    /// </summary>
    public string ContractVersion { get; init; } = PluginContract.Version;
}
