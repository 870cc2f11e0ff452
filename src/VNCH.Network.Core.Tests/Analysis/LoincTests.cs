using System.Text.RegularExpressions;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Testing;

namespace VNCH.Network.Core.Tests.Analysis;

public sealed partial class LoincTests
{
    [Theory]
    [InlineData("8867-4")]   // Heart rate
    [InlineData("8625-6")]   // P-R interval
    [InlineData("8633-0")]   // QRS duration
    [InlineData("8634-8")]   // Q-T interval
    [InlineData("76635-2")]  // QTc, Bazett
    [InlineData("76634-5")]  // QTc, Fridericia
    [InlineData("18748-4")]  // Diagnostic imaging study
    [InlineData("89016-0")]  // Hearing threshold, left ear, 1000 Hz
    public void Published_codes_have_valid_check_digits(string code) => Assert.True(Loinc.HasValidCheckDigit(code));

    [Theory]
    [InlineData("8633-4")]   // the QRS code once shipped here by mistake: one wrong check digit
    [InlineData("8634-2")]
    [InlineData("8636-7")]
    [InlineData("8876-4")]   // transposed digits
    [InlineData("8867")]
    [InlineData("8867-")]
    [InlineData("-4")]
    [InlineData("88a7-4")]
    [InlineData("8867-44")]
    public void Malformed_or_mistyped_codes_are_refused(string code) => Assert.False(Loinc.HasValidCheckDigit(code));

    /// <summary>Every LOINC code the service writes into a record must at least be well-formed.</summary>
    [Fact]
    public void Every_LOINC_code_in_the_source_has_a_valid_check_digit()
    {
        var src = Path.Combine(TestData.RepositoryRoot, "src");
        var codes = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LoincLiteral().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(src, f), Code: m.Groups[1].Value)))
            .ToList();

        Assert.True(codes.Count >= 10, $"expected the analysers' and mapper's LOINC codes, found {codes.Count}");
        Assert.DoesNotContain(codes, c => !Loinc.HasValidCheckDigit(c.Code));
    }

    [GeneratedRegex("""CodeSystems\.Loinc,\s*"([^"]+)""")]
    private static partial Regex LoincLiteral();
}
