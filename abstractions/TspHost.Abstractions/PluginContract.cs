namespace TspHost.Abstractions;

/// <summary>
/// The version of the plugin contract this assembly defines. A plugin records the version it was
/// built against (through <see cref="TelephonyBackendAttribute"/>, whose default is compiled into
/// the plugin); the host refuses a plugin whose major version differs from its own, or whose minor
/// version is newer than its own.
/// </summary>
public static class PluginContract
{
    /// <summary>Incremented for every breaking change to this contract.</summary>
    public const int Major = 1;

    /// <summary>Incremented for additive changes; a host accepts plugins built against an equal or older minor.</summary>
    public const int Minor = 0;

    /// <summary>The contract version as text, <c>Major.Minor</c>.</summary>
    public const string Version = "1.0";
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
    /// The contract version the plugin was built against. Leave it at its default: the constant is
    /// compiled into the plugin, so the host sees the version of the Abstractions the plugin was built with.
    /// </summary>
    public string ContractVersion { get; init; } = PluginContract.Version;
}
