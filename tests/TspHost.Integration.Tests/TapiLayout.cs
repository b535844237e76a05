using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace TspHost.Integration.Tests;

/// <summary>
/// What the shim says TAPI's structures and the TSPI signatures are, read by reflection from the
/// tsphost-shim assembly itself, turned into C: each structure's size and every field's offset and
/// size, the size of each type the signatures use, and the prototype of each TSPI export and of each
/// callback the shim calls. <see cref="CheckAsync"/> compiles that against a header and reports every
/// difference with both values.
/// </summary>
internal static partial class TapiLayout
{
    /// <summary>The shim's structures and their names in tapi.h. <c>VarHeader</c> is flattened: its fields are the first three of each.</summary>
    private static readonly (string Shim, string C)[] s_structures =
    [
        ("DialParams", "LINEDIALPARAMS"),
        ("SystemTime", "SYSTEMTIME"),
        ("LineDevCaps", "LINEDEVCAPS"),
        ("LineAddressCaps", "LINEADDRESSCAPS"),
        ("LineCallInfo", "LINECALLINFO"),
        ("LineCallStatus", "LINECALLSTATUS"),
        ("PhoneCaps", "PHONECAPS"),
    ];

    private const string VarHeader = "VarHeader";

    /// <summary>Fields whose tapi.h name does not follow from the C# name and type (uint: dw..., ushort: w..., structures: as is).</summary>
    private static readonly Dictionary<string, string> s_fieldNames = new(StringComparer.Ordinal)
    {
        ["LineCallInfo.HLine"] = "hLine",
        ["LineCallStatus.StateEntryTime"] = "tStateEntryTime",
    };

    /// <summary>The callbacks TapiCallbacks keeps, by field: the tspi.h typedef, and the handle types its pointer-sized parameters are, in order.</summary>
    private static readonly Dictionary<string, (string Typedef, string[] Handles)> s_callbacks = new(StringComparer.Ordinal)
    {
        ["s_completion"] = ("ASYNC_COMPLETION", []),
        ["s_lineCreate"] = ("LINEEVENT", ["HTAPILINE", "HTAPICALL"]),
        ["s_phoneCreate"] = ("PHONEEVENT", ["HTAPIPHONE"]),
    };

    /// <summary>A number the shim and the header must agree on: <paramref name="Expression"/> evaluated by the C compiler.</summary>
    public sealed record Value(string What, string ShimName, string Expression, long Shim);

    /// <summary>A prototype: of a TSPI export (<paramref name="IsCallback"/> false) or of a callback typedef.</summary>
    public sealed record Signature(string Name, bool IsCallback, string Return, IReadOnlyList<string> Parameters)
    {
        public string Type => $"{Return} ({string.Join(", ", Parameters)})";

        public string PointerType(string name) => $"{Return} (*{name})({string.Join(", ", Parameters)})";
    }

    public sealed record Checks(IReadOnlyList<Value> Values, IReadOnlyList<Signature> Signatures);

    /// <summary>
    /// How a compiler (from the Debian package <paramref name="Package"/>) sees one header: the lines that include it, and how
    /// to name an export's function type and a pointer to it.
    /// </summary>
    public sealed record Header(string Description, string Compiler, string Package, IReadOnlyList<string> Arguments, string Includes, string ExportType, string ExportPointer);

    public static Assembly Shim { get; } = Assembly.Load(new AssemblyName("tsphost-shim"));

    /// <summary>Everything the shim declares, as checks.</summary>
    public static Checks FromShim()
    {
        var values = new List<Value>();
        var declared = Shim.GetTypes()
            .Where(t => t.IsValueType && !t.IsByRefLike && t.StructLayoutAttribute is { Pack: 1 })
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal);
        var unmapped = declared.Except(s_structures.Select(s => s.Shim).Append(VarHeader)).ToList();
        if (unmapped.Count > 0)
        {
            throw new InvalidOperationException($"The shim declares structures this check does not know: {string.Join(", ", unmapped)}. Add them to TapiLayout.s_structures.");
        }

        foreach (var (shimName, cName) in s_structures)
        {
            var type = ShimType(shimName);
            RequireBlittable(type);
            values.Add(new Value($"sizeof({cName})", shimName, $"sizeof({cName})", Marshal.SizeOf(type)));
            AddFields(values, type, cName, shimName, 0);
        }

        var sizes = new Dictionary<string, Type>(StringComparer.Ordinal);
        var signatures = new List<Signature>();
        foreach (var method in ShimType("Exports").GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (method.GetCustomAttribute<UnmanagedCallersOnlyAttribute>()?.EntryPoint is not { } entryPoint || !entryPoint.StartsWith("TSPI_", StringComparison.Ordinal))
            {
                continue;
            }

            var parameters = method.GetParameters().Select(p => ExportParameter(p.ParameterType, p.Name!, entryPoint, sizes)).ToList();
            signatures.Add(new Signature(entryPoint, IsCallback: false, Scalar(method.ReturnType, entryPoint, sizes), parameters));
        }

        foreach (var field in ShimType("TapiCallbacks").GetFields(BindingFlags.Static | BindingFlags.NonPublic).Where(f => f.FieldType.IsFunctionPointer))
        {
            if (!s_callbacks.TryGetValue(field.Name, out var callback))
            {
                throw new InvalidOperationException($"TapiCallbacks.{field.Name} is a callback this check does not know. Add it to TapiLayout.s_callbacks.");
            }

            var handles = new Queue<string>(callback.Handles);
            var parameters = field.FieldType.GetFunctionPointerParameterTypes()
                .Select(t => t == typeof(nint) && handles.TryDequeue(out var handle) ? Sized(handle, t, sizes) : Scalar(t, callback.Typedef, sizes))
                .ToList();
            if (handles.Count > 0)
            {
                throw new InvalidOperationException($"TapiCallbacks.{field.Name}: fewer pointer-sized parameters than {callback.Typedef}'s handles ({string.Join(", ", callback.Handles)}).");
            }

            var returns = field.FieldType.GetFunctionPointerReturnType() == typeof(void) ? "void" : Scalar(field.FieldType.GetFunctionPointerReturnType(), callback.Typedef, sizes);
            signatures.Add(new Signature(callback.Typedef, IsCallback: true, returns, parameters));
        }

        foreach (var (cType, shimType) in sizes.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            values.Add(new Value($"sizeof({cType})", ShimTypeName(shimType), $"sizeof({cType})", RuntimeHelpers.SizeOf(shimType.TypeHandle)));
        }

        return new Checks(values, signatures);
    }

    /// <summary>The C file: the values as an array (read back from the assembly listing) and, with TSPHOST_ASSERTS, every check as a static assertion.</summary>
    public static string Source(Header header, Checks checks)
    {
        var c = new StringBuilder();
        c.AppendLine("/* Generated by TspHost.Integration.Tests (TapiLayout) from the shim's declarations. */");
        c.AppendLine(header.Includes);
        c.AppendLine("#include <stddef.h>");
        c.AppendLine(CultureInfo.InvariantCulture, $"#define TSPHOST_EXPORT(name) {header.ExportType}");
        c.AppendLine(CultureInfo.InvariantCulture, $"#define TSPHOST_EXPORT_POINTER(name) {header.ExportPointer}");
        c.AppendLine();
        c.AppendLine("const unsigned long long tsphost_layout[] = {");
        foreach (var value in checks.Values)
        {
            c.AppendLine(CultureInfo.InvariantCulture, $"    {value.Expression},");
        }

        c.AppendLine("};");
        c.AppendLine();
        c.AppendLine("#ifdef TSPHOST_ASSERTS");
        foreach (var value in checks.Values)
        {
            c.AppendLine(CultureInfo.InvariantCulture, $"_Static_assert({value.Expression} == {value.Shim}, \"{value.What}: {value.Shim} in the shim ({value.ShimName})\");");
        }

        foreach (var signature in checks.Signatures)
        {
            var (actual, pointer) = signature.IsCallback
                ? (signature.Name, $"({signature.Name})0")
                : ($"TSPHOST_EXPORT({signature.Name})", $"TSPHOST_EXPORT_POINTER({signature.Name})");
            var expected = signature.IsCallback ? signature.PointerType("") : signature.Type;
            var what = signature.IsCallback ? "the shim calls it as" : "the shim exports";
            c.AppendLine(CultureInfo.InvariantCulture, $"_Static_assert(__builtin_types_compatible_p({actual}, {expected}), \"{signature.Name}: {what} {signature.Type}\");");
            // Also as an initialisation, so that a mismatch shows the header's type beside the shim's.
            c.AppendLine(CultureInfo.InvariantCulture, $"__attribute__((unused)) static void tsphost_{signature.Name}(void) {{ {signature.PointerType("shim")} = {pointer}; (void)shim; }}");
        }

        c.AppendLine("#endif");
        return c.ToString();
    }

    /// <summary>
    /// Compiles <paramref name="checks"/> against <paramref name="header"/>; null when the header agrees with every one,
    /// else a report naming each difference with the shim's value and the header's, and the compiler's errors.
    /// </summary>
    public static async Task<string?> CheckAsync(Header header, Checks checks, string name)
    {
        var directory = Path.Combine(NativeArtifacts.RepositoryRoot, "artifacts", "tapi-layout");
        Directory.CreateDirectory(directory);
        var source = Path.Combine(directory, name + ".c");
        var listing = Path.Combine(directory, name + ".s");
        await File.WriteAllTextAsync(source, Source(header, checks));

        var (asserted, assertOutput) = await CompileAsync(header, source, listing, asserts: true);
        var compilerErrors = new List<string>();
        if (!asserted)
        {
            // The errors the list of differing values below does not already say: signatures, unknown names.
            compilerErrors = [.. assertOutput.Split('\n').Where(l => l.Contains("error:", StringComparison.Ordinal) && !l.Contains(" in the shim (", StringComparison.Ordinal))
                .Select(l => "  " + l.Replace(source, Path.GetFileName(source), StringComparison.Ordinal))];
            // The values alone, to show the header's side of each difference.
            var (compiled, output) = await CompileAsync(header, source, listing, asserts: false);
            if (!compiled)
            {
                return $"{header.Description}: {source} does not compile:\n{output}";
            }
        }

        var values = ReadValues(await File.ReadAllTextAsync(listing));
        if (values.Count != checks.Values.Count)
        {
            return $"{header.Description}: {listing} holds {values.Count} values, expected {checks.Values.Count}.";
        }

        var differences = checks.Values.Zip(values)
            .Where(pair => pair.First.Shim != pair.Second)
            .Select(pair => $"  {pair.First.What}: {pair.First.Shim} in the shim ({pair.First.ShimName}), {pair.Second} in the header")
            .ToList();
        if (asserted && differences.Count == 0)
        {
            return null;
        }

        return $"{header.Description} disagrees with the shim ({differences.Count} values differ, {compilerErrors.Count} other errors; {source}):\n" +
            string.Join('\n', differences.Concat(compilerErrors));
    }

    private static async Task<(bool Ok, string Output)> CompileAsync(Header header, string source, string listing, bool asserts)
    {
        var start = new ProcessStartInfo(header.Compiler) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in header.Arguments.Concat(asserts ? ["-DTSPHOST_ASSERTS"] : []).Concat(["-S", "-o", listing, source]))
        {
            start.ArgumentList.Add(argument);
        }

        File.Delete(listing);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{header.Compiler} cannot be started ({e.Message}). On Debian: apt-get install {header.Package} (./test.sh installs it when missing).", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            return (process.ExitCode == 0, (await stdout + await stderr).Trim());
        }
    }

    /// <summary>The numbers of <c>tsphost_layout</c> in an assembly listing (<c>.quad N</c>, runs of zeros as <c>.zero 8N</c>).</summary>
    private static List<long> ReadValues(string listing)
    {
        var values = new List<long>();
        var lines = listing.Split('\n').Select(l => l.Trim()).SkipWhile(l => l != "tsphost_layout:").Skip(1);
        foreach (var line in lines)
        {
            if (ListingValue().Match(line) is not { Success: true } match)
            {
                break;
            }

            var number = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            if (match.Groups[1].Value == "quad")
            {
                values.Add(number);
            }
            else
            {
                values.AddRange(Enumerable.Repeat(0L, (int)(number / 8)));
            }
        }

        return values;
    }

    private static void AddFields(List<Value> values, Type type, string cStruct, string shimPath, int baseOffset)
    {
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).OrderBy(f => f.MetadataToken))
        {
            var offset = baseOffset + (int)Marshal.OffsetOf(type, field.Name);
            var shimName = $"{shimPath}.{field.Name}";
            if (field.FieldType.Name == VarHeader)
            {
                AddFields(values, field.FieldType, cStruct, shimName, offset);
                continue;
            }

            var cField = s_fieldNames.GetValueOrDefault($"{type.Name}.{field.Name}") ?? CFieldName(field);
            values.Add(new Value($"{cStruct}.{cField} offset", shimName, $"offsetof({cStruct}, {cField})", offset));
            values.Add(new Value($"{cStruct}.{cField} size", shimName, $"sizeof((({cStruct} *)0)->{cField})", Marshal.SizeOf(field.FieldType)));
        }
    }

    /// <summary>tapi.h's name for a field: DWORDs are dwName (ID and UUI in capitals), WORDs wName, structures as they are.</summary>
    private static string CFieldName(FieldInfo field)
    {
        var name = Capitals().Replace(field.Name, m => m.Value.ToUpperInvariant());
        return field.FieldType == typeof(uint) ? "dw" + name
            : field.FieldType == typeof(ushort) ? "w" + name
            : name;
    }

    /// <summary>The C type of an export's parameter: from its C# type, and for pointer-sized handles from its tspi.h name.</summary>
    private static string ExportParameter(Type type, string name, string function, Dictionary<string, Type> sizes)
    {
        if (type == typeof(nint))
        {
            return Sized(Handle(name, function), type, sizes);
        }

        if (!type.IsPointer)
        {
            return Scalar(type, function, sizes);
        }

        var target = type.GetElementType()!;
        return target == typeof(char) ? $"const {Sized("WCHAR", target, sizes)} *"
            : target == typeof(byte) ? $"const {Sized("char", target, sizes)} *"
            : target == typeof(uint) ? $"{Sized("DWORD", target, sizes)} *"
            : target == typeof(nint) && name.StartsWith("lp", StringComparison.Ordinal) ? $"{Sized(Handle(name[2..], function), target, sizes)} *"
            : target == typeof(void) && name == "lpCallParams" ? "LINECALLPARAMS *"
            : s_structures.FirstOrDefault(s => s.Shim == target.Name).C is { } structure ? $"{structure} *"
            : throw new InvalidOperationException($"{function}: no C type for the shim's parameter {type} {name}. Teach TapiLayout.ExportParameter.");
    }

    private static string Handle(string name, string function) => name switch
    {
        "hProvider" => "HPROVIDER",
        "hwndOwner" => "HWND",
        "lpfnCompletionProc" => "ASYNC_COMPLETION",
        "lpfnLineCreateProc" => "LINEEVENT",
        "lpfnPhoneCreateProc" => "PHONEEVENT",
        "lpfnEventProc" => function.StartsWith("TSPI_phone", StringComparison.Ordinal) ? "PHONEEVENT" : "LINEEVENT",
        _ when name.StartsWith("hd", StringComparison.Ordinal) => "HDRV" + HandleKind(name, function),
        _ when name.StartsWith("ht", StringComparison.Ordinal) => "HTAPI" + HandleKind(name, function),
        _ => throw new InvalidOperationException($"{function}: no C type for the shim's pointer-sized parameter {name}. Teach TapiLayout.Handle."),
    };

    private static string HandleKind(string name, string function) =>
        new[] { "Line", "Call", "Phone" }.FirstOrDefault(kind => name.EndsWith(kind, StringComparison.Ordinal))?.ToUpperInvariant()
        ?? throw new InvalidOperationException($"{function}: {name} names no line, call or phone handle.");

    private static string Scalar(Type type, string where, Dictionary<string, Type> sizes) =>
        type == typeof(uint) ? Sized("DWORD", type, sizes)
        : type == typeof(int) ? Sized("LONG", type, sizes)
        : type == typeof(nuint) ? Sized("DWORD_PTR", type, sizes)
        : throw new InvalidOperationException($"{where}: no C type for the shim's {type}. Teach TapiLayout.Scalar.");

    /// <summary>Records that the C type <paramref name="cType"/> must have the size of the shim's <paramref name="shimType"/>.</summary>
    private static string Sized(string cType, Type shimType, Dictionary<string, Type> sizes)
    {
        if (sizes.TryGetValue(cType, out var known) && RuntimeHelpers.SizeOf(known.TypeHandle) != RuntimeHelpers.SizeOf(shimType.TypeHandle))
        {
            throw new InvalidOperationException($"The shim uses {cType} as {ShimTypeName(known)} and as {ShimTypeName(shimType)}.");
        }

        sizes[cType] = shimType;
        return cType;
    }

    private static string ShimTypeName(Type type) =>
        type == typeof(nint) ? "nint" : type == typeof(nuint) ? "nuint" : type == typeof(uint) ? "uint" : type == typeof(int) ? "int"
        : type == typeof(char) ? "char" : type == typeof(byte) ? "byte" : type.Name;

    private static Type ShimType(string name) =>
        Shim.GetType($"TspHost.Shim.{name}") ?? throw new InvalidOperationException($"The shim has no type TspHost.Shim.{name}.");

    /// <summary>Marshal.OffsetOf gives the runtime's own layout only for blittable structures: pinning refuses the others.</summary>
    private static void RequireBlittable(Type type)
    {
        var handle = GCHandle.Alloc(Activator.CreateInstance(type), GCHandleType.Pinned);
        handle.Free();
        if (Marshal.SizeOf(type) != RuntimeHelpers.SizeOf(type.TypeHandle))
        {
            throw new InvalidOperationException($"{type.Name}: marshalled size {Marshal.SizeOf(type)}, unmanaged size {RuntimeHelpers.SizeOf(type.TypeHandle)}.");
        }
    }

    [GeneratedRegex("Id(?=[A-Z]|$)|Uui")]
    private static partial Regex Capitals();

    [GeneratedRegex(@"^\.(quad|zero)\s+(\d+)$")]
    private static partial Regex ListingValue();
}
