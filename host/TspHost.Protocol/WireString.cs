namespace TspHost.Protocol;

/// <summary>Strings on the wire: UTF-16LE code units after a 32-bit count, as TAPI has them on Windows.</summary>
public static class WireString
{
    /// <summary>The count that encodes a null string.</summary>
    public const uint Null = uint.MaxValue;

    /// <summary>The bytes <paramref name="value"/> takes on the wire, count included.</summary>
    public static int Size(string? value) => 4 + (value?.Length ?? 0) * 2;
}
