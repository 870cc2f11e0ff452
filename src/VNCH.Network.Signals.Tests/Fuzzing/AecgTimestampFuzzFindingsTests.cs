using System.Text;
using VNCH.Network.Signals.Ecg.Aecg;

namespace VNCH.Network.Signals.Tests.Fuzzing;

/// <summary>
/// Found by afl++ over the aECG reader (docs/security.md, "Fuzzing"): an effectiveTime value that is short once
/// trimmed, or that names a zone no calendar has, threw ArgumentOutOfRangeException instead of being an unknown time.
/// </summary>
public sealed class AecgTimestampFuzzFindingsTests
{
    private static string Document(string timeValue) =>
        $"""
        <?xml version="1.0"?>
        <AnnotatedECG xmlns="urn:hl7-org:v3">
          <id root="2.16.840.1.113883.3.1"/>
          <effectiveTime><center value="{timeValue}"/></effectiveTime>
        </AnnotatedECG>
        """;

    [Theory]
    [InlineData("\n\n\n\n\n\n1000")] // afl's input: 10 characters, 4 once trimmed
    [InlineData("  2020  ")]
    [InlineData("20200101+9999")] // a 99-hour zone
    [InlineData("20200101-1460")] // 60 minutes
    [InlineData("00010101+1200")] // the zone moves the time before year 1
    [InlineData("99991231235959-1400")] // … or after year 9999
    public void An_unusable_effective_time_is_no_time_never_an_exception(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(Document(value));

        // The document has no leads: the reader's own refusal, whatever the time.
        var refusal = Assert.Throws<SignalFormatException>(() => AecgReader.Read(new MemoryStream(bytes)));
        Assert.Contains("no RHYTHM series", refusal.Message);
    }
}
