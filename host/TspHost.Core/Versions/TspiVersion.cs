using TspHost.Abstractions;

namespace TspHost.Core.Versions;

/// <summary>Conversions between TAPI's DWORD versions (major in the high word) and <see cref="ApiVersion"/>.</summary>
public static class TspiVersion
{
    public const uint V1_4 = 0x00010004;
    public const uint V2_0 = 0x00020000;
    public const uint V2_2 = 0x00020002;
    public const uint V3_0 = 0x00030000;
    public const uint V3_1 = 0x00030001;

    /// <summary>The interface versions the host itself implements.</summary>
    public static VersionRange HostRange { get; } = new(FromDword(V2_0), FromDword(V3_1));

    public static ApiVersion FromDword(uint value) => new((ushort)(value >> 16), (ushort)(value & 0xFFFF));

    public static uint ToDword(ApiVersion version) => ((uint)version.Major << 16) | version.Minor;

    public static string Format(uint value) => $"{value >> 16}.{value & 0xFFFF} (0x{value:X8})";

    /// <summary>
    /// The highest version in both ranges, or <c>null</c> when they do not overlap (TSPI's rule for
    /// negotiation: answer the highest version both sides support).
    /// </summary>
    public static ApiVersion? HighestCommon(VersionRange supported, uint low, uint high)
    {
        if (low > high)
        {
            return null;
        }

        var top = Min(supported.Highest, FromDword(high));
        var bottom = Max(supported.Lowest, FromDword(low));
        return top >= bottom ? top : null;
    }

    /// <summary>The versions in both ranges, or <c>null</c> when they do not overlap.</summary>
    public static VersionRange? Intersect(VersionRange a, VersionRange b)
    {
        var low = Max(a.Lowest, b.Lowest);
        var high = Min(a.Highest, b.Highest);
        return high < low ? null : new VersionRange(low, high);
    }

    private static ApiVersion Min(ApiVersion a, ApiVersion b) => a <= b ? a : b;

    private static ApiVersion Max(ApiVersion a, ApiVersion b) => a >= b ? a : b;
}
