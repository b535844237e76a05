using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using TspHost.Abstractions;

namespace TspHost.Core.Plugins;

/// <summary>
/// What a plugin assembly declares about itself, read from metadata without loading or running it:
/// the backend type named by its <see cref="TelephonyBackendAttribute"/> and the contract version it
/// was built against (the attribute's <c>ContractVersion</c> when given, else the version of the
/// TspHost.Abstractions it references, which is the contract version).
/// </summary>
public sealed record PluginManifest(string AssemblyPath, string BackendTypeName, string ContractVersion)
{
    private const string AbstractionsAssembly = "TspHost.Abstractions";
    private const string AttributeNamespace = "TspHost.Abstractions";
    private const string AttributeName = nameof(TelephonyBackendAttribute);

    /// <summary>Reads the manifest of <paramref name="assemblyPath"/>.</summary>
    /// <exception cref="PluginLoadException">The file is not a .NET assembly, or declares no backend.</exception>
    public static PluginManifest Read(string plugin, string assemblyPath)
    {
        try
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                throw new PluginLoadException(plugin, $"{assemblyPath} is not a .NET assembly (no metadata).");
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                throw new PluginLoadException(plugin, $"{assemblyPath} is a module, not an assembly.");
            }

            string? backendType = null;
            string? contract = null;
            foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
            {
                var attribute = reader.GetCustomAttribute(handle);
                if (!IsBackendAttribute(reader, attribute.Constructor))
                {
                    continue;
                }

                var value = attribute.DecodeValue(SerializedTypeNames.Instance);
                backendType = value.FixedArguments.Length == 1 ? value.FixedArguments[0].Value as string : null;
                contract = value.NamedArguments.FirstOrDefault(a => a.Name == nameof(TelephonyBackendAttribute.ContractVersion)).Value as string;
            }

            if (string.IsNullOrEmpty(backendType))
            {
                throw new PluginLoadException(plugin,
                    $"{assemblyPath} has no [assembly: {AttributeName[..^"Attribute".Length]}(typeof(...))] naming its backend type.");
            }

            contract ??= ReferencedContractVersion(reader)
                ?? throw new PluginLoadException(plugin, $"{assemblyPath} does not reference {AbstractionsAssembly}.");
            return new PluginManifest(assemblyPath, backendType, contract);
        }
        catch (Exception e) when (e is BadImageFormatException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new PluginLoadException(plugin, $"{assemblyPath} cannot be read as a .NET assembly: {e.Message}", e);
        }
    }

    private static bool IsBackendAttribute(MetadataReader reader, EntityHandle constructor)
    {
        EntityHandle type;
        if (constructor.Kind == HandleKind.MemberReference)
        {
            type = reader.GetMemberReference((MemberReferenceHandle)constructor).Parent;
        }
        else if (constructor.Kind == HandleKind.MethodDefinition)
        {
            type = reader.GetMethodDefinition((MethodDefinitionHandle)constructor).GetDeclaringType();
        }
        else
        {
            return false;
        }

        return type.Kind switch
        {
            HandleKind.TypeReference => reader.GetTypeReference((TypeReferenceHandle)type) is var r
                && reader.StringComparer.Equals(r.Name, AttributeName) && reader.StringComparer.Equals(r.Namespace, AttributeNamespace),
            HandleKind.TypeDefinition => reader.GetTypeDefinition((TypeDefinitionHandle)type) is var d
                && reader.StringComparer.Equals(d.Name, AttributeName) && reader.StringComparer.Equals(d.Namespace, AttributeNamespace),
            _ => false,
        };
    }

    private static string? ReferencedContractVersion(MetadataReader reader)
    {
        foreach (var handle in reader.AssemblyReferences)
        {
            var reference = reader.GetAssemblyReference(handle);
            if (reader.StringComparer.Equals(reference.Name, AbstractionsAssembly))
            {
                return $"{reference.Version.Major}.{reference.Version.Minor}";
            }
        }

        return null;
    }

    /// <summary>Decodes attribute arguments to type names only: enough to read a <c>typeof</c> and strings.</summary>
    private sealed class SerializedTypeNames : ICustomAttributeTypeProvider<string>
    {
        public static readonly SerializedTypeNames Instance = new();

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSystemType() => "System.Type";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            reader.GetTypeDefinition(handle) is var t ? FullName(reader, t.Namespace, t.Name) : "";

        // The constructor's System.Type parameter arrives here; its full name tells the decoder to read a serialized type name.
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
            reader.GetTypeReference(handle) is var t ? FullName(reader, t.Namespace, t.Name) : "";

        public string GetTypeFromSerializedName(string name) => name;

        // Enum arguments do not occur in TelephonyBackendAttribute; Int32 keeps decoding going if one ever does.
        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;

        public bool IsSystemType(string type) => type == "System.Type";

        private static string FullName(MetadataReader reader, StringHandle ns, StringHandle name) =>
            ns.IsNil ? reader.GetString(name) : $"{reader.GetString(ns)}.{reader.GetString(name)}";
    }
}

/// <summary>The contract version check: a plugin must match the host's major version and not be newer in minor.</summary>
public static class ContractCompatibility
{
    /// <summary>Returns null when a plugin built against <paramref name="pluginVersion"/> may load, else why not.</summary>
    public static string? Check(string plugin, string pluginVersion, int hostMajor = PluginContract.Major, int hostMinor = PluginContract.Minor)
    {
        var host = $"{hostMajor}.{hostMinor}";
        var parts = pluginVersion.Split('.');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var major) || !int.TryParse(parts[1], out var minor) || major < 0 || minor < 0)
        {
            return $"Plugin '{plugin}' declares contract version '{pluginVersion}', which is not of the form major.minor; this host implements contract {host}.";
        }

        if (major != hostMajor)
        {
            return $"Plugin '{plugin}' was built against plugin contract {pluginVersion}, but this host implements contract {host}: the major versions differ, so it is refused.";
        }

        return minor > hostMinor
            ? $"Plugin '{plugin}' was built against plugin contract {pluginVersion}, newer than this host's contract {host}: update the host or use a plugin built against {host} or older."
            : null;
    }
}

/// <summary>A plugin folder cannot be loaded; the message names the plugin and what is wrong.</summary>
public sealed class PluginLoadException(string plugin, string message, Exception? inner = null)
    : Exception($"Plugin '{plugin}': {message}", inner)
{
    public string Plugin { get; } = plugin;
}
