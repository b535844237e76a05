using TspHost.Plugins.UsbHandset.Hid;

namespace TspHost.Plugins.UsbHandset.Telephony;

/// <summary>
/// Where a handset's telephony controls and indicators live in its reports, built from the parsed
/// descriptor (and a key map for vendor-defined reports). Pure: <see cref="Decode"/> turns one input
/// report into telephony inputs; <see cref="Encode"/> rebuilds whole output reports from a state.
/// </summary>
public sealed class TelephonyReportMap
{
    private readonly bool _usesReportIds;
    private readonly List<InputBinding> _inputs;
    private readonly List<OutputBinding> _outputs;
    private readonly Dictionary<byte, HidReport> _outputReports;
    private readonly HandsetKeyMap _keyMap;

    private TelephonyReportMap(HidReportDescriptor descriptor, HandsetKeyMap keyMap)
    {
        _usesReportIds = descriptor.UsesReportIds;
        _keyMap = keyMap;
        _inputs = [];
        _outputs = [];
        _outputReports = [];
        foreach (var report in descriptor.Reports)
        {
            // Padding has no usages. Some firmware flags real controls Constant (a hook switch as
            // Input 0x23): a field with usages is read whatever its Constant bit says.
            foreach (var field in report.Fields.Where(f => !f.IsConstant || f.Usages.Count > 0))
            {
                if (report.Kind == HidReportKind.Input)
                {
                    AddInput(field);
                }
                else if (report.Kind == HidReportKind.Output)
                {
                    AddOutput(report, field);
                }
            }
        }

        MaxInputReportLength = descriptor.Reports.Where(r => r.Kind == HidReportKind.Input).Select(r => r.WireLength).DefaultIfEmpty(0).Max();
        HookSwitchDevice = descriptor.ApplicationCollections.Any(c => c.Usage == TelephonyUsages.Headset)
            || descriptor.Reports.SelectMany(r => r.Fields).Any(f => f.CollectionPath.Any(c => c.Usage == TelephonyUsages.Headset))
            ? HandsetKind.Headset
            : HandsetKind.Handset;
    }

    /// <summary>Whether the handset is a headset or a handset (from its collections).</summary>
    public HandsetKind HookSwitchDevice { get; }

    /// <summary>The longest input report on the wire (report ID included).</summary>
    public int MaxInputReportLength { get; }

    /// <summary>The controls the handset can report.</summary>
    public IReadOnlySet<HandsetControl> Controls => _inputs.SelectMany(b => b.ArrayField is { } array ? ArrayControls(array) : [b.Control]).Concat(_keyMap.Controls).ToHashSet();

    /// <summary>The indicators the handset has.</summary>
    public HandsetIndicators Indicators => _outputs.Aggregate(HandsetIndicators.None, (all, b) => all | b.Indicator);

    /// <summary>Builds the map.</summary>
    public static TelephonyReportMap Create(HidReportDescriptor descriptor, HandsetKeyMap? keyMap = null)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return new TelephonyReportMap(descriptor, keyMap ?? HandsetKeyMap.Empty);
    }

    /// <summary>Starts decoding a stream of input reports; the decoder remembers the previous values.</summary>
    public TelephonyInputDecoder CreateDecoder() => new(this);

    /// <summary>
    /// Builds every output report that carries an indicator, whole: each bit comes from
    /// <paramref name="state"/>, padding and unknown outputs are 0.
    /// </summary>
    public IReadOnlyList<HidOutputReport> Encode(HandsetIndicators state)
    {
        var result = new List<HidOutputReport>();
        foreach (var group in _outputs.GroupBy(b => b.ReportId).OrderBy(g => g.Key))
        {
            var data = new byte[_outputReports[group.Key].DataLength];
            foreach (var binding in group)
            {
                HidBits.Write(data, binding.BitOffset, binding.BitSize, (state & binding.Indicator) != 0 ? binding.OnValue : 0);
            }

            result.Add(new HidOutputReport(group.Key, data));
        }

        return result;
    }

    internal void Decode(ReadOnlySpan<byte> wire, TelephonyInputDecoder decoder, bool offHook, bool muted, List<HandsetInput> events)
    {
        if (_keyMap.TryMatch(wire, out var action))
        {
            TelephonyInputDecoder.ApplyKeyMap(action, muted, events);
            return;
        }

        byte reportId = 0;
        var data = wire;
        if (_usesReportIds)
        {
            if (wire.IsEmpty)
            {
                return;
            }

            reportId = wire[0];
            data = wire[1..];
        }

        for (var i = 0; i < _inputs.Count; i++)
        {
            var binding = _inputs[i];
            if (binding.ReportId != reportId)
            {
                continue;
            }

            if (binding.ArrayField is { } array)
            {
                decoder.ApplyArray(i, ReadArray(data, array), events);
            }
            else
            {
                var value = HidBits.Read(data, binding.BitOffset, binding.BitSize);
                decoder.ApplyVariable(i, binding, value, offHook, muted, events);
            }
        }
    }

    internal IReadOnlyList<InputBinding> Inputs => _inputs;

    private static HashSet<HandsetControl> ReadArray(ReadOnlySpan<byte> data, HidField field)
    {
        var pressed = new HashSet<HandsetControl>();
        for (var slot = 0; slot < field.Count; slot++)
        {
            var value = HidBits.ReadValue(data, field, slot);
            if (value < field.LogicalMinimum || value > field.LogicalMaximum)
            {
                continue;
            }

            if (field.UsageAt(value - field.LogicalMinimum) is { } usage
                && TelephonyUsages.InputControl(usage) is { } control
                && control != HandsetControl.HookSwitch
                && control != HandsetControl.PhoneMute)
            {
                pressed.Add(control);
            }
        }

        return pressed;
    }

    private void AddInput(HidField field)
    {
        if (!field.IsVariable)
        {
            if (ArrayControls(field).Any())
            {
                _inputs.Add(new InputBinding(field.ReportId, field.BitOffset, field.BitSize, HandsetControl.Key0, false, field));
            }

            return;
        }

        for (var i = 0; i < field.Count; i++)
        {
            if (field.UsageAt(i) is { } usage && TelephonyUsages.InputControl(usage) is { } control)
            {
                _inputs.Add(new InputBinding(field.ReportId, field.BitOffset + (i * field.BitSize), field.BitSize, control, field.IsRelative, null));
            }
        }
    }

    private static IEnumerable<HandsetControl> ArrayControls(HidField field) =>
        Enumerable.Range(0, Math.Min(field.UsageCount, 1024))
            .Select(i => field.UsageAt(i) is { } usage ? TelephonyUsages.InputControl(usage) : null)
            .OfType<HandsetControl>();

    private void AddOutput(HidReport report, HidField field)
    {
        if (!field.IsVariable)
        {
            return;
        }

        for (var i = 0; i < field.Count; i++)
        {
            if (field.UsageAt(i) is { } usage && TelephonyUsages.OutputIndicator(usage) is { } indicator)
            {
                var on = field.LogicalMaximum > 0 ? (uint)field.LogicalMaximum : 1u;
                _outputs.Add(new OutputBinding(field.ReportId, field.BitOffset + (i * field.BitSize), field.BitSize, indicator, on));
                _outputReports[report.ReportId] = report;
            }
        }
    }

    internal sealed record InputBinding(byte ReportId, int BitOffset, int BitSize, HandsetControl Control, bool Relative, HidField? ArrayField);

    private sealed record OutputBinding(byte ReportId, int BitOffset, int BitSize, HandsetIndicators Indicator, uint OnValue);
}

/// <summary>Whether the hook switch belongs to a handset or a headset.</summary>
public enum HandsetKind
{
    /// <summary>A handset.</summary>
    Handset,
    /// <summary>A headset.</summary>
    Headset,
}

/// <summary>One output report: its ID (0 when the device numbers none) and its data.</summary>
/// <param name="ReportId">The report ID.</param>
/// <param name="Data">The data, without the report ID.</param>
public sealed record HidOutputReport(byte ReportId, byte[] Data)
{
    /// <summary>The report as hidraw writes it: the report ID (0 when none) then the data.</summary>
    public byte[] ToWire()
    {
        var wire = new byte[Data.Length + 1];
        wire[0] = ReportId;
        Data.CopyTo(wire, 1);
        return wire;
    }

    /// <inheritdoc />
    public bool Equals(HidOutputReport? other) => other is not null && ReportId == other.ReportId && Data.AsSpan().SequenceEqual(other.Data);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ReportId, Data.Length);

    /// <inheritdoc />
    public override string ToString() => $"{ReportId:X2}:{Convert.ToHexString(Data)}";
}

/// <summary>
/// Decodes a stream of input reports of one handset. Absolute controls act on each change of their
/// value; relative (toggle) controls act on each non-zero value; a button that can report no release
/// (a relative one, or a key map entry without an <c>up</c> code) gets its up at once.
/// </summary>
public sealed class TelephonyInputDecoder
{
    private readonly TelephonyReportMap _map;
    private readonly Dictionary<int, uint> _previous = [];
    private readonly Dictionary<int, HashSet<HandsetControl>> _previousArrays = [];

    internal TelephonyInputDecoder(TelephonyReportMap map) => _map = map;

    /// <summary>
    /// Decodes one input report as read from the device (the report ID first when the device numbers
    /// its reports). <paramref name="offHook"/> and <paramref name="muted"/> are the current states, which
    /// toggles flip.
    /// </summary>
    public IReadOnlyList<HandsetInput> Decode(ReadOnlySpan<byte> report, bool offHook, bool muted)
    {
        var events = new List<HandsetInput>();
        _map.Decode(report, this, offHook, muted, events);
        return events;
    }

    internal void ApplyVariable(int index, TelephonyReportMap.InputBinding binding, uint value, bool offHook, bool muted, List<HandsetInput> events)
    {
        var previous = _previous.GetValueOrDefault(index);
        _previous[index] = value;
        var stateful = binding.Control is HandsetControl.HookSwitch or HandsetControl.PhoneMute;
        var current = binding.Control == HandsetControl.HookSwitch ? offHook : muted;
        if (binding.Relative)
        {
            if (value == 0)
            {
                return;
            }

            if (stateful)
            {
                events.Add(new HandsetInput(binding.Control, !current));
            }
            else
            {
                events.Add(new HandsetInput(binding.Control, true));
                events.Add(new HandsetInput(binding.Control, false));
            }

            return;
        }

        if ((value != 0) == (previous != 0))
        {
            return;
        }

        events.Add(new HandsetInput(binding.Control, value != 0));
    }

    internal void ApplyArray(int index, HashSet<HandsetControl> pressed, List<HandsetInput> events)
    {
        var previous = _previousArrays.GetValueOrDefault(index) ?? [];
        foreach (var control in previous.Where(c => !pressed.Contains(c)).Order())
        {
            events.Add(new HandsetInput(control, false));
        }

        foreach (var control in pressed.Where(c => !previous.Contains(c)).Order())
        {
            events.Add(new HandsetInput(control, true));
        }

        _previousArrays[index] = pressed;
    }

    internal static void ApplyKeyMap(HandsetKeyMap.KeyAction action, bool muted, List<HandsetInput> events)
    {
        switch (action.Control)
        {
            case HandsetControl.HookSwitch:
                events.Add(new HandsetInput(HandsetControl.HookSwitch, action.Down));
                break;
            case HandsetControl.PhoneMute:
                if (action.Down)
                {
                    events.Add(new HandsetInput(HandsetControl.PhoneMute, !muted));
                }

                break;
            default:
                events.Add(new HandsetInput(action.Control, action.Down));
                if (action.Down && !action.HasRelease)
                {
                    events.Add(new HandsetInput(action.Control, false));
                }

                break;
        }
    }
}
