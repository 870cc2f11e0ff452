using VNCH.Network.Fuzzing;

namespace VNCH.Network.Fuzzing.Tests;

/// <summary>
/// Every crash or hang afl++ found, minimised and kept under tests/VNCH.Network.Fuzzing/Regressions/{target}/, goes
/// through the same target again: it must end in the reader's own answer (parsed, or refused with the reader's
/// documented exception), and that answer must be the specific one listed for it in expected.tsv.
/// </summary>
public sealed class FuzzRegressionTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Regressions");

    private static readonly IReadOnlyDictionary<string, string> Expected = File.ReadAllLines(Path.Combine(Root, "expected.tsv"))
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.Split('\t', 2))
        .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);

    public static TheoryData<string> KeptInputs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.Contains('/'))
            {
                data.Add(relative);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KeptInputs))]
    public void A_kept_input_ends_in_its_readers_specific_answer(string input)
    {
        var target = FuzzTargets.All[input[..input.IndexOf('/')]];
        Assert.True(Expected.TryGetValue(input, out var expected), $"{input} has no line in Regressions/expected.tsv");

        var outcome = target(File.ReadAllBytes(Path.Combine(Root, input)));

        Assert.Contains(expected, $"{(outcome.Parsed ? "parsed" : "rejected")} {outcome.Detail}", StringComparison.Ordinal);
    }

    [Fact]
    public void Every_target_has_kept_inputs_or_none_were_found_and_every_listed_input_exists()
    {
        Assert.All(Expected.Keys, key => Assert.True(File.Exists(Path.Combine(Root, key)), key));
        Assert.All(Expected.Keys, key => Assert.Contains(key[..key.IndexOf('/')], FuzzTargets.All.Keys));
    }
}
