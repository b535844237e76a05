using System.Reflection;

namespace TspHost.Abstractions.Tests;

/// <summary>
/// The plugin contract is what third parties build against: a change to its public surface must be
/// deliberate. This test compares the surface with abstractions/TspHost.Abstractions/PublicAPI.txt;
/// when a change is intended, update that file (the failure message prints the new text) and, if it
/// breaks existing plugins, the contract version.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicSurface_MatchesTheApprovedFile()
    {
        var approved = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PublicAPI.txt")).ReplaceLineEndings("\n").Trim();
        var actual = Describe(typeof(ITelephonyBackend).Assembly);

        Assert.True(approved == actual,
            $"The public surface of TspHost.Abstractions changed. If that is deliberate, replace PublicAPI.txt with:\n\n{actual}\n");
    }

    [Fact]
    public void ContractVersion_ConstantsAgree() =>
        Assert.Equal(PluginContract.Version, $"{PluginContract.Major}.{PluginContract.Minor}");

    private static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            lines.Add($"{Kind(type)} {Name(type)}{BaseList(type)}");
            const BindingFlags members = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var described = type.GetMembers(members)
                .Where(m => m is not MethodInfo { IsSpecialName: true } and not FieldInfo { IsSpecialName: true } && !IsCompilerGenerated(m))
                .Select(m => "  " + Member(type, m))
                .Order(StringComparer.Ordinal);
            lines.AddRange(described);
        }

        return string.Join('\n', lines);
    }

    // A record's copy method is generated and not callable from C#.
    private static bool IsCompilerGenerated(MemberInfo member) => member.Name == "<Clone>$";

    private static string Kind(Type type) => type switch
    {
        { IsEnum: true } => "enum",
        { IsInterface: true } => "interface",
        { IsValueType: true } => "struct",
        { IsAbstract: true, IsSealed: true } => "static class",
        _ => type.IsSealed ? "sealed class" : "class",
    };

    private static string BaseList(Type type)
    {
        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
        {
            bases.Add(Name(b));
        }

        bases.AddRange(type.GetInterfaces().Where(i => !i.IsGenericType || i.GetGenericTypeDefinition() != typeof(IEquatable<>)).Select(Name).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
    }

    private static string Member(Type owner, MemberInfo member) => member switch
    {
        FieldInfo f when owner.IsEnum => $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{Name(f.FieldType)} {f.Name}",
        PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : "")}{Name(p.PropertyType)} {p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : "")}{(p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? "init; " : "set; ") : "")}}}",
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m => $"{(m.IsStatic ? "static " : "")}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        Type nested => $"nested {Name(nested)}",
        _ => member.ToString() ?? member.Name,
    };

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p =>
            $"{(p.IsOut ? "out " + Name(p.ParameterType.GetElementType()!) : Name(p.ParameterType))} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")}"));

    private static string Name(Type type)
    {
        if (type.IsGenericType)
        {
            var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
            return $"{type.Namespace}.{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (type.IsByRef)
        {
            return "ref " + Name(type.GetElementType()!);
        }

        return type.FullName ?? type.Name;
    }
}
