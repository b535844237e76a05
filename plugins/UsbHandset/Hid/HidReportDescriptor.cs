namespace TspHost.Plugins.UsbHandset.Hid;

/// <summary>
/// A parsed HID report descriptor: for each report (input, output, feature; by report ID) the fields
/// it carries, bit by bit. Parsing is pure and bounded: malformed input fails with a
/// <see cref="HidDescriptorException"/> naming the byte offset, never with a crash or a huge allocation.
/// </summary>
public sealed class HidReportDescriptor
{
    /// <summary>The longest descriptor accepted (the Linux kernel's HID_MAX_DESCRIPTOR_SIZE).</summary>
    public const int MaxDescriptorLength = 4096;

    /// <summary>The widest single value accepted, in bits.</summary>
    public const int MaxReportSize = 32;

    /// <summary>The most values one main item may declare.</summary>
    public const int MaxReportCount = 4096;

    /// <summary>The longest report accepted, in bytes (without the report ID).</summary>
    public const int MaxReportLength = 4096;

    /// <summary>How deep collections may nest.</summary>
    public const int MaxCollectionDepth = 32;

    /// <summary>How deep Push may nest.</summary>
    public const int MaxPushDepth = 16;

    /// <summary>The most usages and usage ranges one main item may collect.</summary>
    public const int MaxLocalUsages = 1024;

    private readonly Dictionary<(HidReportKind, byte), HidReport> _reports;

    private HidReportDescriptor(Dictionary<(HidReportKind, byte), HidReport> reports, IReadOnlyList<HidCollection> applications, bool usesReportIds)
    {
        _reports = reports;
        ApplicationCollections = applications;
        UsesReportIds = usesReportIds;
        Reports = [.. reports.Values.OrderBy(r => r.Kind).ThenBy(r => r.ReportId)];
    }

    /// <summary>Every report, ordered by kind then report ID.</summary>
    public IReadOnlyList<HidReport> Reports { get; }

    /// <summary>The top-level application collections, in descriptor order.</summary>
    public IReadOnlyList<HidCollection> ApplicationCollections { get; }

    /// <summary>Whether reports carry a report ID byte first.</summary>
    public bool UsesReportIds { get; }

    /// <summary>Returns the report of <paramref name="kind"/> with <paramref name="reportId"/>, or <c>null</c>.</summary>
    public HidReport? FindReport(HidReportKind kind, byte reportId) =>
        _reports.TryGetValue((kind, reportId), out var report) ? report : null;

    /// <summary>Whether any application collection has a usage on <paramref name="usagePage"/>.</summary>
    public bool HasApplicationOnPage(ushort usagePage) => ApplicationCollections.Any(c => c.Usage.Page == usagePage);

    /// <summary>Parses <paramref name="descriptor"/>.</summary>
    /// <exception cref="HidDescriptorException">The descriptor is malformed or exceeds a limit.</exception>
    public static HidReportDescriptor Parse(ReadOnlySpan<byte> descriptor) => new HidDescriptorParser(descriptor).Run();

    internal static HidReportDescriptor Create(Dictionary<(HidReportKind, byte), HidReport> reports, IReadOnlyList<HidCollection> applications, bool usesReportIds) =>
        new(reports, applications, usesReportIds);
}

/// <summary>Which direction a report goes.</summary>
public enum HidReportKind
{
    /// <summary>Device to host.</summary>
    Input,
    /// <summary>Host to device.</summary>
    Output,
    /// <summary>Configuration, both ways, by control transfer.</summary>
    Feature,
}

/// <summary>The data flags of an Input, Output or Feature item (HID 1.11, 6.2.2.5).</summary>
[Flags]
public enum HidFieldFlags
{
    /// <summary>Data, array, absolute.</summary>
    None = 0,
    /// <summary>Constant (padding).</summary>
    Constant = 1 << 0,
    /// <summary>Variable: one usage per value; otherwise an array of usage indexes.</summary>
    Variable = 1 << 1,
    /// <summary>Relative: the value is a change since the last report (a toggle for on/off controls).</summary>
    Relative = 1 << 2,
    /// <summary>Wraps around.</summary>
    Wrap = 1 << 3,
    /// <summary>Non-linear.</summary>
    NonLinear = 1 << 4,
    /// <summary>No preferred state (a control that stays where it is put).</summary>
    NoPreferredState = 1 << 5,
    /// <summary>Has a null state outside the logical range.</summary>
    NullState = 1 << 6,
    /// <summary>Volatile (output and feature only).</summary>
    Volatile = 1 << 7,
    /// <summary>Buffered bytes.</summary>
    BufferedBytes = 1 << 8,
}

/// <summary>A 32-bit usage: page in the high word, ID in the low word.</summary>
/// <param name="Value">The extended usage.</param>
public readonly record struct HidUsage(uint Value)
{
    /// <summary>Creates a usage from a page and an ID.</summary>
    public HidUsage(ushort page, ushort id)
        : this(((uint)page << 16) | id)
    {
    }

    /// <summary>The usage page.</summary>
    public ushort Page => (ushort)(Value >> 16);

    /// <summary>The usage ID within the page.</summary>
    public ushort Id => (ushort)Value;

    /// <inheritdoc />
    public override string ToString() => $"{Page:X4}:{Id:X4}";
}

/// <summary>The kind of a collection (HID 1.11, 6.2.2.6).</summary>
public enum HidCollectionKind : byte
{
    /// <summary>Physical.</summary>
    Physical = 0,
    /// <summary>Application: what an operating system opens as one device.</summary>
    Application = 1,
    /// <summary>Logical.</summary>
    Logical = 2,
    /// <summary>Report.</summary>
    Report = 3,
    /// <summary>Named array.</summary>
    NamedArray = 4,
    /// <summary>Usage switch.</summary>
    UsageSwitch = 5,
    /// <summary>Usage modifier.</summary>
    UsageModifier = 6,
}

/// <summary>One collection: its kind and usage.</summary>
/// <param name="Kind">The kind; vendor-defined kinds (0x80-0xFF) keep their raw value.</param>
/// <param name="Usage">The usage naming the collection (zero when none was given).</param>
public sealed record HidCollection(HidCollectionKind Kind, HidUsage Usage);

/// <summary>A run of usages, inclusive.</summary>
/// <param name="Minimum">The first usage.</param>
/// <param name="Maximum">The last usage.</param>
public readonly record struct HidUsageRange(HidUsage Minimum, HidUsage Maximum)
{
    /// <summary>How many usages the range holds.</summary>
    public int Count => (int)(Maximum.Value - Minimum.Value) + 1;
}

/// <summary>One report: its fields and length.</summary>
/// <param name="Kind">Direction.</param>
/// <param name="ReportId">The report ID, 0 when the descriptor uses none.</param>
/// <param name="BitLength">The length of the data in bits, without the report ID.</param>
/// <param name="Fields">The fields in bit order, padding included.</param>
public sealed record HidReport(HidReportKind Kind, byte ReportId, int BitLength, IReadOnlyList<HidField> Fields)
{
    /// <summary>The data length in bytes, without the report ID.</summary>
    public int DataLength => (BitLength + 7) / 8;

    /// <summary>The length on the wire: the data plus the report ID byte when there is one.</summary>
    public int WireLength => DataLength + (ReportId != 0 ? 1 : 0);
}

/// <summary>One Input, Output or Feature item: <see cref="Count"/> values of <see cref="BitSize"/> bits each.</summary>
public sealed record HidField
{
    /// <summary>Direction.</summary>
    public required HidReportKind Kind { get; init; }

    /// <summary>The report the field lives in.</summary>
    public required byte ReportId { get; init; }

    /// <summary>Where the first value starts, in bits from the start of the report data (the report ID excluded).</summary>
    public required int BitOffset { get; init; }

    /// <summary>Bits per value.</summary>
    public required int BitSize { get; init; }

    /// <summary>How many values.</summary>
    public required int Count { get; init; }

    /// <summary>The item's flags.</summary>
    public required HidFieldFlags Flags { get; init; }

    /// <summary>The usages, as single usages and ranges in declaration order.</summary>
    public required IReadOnlyList<HidUsageRange> Usages { get; init; }

    /// <summary>The smallest value (signed).</summary>
    public required int LogicalMinimum { get; init; }

    /// <summary>The largest value.</summary>
    public required int LogicalMaximum { get; init; }

    /// <summary>The collections the field sits in, outermost first.</summary>
    public required IReadOnlyList<HidCollection> CollectionPath { get; init; }

    /// <summary>Padding or a constant value.</summary>
    public bool IsConstant => (Flags & HidFieldFlags.Constant) != 0;

    /// <summary>One usage per value; otherwise the values are indexes into <see cref="Usages"/>.</summary>
    public bool IsVariable => (Flags & HidFieldFlags.Variable) != 0;

    /// <summary>Values are changes, not states.</summary>
    public bool IsRelative => (Flags & HidFieldFlags.Relative) != 0;

    /// <summary>How many usages were declared in all.</summary>
    public int UsageCount => Usages.Sum(r => r.Count);

    /// <summary>
    /// The usage at <paramref name="index"/>: for a variable field, value <paramref name="index"/>'s usage
    /// (the last usage repeats when there are fewer usages than values); for an array, usage index
    /// <paramref name="index"/>. Returns <c>null</c> when there is none.
    /// </summary>
    public HidUsage? UsageAt(int index)
    {
        if (index < 0 || Usages.Count == 0)
        {
            return null;
        }

        var total = UsageCount;
        if (index >= total)
        {
            if (!IsVariable)
            {
                return null;
            }

            index = total - 1;
        }

        foreach (var range in Usages)
        {
            if (index < range.Count)
            {
                return new HidUsage(range.Minimum.Value + (uint)index);
            }

            index -= range.Count;
        }

        return null;
    }

    /// <summary>Whether any usage of the field is <paramref name="usage"/>.</summary>
    public bool Declares(HidUsage usage) => Usages.Any(r => usage.Value >= r.Minimum.Value && usage.Value <= r.Maximum.Value);
}

/// <summary>A report descriptor is malformed; the message names the byte offset and the problem.</summary>
public sealed class HidDescriptorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HidDescriptorException(int offset, string problem)
        : base($"HID report descriptor, byte {offset}: {problem}")
    {
        Offset = offset;
        Problem = problem;
    }

    /// <summary>Creates the exception.</summary>
    public HidDescriptorException()
        : this(0, "malformed")
    {
    }

    /// <summary>Creates the exception.</summary>
    public HidDescriptorException(string message)
        : base(message)
    {
        Problem = message;
    }

    /// <summary>Creates the exception.</summary>
    public HidDescriptorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = message;
    }

    /// <summary>The offset of the item at fault.</summary>
    public int Offset { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }
}
