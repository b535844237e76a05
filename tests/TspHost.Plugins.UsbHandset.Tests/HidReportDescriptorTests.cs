using TspHost.Plugins.UsbHandset.Hid;

namespace TspHost.Plugins.UsbHandset.Tests;

public sealed class HidReportDescriptorTests
{
    public static TheoryData<string, byte[], bool, string> RealWorld => new()
    {
        // name, bytes, uses report IDs, reports as kind:id:bits
        { "example headset", Descriptors.ExampleHeadset, true, "Input:1:8 Output:2:8" },
        { "JLab telephony", Descriptors.JLabTelephony, true, "Input:11:8 Output:11:8" },
        { "JLab vendor CFU", Descriptors.JLabVendorCfu, true, "Input:42:480 Input:44:128 Input:45:128 Output:42:480 Output:45:128 Feature:42:480 Feature:43:480" },
        { "Actions phone", Descriptors.ActionsPhone, true, "Input:6:16 Input:7:16 Input:65:504 Input:85:504 Output:7:16 Output:65:504 Output:85:504" },
        { "usbzh headset keys", Descriptors.UsbzhHeadsetKeys, true, "Input:1:16" },
        { "CircuitPython headset", Descriptors.CircuitPythonHeadset, true, "Input:1:8 Output:2:8" },
        { "plain handset", Descriptors.PlainHandset, false, "Input:0:8 Output:0:8" },
    };

    [Theory]
    [MemberData(nameof(RealWorld))]
    public void Parse_RealWorldDescriptor_YieldsItsReports(string name, byte[] bytes, bool usesReportIds, string reports)
    {
        var descriptor = HidReportDescriptor.Parse(bytes);

        Assert.Equal(usesReportIds, descriptor.UsesReportIds);
        Assert.Equal(reports, string.Join(' ', descriptor.Reports.Select(r => $"{r.Kind}:{r.ReportId}:{r.BitLength}")));
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public void Parse_ExampleHeadset_PlacesHookAndMuteBitsAndLeds()
    {
        var descriptor = HidReportDescriptor.Parse(Descriptors.ExampleHeadset);

        var input = descriptor.FindReport(HidReportKind.Input, 1)!;
        Assert.Equal(2, input.WireLength);
        var controls = input.Fields[0];
        Assert.Equal((0, 1, 2), (controls.BitOffset, controls.BitSize, controls.Count));
        Assert.Equal(new HidUsage(0x0B, 0x20), controls.UsageAt(0));
        Assert.Equal(new HidUsage(0x0B, 0x2F), controls.UsageAt(1));
        Assert.True(controls.IsVariable);
        Assert.False(controls.IsRelative);
        Assert.True(input.Fields[1].IsConstant);
        Assert.Equal((2, 6), (input.Fields[1].BitOffset, input.Fields[1].Count));
        Assert.Equal([new HidCollection(HidCollectionKind.Application, new HidUsage(0x0B, 0x05))], controls.CollectionPath);

        var output = descriptor.FindReport(HidReportKind.Output, 2)!;
        Assert.Equal(new HidUsage(0x08, 0x09), output.Fields[0].UsageAt(0));
        Assert.Equal(new HidUsage(0x08, 0x17), output.Fields[0].UsageAt(1));
        Assert.Equal(new HidUsage(0x08, 0x18), output.Fields[0].UsageAt(2));
        Assert.True(descriptor.HasApplicationOnPage(0x0B));
    }

    [Fact]
    public void Parse_JLabTelephony_KeepsRelativeFlagsAndUsagePageOfEachUsage()
    {
        var input = HidReportDescriptor.Parse(Descriptors.JLabTelephony).FindReport(HidReportKind.Input, 0x0B)!;

        Assert.True(input.Fields[0].IsRelative);
        Assert.Equal(new HidUsage(0x0B, 0x20), input.Fields[0].UsageAt(0));
        Assert.Equal((2, 3), (input.Fields[2].BitOffset, input.Fields[2].Count));
        Assert.Equal(new HidUsage(0x0B, 0x26), input.Fields[2].UsageAt(2));

        // Usage 0x07 came before Usage Page (Button): it stays on the Telephony page.
        Assert.Equal(new HidUsage(0x0B, 0x07), input.Fields[3].UsageAt(0));
        Assert.Equal(new HidUsage(0x09, 0x01), input.Fields[3].Usages[1].Minimum);
    }

    [Fact]
    public void Parse_VendorCfu_ReadsExtendedPagesSignedRangesAndTwoByteFlags()
    {
        var descriptor = HidReportDescriptor.Parse(Descriptors.JLabVendorCfu);

        Assert.Equal(new HidUsage(0xFF0B, 0x0104), descriptor.ApplicationCollections.Single().Usage);
        Assert.False(descriptor.HasApplicationOnPage(0x0B));
        var cfu = descriptor.FindReport(HidReportKind.Input, 0x2A)!.Fields.Single();
        Assert.Equal(255, cfu.LogicalMaximum);
        Assert.Equal(HidFieldFlags.Variable | HidFieldFlags.BufferedBytes, cfu.Flags);
        var payload = descriptor.FindReport(HidReportKind.Input, 0x2C)!.Fields.Single();
        Assert.Equal((int.MinValue, int.MaxValue), (payload.LogicalMinimum, payload.LogicalMaximum));
        Assert.Equal((32, 4), (payload.BitSize, payload.Count));
        Assert.Equal(new HidUsage(0xFF0B, 0x69), payload.UsageAt(3));
    }

    [Fact]
    public void Parse_ActionsPhone_ReadsKeypadArrayInNestedCollection()
    {
        var input = HidReportDescriptor.Parse(Descriptors.ActionsPhone).FindReport(HidReportKind.Input, 7)!;

        var keypad = input.Fields.Single(f => f.Declares(new HidUsage(0x0B, 0xB5)));
        Assert.False(keypad.IsVariable);
        Assert.Equal((11, 4, 12), (keypad.BitOffset, keypad.BitSize, keypad.UsageCount));
        Assert.Equal((0, 12), (keypad.LogicalMinimum, keypad.LogicalMaximum));
        Assert.Equal(new HidUsage(0x0B, 0xBB), keypad.UsageAt(11));
        Assert.Null(keypad.UsageAt(12));
        Assert.Equal([HidCollectionKind.Application, HidCollectionKind.Logical], keypad.CollectionPath.Select(c => c.Kind));
        Assert.Equal(new HidUsage(0x0B, 0x06), keypad.CollectionPath[1].Usage);
    }

    [Fact]
    public void Parse_PlainHandset_RestoresGlobalsOnPopAndReadsExtendedUsages()
    {
        var descriptor = HidReportDescriptor.Parse(Descriptors.PlainHandset);

        var input = descriptor.FindReport(HidReportKind.Input, 0)!;
        Assert.Equal(1, input.WireLength);
        Assert.Equal((1, 4, 1), (input.Fields[1].BitOffset, input.Fields[1].BitSize, input.Fields[1].LogicalMinimum));
        var output = descriptor.FindReport(HidReportKind.Output, 0)!;
        Assert.Equal(new HidUsage(0x0B, 0x9E), output.Fields[0].UsageAt(2));
    }

    [Fact]
    public void Parse_UsageRangeAndSingleUsages_AreIndexedInDeclarationOrder()
    {
        // Usage 0x20, Usage Min 0xB0 .. Max 0xB2, Usage 0x2F on the Telephony page; 5 variable bits.
        var field = HidReportDescriptor.Parse(Descriptors.Hex("05 0B 09 20 19 B0 29 B2 09 2F 15 00 25 01 75 01 95 06 81 02"))
            .Reports.Single().Fields.Single();

        Assert.Equal(5, field.UsageCount);
        Assert.Equal([0x20, 0xB0, 0xB1, 0xB2, 0x2F, 0x2F], Enumerable.Range(0, 6).Select(i => (int)field.UsageAt(i)!.Value.Id));
    }

    [Fact]
    public void Parse_NegativeLogicalRange_IsSigned()
    {
        var field = HidReportDescriptor.Parse(Descriptors.Hex("05 01 09 30 15 81 25 7F 75 08 95 01 81 06")).Reports.Single().Fields.Single();

        Assert.Equal((-127, 127), (field.LogicalMinimum, field.LogicalMaximum));
        Assert.Equal(-2, HidBits.ReadValue([0xFE], field, 0));
    }

    public static TheoryData<string, string, int, string> Malformed => new()
    {
        { "empty", "", 0, "empty" },
        { "truncated data", "05", 0, "truncated" },
        { "truncated later item", "05 0B 09", 2, "truncated" },
        { "truncated four-byte item", "05 0B 0B 17 00", 2, "truncated" },
        { "collection not closed", "05 0B 09 01 A1 01", 6, "unbalanced" },
        { "end without collection", "C0", 0, "unbalanced" },
        { "report size too big", "75 FF", 0, "Report Size 255" },
        { "report size zero", "75 00", 0, "Report Size 0" },
        { "report count absurd", "96 FF FF", 0, "Report Count 65535" },
        { "report far too long", "75 20 96 00 04 81 02 81 02", 7, "grows beyond" },
        { "long item", "FE 02 00 01 02", 0, "long items" },
        { "reserved type", "0C", 0, "reserved type" },
        { "pop without push", "B4", 0, "Pop" },
        { "report id zero", "85 00", 0, "Report ID 0" },
        { "input before size", "95 01 81 02", 2, "Report Size" },
        { "input before count", "75 01 81 02", 2, "Report Count" },
        { "minimum without maximum", "19 01 75 01 95 01 81 02", 6, "Usage Minimum without Usage Maximum" },
        { "maximum below minimum", "19 05 29 01", 2, "below" },
        { "unknown main tag", "F0", 0, "main item tag" },
        { "delimiter not closed", "A9 01", 2, "Delimiter" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_MalformedDescriptor_IsRejectedNamingOffsetAndProblem(string name, string hex, int offset, string problem)
    {
        var ex = Assert.Throws<HidDescriptorException>(() => HidReportDescriptor.Parse(Descriptors.Hex(hex)));

        Assert.Equal(offset, ex.Offset);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"byte {offset}", ex.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public void Parse_DeeplyNestedCollections_AreRejected()
    {
        var bytes = Enumerable.Repeat(new byte[] { 0xA1, 0x02 }, 40).SelectMany(b => b).ToArray();

        var ex = Assert.Throws<HidDescriptorException>(() => HidReportDescriptor.Parse(bytes));

        Assert.Contains("nest deeper", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeepPush_IsRejected()
    {
        var ex = Assert.Throws<HidDescriptorException>(() => HidReportDescriptor.Parse(Enumerable.Repeat((byte)0xA4, 40).ToArray()));

        Assert.Contains("Push", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OversizedDescriptor_IsRejectedWithoutReadingIt()
    {
        var ex = Assert.Throws<HidDescriptorException>(() => HidReportDescriptor.Parse(new byte[1 << 20]));

        Assert.Contains("at most 4096", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RandomAndMutatedBytes_NeverFailOtherThanWithHidDescriptorException()
    {
        var random = new Random(20261121);
        var seeds = new[] { Descriptors.ExampleHeadset, Descriptors.ActionsPhone, Descriptors.JLabVendorCfu };
        for (var i = 0; i < 3000; i++)
        {
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = (byte[])seeds[i % seeds.Length].Clone();
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                bytes = bytes[..random.Next(1, bytes.Length + 1)];
            }

            try
            {
                HidReportDescriptor.Parse(bytes);
            }
            catch (HidDescriptorException)
            {
            }
        }
    }
}
