using System.Text;
using VNCH.Network.Testing;
using static VNCH.Network.Api.Tests.Security.UploadHarness;

namespace VNCH.Network.Api.Tests.Security;

/// <summary>
/// Issue 13 items 3 and 11 at the HTTP boundary: budget breaches answer 413 or 400 as problem+json naming the limit,
/// and a part whose headers are too long is a 400, not a 500.
/// </summary>
public sealed class UploadBudgetTests
{
    private const string Problem = "application/problem+json";
    private static readonly byte[] Dicom = File.ReadAllBytes(TestData.File("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm"));

    [Fact]
    public async Task A_part_with_an_oversized_header_is_a_400_problem_not_a_500()
    {
        var harness = new UploadHarness();
        var body = Multipart("b1", ($"Content-Type: application/dicom\r\nX-Padding: {new string('x', 100_000)}", Dicom));

        await AssertProblemAsync(harness, new MemoryStream(body), "multipart/related; type=\"application/dicom\"; boundary=b1", 400, "/part-headers-invalid");
    }

    [Fact]
    public async Task A_part_whose_boundary_line_runs_on_is_a_400_problem_not_a_500()
    {
        // afl++'s finding over the multipart reader (docs/security.md, "Fuzzing"): junk after a boundary line.
        var harness = new UploadHarness();
        var body = Encoding.ASCII.GetBytes("--b1\r\nContent-Type: application/dicom\r\n\r\n\x07 \r\n--b1--m" + new string('m', 200) + "\r\n--b1--\r\n");

        await AssertProblemAsync(harness, new MemoryStream(body), "multipart/related; type=\"application/dicom\"; boundary=b1", 400, "/part-framing-invalid");
    }

    [Fact]
    public async Task More_parts_than_the_budget_is_a_413_problem()
    {
        var harness = new UploadHarness(("Vnch:InputBudgets:MaxMultipartParts", "3"));
        var parts = Enumerable.Range(0, 5).Select(i => ("Content-Type: application/dicom", Encoding.ASCII.GetBytes($"not dicom {i}"))).ToArray();

        await AssertProblemAsync(harness, new MemoryStream(Multipart("b1", parts)), "multipart/related; boundary=b1", 413, "/too-many-parts");
    }

    [Fact]
    public async Task A_part_over_its_document_budget_is_a_413_problem()
    {
        var harness = new UploadHarness(("Vnch:InputBudgets:MaxDicomBytes", "4096"));
        var body = Multipart("b1", ("Content-Type: application/dicom", Dicom));

        var (status, _, text, _) = await harness.PostAsync(new MemoryStream(body), "multipart/related; boundary=b1");

        Assert.Equal(413, status);
        Assert.EndsWith("/document-too-large", ProblemType(text));
    }

    [Fact]
    public async Task A_request_over_its_budget_is_a_413_problem_before_and_while_it_streams()
    {
        var harness = new UploadHarness(("Vnch:InputBudgets:MaxRequestBytes", "8192"));

        var declared = await harness.PostAsync(new MemoryStream(Dicom), "application/dicom", contentLength: Dicom.Length);
        var streamed = await harness.PostAsync(new MemoryStream(Dicom), "application/dicom");

        Assert.Equal(413, declared.Status);
        Assert.EndsWith("/request-too-large", ProblemType(declared.Body));
        Assert.Equal(413, streamed.Status);
        Assert.EndsWith("/request-too-large", ProblemType(streamed.Body));
    }

    [Fact]
    public async Task A_single_document_refused_for_its_shape_is_a_400_problem_naming_the_limit()
    {
        var harness = new UploadHarness();
        var deep = "<?xml version=\"1.0\"?><AnnotatedECG xmlns=\"urn:hl7-org:v3\"><id root=\"1.2\"/>"
            + string.Concat(Enumerable.Repeat("<a>", 1000)) + string.Concat(Enumerable.Repeat("</a>", 1000)) + "</AnnotatedECG>";

        await AssertProblemAsync(harness, new MemoryStream(Encoding.UTF8.GetBytes(deep)), "application/hl7-aecg+xml", 400, "/document-too-deep");
    }

    [Fact]
    public async Task Budget_options_out_of_range_are_refused_at_start()
    {
        var harness = new UploadHarness(("Vnch:InputBudgets:MaxJsonDepth", "100000"));

        await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => harness.PostAsync(new MemoryStream(Dicom), "application/dicom"));
    }

    /// <summary>Posts the body and checks the answer is an RFC 7807 problem with this status and type.</summary>
    private static async Task AssertProblemAsync(UploadHarness harness, Stream body, string contentType, int expectedStatus, string expectedTypeSuffix)
    {
        var (status, answerType, text, _) = await harness.PostAsync(body, contentType);
        Assert.Equal(expectedStatus, status);
        Assert.StartsWith(Problem, answerType);
        Assert.EndsWith(expectedTypeSuffix, ProblemType(text));
    }
}
