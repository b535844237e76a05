using System.Reflection;

namespace TspHost.Fuzz.Tests;

/// <summary>Every committed fuzz input, seed or found crash, runs through its target without an unexpected exception.</summary>
public sealed class CorpusReplayTests
{
    private static readonly string s_fuzz = typeof(CorpusReplayTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FuzzDirectory").Value!;

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "corpus", "regressions" })
        {
            foreach (var target in FuzzTargets.All.Keys)
            {
                var folder = Path.Combine(s_fuzz, kind, target);
                foreach (var file in Directory.Exists(folder) ? Directory.GetFiles(folder) : [])
                {
                    data.Add(target, Path.GetRelativePath(s_fuzz, file));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void CommittedInput_RunsThroughItsTarget_WithoutAnUnexpectedException(string target, string file) =>
        FuzzTargets.All[target](File.ReadAllBytes(Path.Combine(s_fuzz, file)));

    [Fact]
    public void EveryTarget_HasASeedCorpus()
    {
        foreach (var target in FuzzTargets.All.Keys)
        {
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(s_fuzz, "corpus", target)));
        }
    }

    [Fact]
    public void FrameTarget_RefusesAStreamThatWouldNotAdvance_AsACrash()
    {
        // The codec must consume every frame it decodes; a header claiming length 0 is refused as fatal, not looped on.
        FuzzTargets.Frames([0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
        FuzzTargets.Frames([12, 0, 0, 0, 0xFF, 0xFF, 0, 0, 1, 0, 0, 0]);
    }
}
