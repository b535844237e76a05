using System.Text;

namespace TspHost.Fuzz;

/// <summary>
/// The text and descriptor seed corpora committed in <c>fuzz/corpus/&lt;target&gt;/</c>, written by
/// <c>TspHost.Fuzz --write-seeds DIR</c>: well-formed inputs of every shape each parser knows, for
/// afl-fuzz to start mutating from. The frame seeds (<c>fuzz/corpus/frame/</c>) are committed frames
/// of the wire format, which is fixed (<c>WireFormatV1.txt</c>).
/// </summary>
public static class Seeds
{
    /// <summary>Writes every seed under <paramref name="directory"/>, one folder per target.</summary>
    public static void Write(string directory)
    {
        foreach (var (target, seeds) in All())
        {
            var folder = Path.Combine(directory, target);
            Directory.CreateDirectory(folder);
            foreach (var (name, bytes) in seeds)
            {
                File.WriteAllBytes(Path.Combine(folder, name), bytes);
            }
        }
    }

    private static IEnumerable<(string Target, (string Name, byte[] Bytes)[] Seeds)> All()
    {
        yield return ("at-result",
        [
            ("results", Text("OK\r\nCONNECT 33600\r\nRING\r\nNO CARRIER\r\nERROR\r\nBUSY\r\nNO DIALTONE\r\nNO ANSWER\r\n")),
            ("cme", Text("+CME ERROR: 30\r\n+CMS ERROR: 500\r\n+CME ERROR: no network service\r\n")),
            ("numeric", Text("0\r1\r2\r3\r4\r10\r")),
            ("echo-and-text", Text("ATI3\r\r\nMultiTech Systems\r\n\r\nOK\r\n")),
            ("caller-id-block", Text("RING\r\n\r\nDATE = 0321\r\nTIME = 1405\r\nNMBR = 5551234\r\nNAME = ALICE\r\n\r\nRING\r\n")),
        ]);
        yield return ("caller-id",
        [
            ("full", Text("DATE = 0321\nTIME = 1405\nNMBR = 5551234\nNAME = ALICE\n")),
            ("withheld", Text("NMBR = P\nNAME = O\n")),
            ("mesg", Text("MESG = 060342303331\nNMBR=5551234\r\n")),
        ]);
        yield return ("hid-descriptor",
        [
            ("headset", Hex("05 0B 09 05 A1 01 85 01 15 00 25 01 09 20 09 2F 75 01 95 02 81 02 95 06 81 03 85 02 05 08 09 09 09 17 09 18 95 03 91 02 95 05 91 03 C0")),
            ("telephony-keypad", Hex("05 0B 09 01 A1 01 09 04 A1 02 A4 15 00 25 01 75 01 95 01 09 20 81 02 B4 15 01 25 0C 75 04 95 01 09 06 A1 02 19 B0 29 BB 81 00 C0 75 03 95 01 81 03 " +
                "0B 17 00 08 00 0B 18 00 08 00 0B 9E 00 0B 00 15 00 25 01 75 01 95 03 91 02 95 05 91 03 C0 C0")),
            ("vendor-long-items", Hex("06 0B FF 0A 04 01 A1 01 15 00 25 FF 75 08 95 3C 85 2A 09 60 82 02 01 09 61 92 02 01 09 62 B2 02 01 " +
                "85 2B 09 65 B2 02 01 17 00 00 00 80 27 FF FF FF 7F 75 20 95 04 85 2C 19 66 29 69 81 02 85 2D 19 8A 29 8D 81 02 19 8E 29 91 91 02 C0")),
            ("consumer-and-telephony", Hex("05 0c 09 01 a1 01 85 01 15 00 25 01 75 01 95 01 09 e9 81 02 09 ea 81 02 09 cd 81 02 09 b5 81 02 09 b6 81 02 " +
                "09 b7 81 02 09 b3 81 02 09 b4 81 02 05 0b 09 24 81 02 09 20 81 02 09 2f 81 06 95 05 81 01 c0")),
        ]);
    }

    private static byte[] Text(string text) => Encoding.Latin1.GetBytes(text);

    private static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", "", StringComparison.Ordinal));
}
