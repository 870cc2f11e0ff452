using System.Text;
using VNCH.Network.Signals.Ecg;
using VNCH.Network.Signals.Ecg.Aecg;
using VNCH.Network.Testing;

namespace VNCH.Network.Signals.Tests.Ecg;

public sealed class AecgReaderTests
{
    public static EcgRecording ReadExample()
    {
        using var stream = File.OpenRead(TestData.File("ecg/hl7-aecg/Example_aECG.xml"));
        return AecgReader.Read(stream);
    }

    [Fact]
    public void Example_has_twelve_leads_at_500_hz_and_its_demographics()
    {
        var recording = ReadExample();
        Assert.Equal(500, recording.SamplingRateHz, 6);
        Assert.Equal(5000, recording.SampleCount);
        Assert.Equal(["I", "II", "V1", "V2", "V3", "V4", "V5", "V6", "III", "aVR", "aVL", "aVF"], recording.Leads.Select(l => l.Name));
        Assert.Equal(Sex.Male, recording.Subject.Sex);
        Assert.Equal(new DateOnly(1953, 5, 8), recording.Subject.BirthDate);
        Assert.Equal(new DateTimeOffset(2002, 11, 22, 9, 10, 0, TimeSpan.Zero), recording.AcquisitionTime);
        Assert.Equal(PatientAge.DaysBetween(new DateOnly(1953, 5, 8), new DateOnly(2002, 11, 22)), recording.Subject.AgeDaysAt(recording.AcquisitionTime));
    }

    [Fact]
    public void Example_samples_equal_the_same_ecg_decoded_from_scp_by_biosig()
    {
        // Example.scp is the same recording; biosig's decode is an independent oracle for scale and origin.
        var recording = ReadExample();
        var path = TestData.File("ecg/derived/Example_scp_decoded_by_biosig_uV.csv");
        var columns = File.ReadLines(path).First().Split(',').Select(c => c.Trim('"').Replace(" [uV]", string.Empty, StringComparison.Ordinal)).ToArray();
        var rows = EcgTestData.Csv("ecg/derived/Example_scp_decoded_by_biosig_uV.csv").ToList();
        Assert.Equal(recording.SampleCount, rows.Count);
        for (var c = 0; c < columns.Length; c++)
        {
            var lead = recording.FindLead(columns[c]) ?? throw new InvalidOperationException($"lead {columns[c]} missing");
            var mismatches = rows.Select((r, i) => (Expected: EcgTestData.Number(r[c]), Actual: (double)lead.Microvolts[i])).Count(p => Math.Abs(p.Expected - p.Actual) > 1e-3);
            Assert.True(mismatches == 0, $"lead {columns[c]}: {mismatches} samples differ from biosig");
        }
    }

    [Fact]
    public void Minimum_document_reads_its_single_lead()
    {
        using var stream = File.OpenRead(TestData.File("ecg/hl7-aecg/minimum_aecg.xml"));
        var recording = AecgReader.Read(stream);
        var lead = Assert.Single(recording.Leads);
        Assert.Equal("II", lead.Name);
        Assert.Equal([-5f, -5f, -5f, -5f, -7.5f, -10f, -7.5f, -12.5f, -12.5f, -10f, -15f, -22.5f, -22.5f], lead.Microvolts);
    }

    [Fact]
    public void Empty_document_is_rejected()
    {
        using var stream = File.OpenRead(TestData.File("ecg/hl7-aecg/empty.xml"));
        var error = Assert.Throws<SignalFormatException>(() => AecgReader.Read(stream));
        Assert.Contains("no RHYTHM series", error.Message, StringComparison.Ordinal);
    }

    private const string Head = """<AnnotatedECG xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><component><series><code code="RHYTHM"/><component><sequenceSet>""";
    private const string Time = """<component><sequence><code code="TIME_ABSOLUTE"/><value xsi:type="GLIST_TS"><head value="20240101120000"/><increment value="0.002" unit="s"/></value></sequence></component>""";
    private const string Tail = "</sequenceSet></component></series></component></AnnotatedECG>";

    private static string Lead(string digits, string unit = "uV") =>
        $"""<component><sequence><code code="MDC_ECG_LEAD_II"/><value xsi:type="SLIST_PQ"><origin value="0" unit="{unit}"/><scale value="5" unit="{unit}"/><digits>{digits}</digits></value></sequence></component>""";

    [Theory]
    [InlineData("not xml at all", "not well-formed XML")]
    [InlineData("<Other/>", "root element is 'Other'")]
    [InlineData(Head + "<component><sequence><code code=\"MDC_ECG_LEAD_II\"/><value><scale value=\"5\" unit=\"uV\"/><digits>1 2 3</digits></value></sequence></component>" + Tail, "no TIME_ABSOLUTE or TIME_RELATIVE")]
    [InlineData(Head + Time + "<component><sequence><code code=\"MDC_ECG_LEAD_II\"/><value><scale value=\"5\" unit=\"uV\"/><digits>1 x 3</digits></value></sequence></component>" + Tail, "digit 2 'x' is not an integer")]
    [InlineData(Head + Time + "<component><sequence><code code=\"MDC_ECG_LEAD_II\"/><value><scale value=\"5\" unit=\"mmHg\"/><digits>1 2 3</digits></value></sequence></component>" + Tail, "unit 'mmHg'")]
    [InlineData(Head + Time + "<component><sequence><code code=\"MDC_ECG_LEAD_II\"/><value><digits>1 2 3</digits></value></sequence></component>" + Tail, "has no scale")]
    [InlineData("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><AnnotatedECG>&e;</AnnotatedECG>", "not well-formed XML")]
    public void Malformed_documents_are_rejected_with_a_specific_message(string xml, string expected)
    {
        var error = Assert.Throws<SignalFormatException>(() => AecgReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml))));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Millivolt_scale_and_origin_are_applied()
    {
        var xml = Head + Time + Lead("1 -2 3", "mV").Replace("<origin value=\"0\"", "<origin value=\"0.5\"", StringComparison.Ordinal) + Tail;
        var recording = AecgReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml)));
        Assert.Equal([5500f, -9500f, 15500f], recording.Leads[0].Microvolts);
        Assert.Equal(500, recording.SamplingRateHz, 6);
    }
}
