namespace TspHost.Plugins.UsbHandset.Hid;

/// <summary>
/// The short-item grammar of HID 1.11 section 6.2.2: main, global and local items, Push/Pop, report
/// IDs, usage pages and ranges, extended usages, signed logical ranges, nested collections. Long items
/// (prefix 0xFE) are rejected: no telephony device uses them and HID 1.11 defines none.
/// </summary>
internal sealed class HidDescriptorParser
{
    private const byte LongItemPrefix = 0xFE;

    private readonly byte[] _bytes;
    private readonly Dictionary<(HidReportKind, byte), ReportBuilder> _reports = [];
    private readonly List<HidCollection> _applications = [];
    private readonly List<HidCollection> _collectionPath = [];
    private readonly Stack<GlobalState> _pushed = new();
    private readonly List<HidUsageRange> _usages = [];
    private GlobalState _global = new();
    private uint? _usageMinimum;
    private uint? _usageMaximum;
    private int _delimiterDepth;
    private bool _usesReportIds;
    private int _offset;

    public HidDescriptorParser(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > HidReportDescriptor.MaxDescriptorLength)
        {
            throw new HidDescriptorException(HidReportDescriptor.MaxDescriptorLength, $"descriptor is {bytes.Length} bytes long; at most {HidReportDescriptor.MaxDescriptorLength} are accepted");
        }

        _bytes = bytes.ToArray();
    }

    public HidReportDescriptor Run()
    {
        if (_bytes.Length == 0)
        {
            throw new HidDescriptorException(0, "descriptor is empty");
        }

        var position = 0;
        while (position < _bytes.Length)
        {
            _offset = position;
            var prefix = _bytes[position];
            if (prefix == LongItemPrefix)
            {
                throw Fail("long items are not supported");
            }

            var size = (prefix & 0x3) == 3 ? 4 : prefix & 0x3;
            if (position + 1 + size > _bytes.Length)
            {
                throw Fail($"item 0x{prefix:X2} needs {size} data byte(s) but only {_bytes.Length - position - 1} remain (truncated)");
            }

            var data = ReadUnsigned(position + 1, size);
            var tag = prefix >> 4;
            switch ((prefix >> 2) & 0x3)
            {
                case 0:
                    Main(tag, data, size);
                    break;
                case 1:
                    Global(tag, data, size);
                    break;
                case 2:
                    Local(tag, data, size);
                    break;
                default:
                    throw Fail($"item 0x{prefix:X2} has the reserved type 3");
            }

            position += 1 + size;
        }

        _offset = _bytes.Length;
        if (_collectionPath.Count > 0)
        {
            throw Fail($"{_collectionPath.Count} collection(s) not closed at the end of the descriptor (unbalanced collections)");
        }

        if (_delimiterDepth != 0)
        {
            throw Fail("a Delimiter set is not closed");
        }

        var reports = _reports.ToDictionary(p => p.Key, p => p.Value.Build(p.Key.Item1, p.Key.Item2));
        return HidReportDescriptor.Create(reports, _applications, _usesReportIds);
    }

    private void Main(int tag, uint data, int size)
    {
        switch (tag)
        {
            case 0x8:
                Data(HidReportKind.Input, data);
                break;
            case 0x9:
                Data(HidReportKind.Output, data);
                break;
            case 0xB:
                Data(HidReportKind.Feature, data);
                break;
            case 0xA:
                OpenCollection(data, size);
                break;
            case 0xC:
                if (_collectionPath.Count == 0)
                {
                    throw Fail("End Collection without an open Collection (unbalanced collections)");
                }

                _collectionPath.RemoveAt(_collectionPath.Count - 1);
                break;
            default:
                throw Fail($"unknown main item tag 0x{tag:X}");
        }

        ResetLocals();
    }

    private void OpenCollection(uint data, int size)
    {
        if (size > 1 && data > 0xFF)
        {
            throw Fail($"collection type 0x{data:X} is out of range");
        }

        if (_collectionPath.Count >= HidReportDescriptor.MaxCollectionDepth)
        {
            throw Fail($"collections nest deeper than {HidReportDescriptor.MaxCollectionDepth}");
        }

        var usage = FirstUsage() ?? new HidUsage(0);
        var collection = new HidCollection((HidCollectionKind)(byte)data, usage);
        if (_collectionPath.Count == 0 && collection.Kind == HidCollectionKind.Application)
        {
            _applications.Add(collection);
        }

        _collectionPath.Add(collection);
    }

    private void Data(HidReportKind kind, uint data)
    {
        var g = _global;
        if (g.ReportSize is null)
        {
            throw Fail($"{kind} item before any Report Size");
        }

        if (g.ReportCount is null)
        {
            throw Fail($"{kind} item before any Report Count");
        }

        if (_usageMinimum is not null || _usageMaximum is not null)
        {
            throw Fail(_usageMinimum is null ? "Usage Maximum without Usage Minimum" : "Usage Minimum without Usage Maximum");
        }

        var builder = GetReport(kind, g.ReportId);
        var bits = g.ReportSize.Value * g.ReportCount.Value;
        if (builder.BitLength + bits > HidReportDescriptor.MaxReportLength * 8)
        {
            throw Fail($"{kind} report {g.ReportId} grows beyond {HidReportDescriptor.MaxReportLength} bytes");
        }

        var logicalMaximum = g.LogicalMaximum;
        if (g.LogicalMinimum >= 0 && logicalMaximum < 0 && g.LogicalMaximumSize < 4)
        {
            // A common slip: Logical Maximum 0xFF with Logical Minimum 0 means 255, not -1.
            logicalMaximum = (int)g.LogicalMaximumRaw;
        }

        if (bits > 0)
        {
            builder.Fields.Add(new HidField
            {
                Kind = kind,
                ReportId = g.ReportId,
                BitOffset = builder.BitLength,
                BitSize = g.ReportSize.Value,
                Count = g.ReportCount.Value,
                Flags = (HidFieldFlags)(data & 0x1FF),
                Usages = [.. _usages],
                LogicalMinimum = g.LogicalMinimum,
                LogicalMaximum = logicalMaximum,
                CollectionPath = [.. _collectionPath],
            });
        }

        builder.BitLength += bits;
    }

    private ReportBuilder GetReport(HidReportKind kind, byte reportId)
    {
        if (!_reports.TryGetValue((kind, reportId), out var builder))
        {
            builder = new ReportBuilder();
            _reports[(kind, reportId)] = builder;
        }

        return builder;
    }

    private void Global(int tag, uint data, int size)
    {
        switch (tag)
        {
            case 0x0:
                if (data > 0xFFFF)
                {
                    throw Fail($"usage page 0x{data:X} does not fit 16 bits");
                }

                _global = _global with { UsagePage = (ushort)data };
                break;
            case 0x1:
                _global = _global with { LogicalMinimum = SignExtend(data, size) };
                break;
            case 0x2:
                _global = _global with { LogicalMaximum = SignExtend(data, size), LogicalMaximumRaw = data, LogicalMaximumSize = size };
                break;
            case 0x3:
            case 0x4:
            case 0x5:
            case 0x6:
                // Physical range, unit exponent and unit: carried by the grammar, not needed here.
                break;
            case 0x7:
                if (data is 0 or > HidReportDescriptor.MaxReportSize)
                {
                    throw Fail($"Report Size {data} is out of range 1..{HidReportDescriptor.MaxReportSize}");
                }

                _global = _global with { ReportSize = (int)data };
                break;
            case 0x8:
                if (data is 0 or > 0xFF)
                {
                    throw Fail($"Report ID {data} is out of range 1..255");
                }

                _usesReportIds = true;
                _global = _global with { ReportId = (byte)data };
                break;
            case 0x9:
                if (data > HidReportDescriptor.MaxReportCount)
                {
                    throw Fail($"Report Count {data} exceeds {HidReportDescriptor.MaxReportCount}");
                }

                _global = _global with { ReportCount = (int)data };
                break;
            case 0xA:
                if (_pushed.Count >= HidReportDescriptor.MaxPushDepth)
                {
                    throw Fail($"Push nests deeper than {HidReportDescriptor.MaxPushDepth}");
                }

                _pushed.Push(_global);
                break;
            case 0xB:
                if (_pushed.Count == 0)
                {
                    throw Fail("Pop without a matching Push");
                }

                _global = _pushed.Pop();
                break;
            default:
                throw Fail($"reserved global item tag 0x{tag:X}");
        }
    }

    private void Local(int tag, uint data, int size)
    {
        switch (tag)
        {
            case 0x0:
                AddUsage(new HidUsageRange(Extend(data, size), Extend(data, size)));
                break;
            case 0x1:
                _usageMinimum = RangeEnd(_usageMinimum, "Usage Minimum twice without Usage Maximum", data, size);
                CloseRange();
                break;
            case 0x2:
                _usageMaximum = RangeEnd(_usageMaximum, "Usage Maximum twice without Usage Minimum", data, size);
                CloseRange();
                break;
            case 0x3:
            case 0x4:
            case 0x5:
            case 0x7:
            case 0x8:
            case 0x9:
                // Designators and strings: part of the grammar, unused for telephony.
                break;
            case 0xA:
                Delimiter(data);
                break;
            default:
                throw Fail($"reserved local item tag 0x{tag:X}");
        }
    }

    private uint RangeEnd(uint? pending, string twice, uint data, int size) =>
        pending is null ? Extend(data, size).Value : throw Fail(twice);

    private void Delimiter(uint data)
    {
        if (data == 1)
        {
            if (_delimiterDepth > 0)
            {
                throw Fail("nested Delimiter sets");
            }

            _delimiterDepth = 1;
        }
        else if (data == 0)
        {
            if (_delimiterDepth == 0)
            {
                throw Fail("Delimiter close without open");
            }

            _delimiterDepth = 0;
        }
        else
        {
            throw Fail($"Delimiter value {data} is neither 0 nor 1");
        }
    }

    private void CloseRange()
    {
        if (_usageMinimum is not { } minimum || _usageMaximum is not { } maximum)
        {
            return;
        }

        if (maximum < minimum)
        {
            throw Fail($"Usage Maximum 0x{maximum:X} is below Usage Minimum 0x{minimum:X}");
        }

        if ((minimum >> 16) != (maximum >> 16))
        {
            throw Fail("a usage range crosses usage pages");
        }

        AddUsage(new HidUsageRange(new HidUsage(minimum), new HidUsage(maximum)));
        _usageMinimum = null;
        _usageMaximum = null;
    }

    private void AddUsage(HidUsageRange range)
    {
        if (_usages.Count >= HidReportDescriptor.MaxLocalUsages)
        {
            throw Fail($"more than {HidReportDescriptor.MaxLocalUsages} usages before one main item");
        }

        _usages.Add(range);
    }

    private HidUsage? FirstUsage() => _usages.Count > 0 ? _usages[0].Minimum : null;

    // A usage of one or two bytes is an ID on the current usage page; four bytes are an extended usage.
    private HidUsage Extend(uint data, int size) => size == 4 ? new HidUsage(data) : new HidUsage(_global.UsagePage, (ushort)data);

    private void ResetLocals()
    {
        _usages.Clear();
        _usageMinimum = null;
        _usageMaximum = null;
    }

    private uint ReadUnsigned(int start, int size)
    {
        uint value = 0;
        for (var i = 0; i < size; i++)
        {
            value |= (uint)_bytes[start + i] << (8 * i);
        }

        return value;
    }

    private static int SignExtend(uint data, int size) => size switch
    {
        0 => 0,
        1 => (sbyte)data,
        2 => (short)data,
        _ => (int)data,
    };

    private HidDescriptorException Fail(string problem) => new(_offset, problem);

    private sealed record GlobalState
    {
        public ushort UsagePage { get; init; }
        public int LogicalMinimum { get; init; }
        public int LogicalMaximum { get; init; }
        public uint LogicalMaximumRaw { get; init; }
        public int LogicalMaximumSize { get; init; }
        public int? ReportSize { get; init; }
        public int? ReportCount { get; init; }
        public byte ReportId { get; init; }
    }

    private sealed class ReportBuilder
    {
        public List<HidField> Fields { get; } = [];

        public int BitLength { get; set; }

        public HidReport Build(HidReportKind kind, byte reportId) => new(kind, reportId, BitLength, Fields);
    }
}
