using System.Text;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Testing;
using static VNCH.Network.Core.Tests.Security.HostileStreams;

namespace VNCH.Network.Core.Tests.Security;

/// <summary>Issue 13 item 3: every reader has a size and shape budget, checked while the upload streams.</summary>
[Collection(MemoryMeasuringCollection.Name)]
public sealed class InputBudgetTests
{
    private const string AecgHead = "<?xml version=\"1.0\"?><AnnotatedECG xmlns=\"urn:hl7-org:v3\"><id root=\"2.16.840.1.113883.3.1\"/>";
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task A_200_MB_aECG_is_refused_while_it_streams_in_bounded_memory()
    {
        var (handler, studies, _, originals) = Handler();
        var upload = Generated(Utf8(AecgHead + "<text>"), (byte)'A', 200 * MiB, Utf8("</text></AnnotatedECG>"));

        var (outcome, allocated) = await MeasureAsync(() => handler.IngestAsync(upload, "application/hl7-aecg+xml"));

        Assert.Equal(IngestStatus.Failed, outcome.Status);
        Assert.Equal("document-too-large", outcome.ReasonCode);
        Assert.True(originals.BytesSeen < 100 * MiB, $"the store read {originals.BytesSeen} bytes of a refused upload");
        Assert.True(allocated < 48 * MiB, $"ingestion allocated {allocated / MiB} MiB for a refused 200 MiB upload");
        Assert.Null(outcome.StudyId);
        Assert.Empty((await studies.QueryAsync(Tenant, new Features.Studies.StudyQuery(), CancellationToken.None)).Items);
    }

    [Fact]
    public async Task A_deeply_nested_aECG_is_refused_as_too_deep_in_bounded_memory()
    {
        var (handler, _, _, _) = Handler();
        const int Depth = 200_000;
        var upload = Repeated(Utf8(AecgHead), Utf8("<a>"), Depth, Utf8(string.Concat(Enumerable.Repeat("</a>", Depth)) + "</AnnotatedECG>"));

        var (outcome, allocated) = await MeasureAsync(() => handler.IngestAsync(upload, "application/hl7-aecg+xml"));

        Assert.Equal(IngestStatus.Failed, outcome.Status);
        Assert.Equal("document-too-deep", outcome.ReasonCode);
        Assert.True(allocated < 48 * MiB, $"ingestion allocated {allocated / MiB} MiB");
    }

    [Fact]
    public async Task An_aECG_with_too_many_elements_is_refused_by_its_element_count()
    {
        var (handler, _, _, _) = Handler();
        var upload = Repeated(Utf8(AecgHead), Utf8("<a/>"), 1_000_000, Utf8("</AnnotatedECG>"));

        var outcome = await handler.IngestAsync(upload, "application/hl7-aecg+xml");

        Assert.Equal("document-too-many-elements", outcome.ReasonCode);
    }

    [Fact]
    public async Task An_aECG_with_a_DOCTYPE_is_refused_by_name_and_its_entities_never_expand()
    {
        var (handler, _, _, _) = Handler();
        const string LaughingDoc = "<?xml version=\"1.0\"?><!DOCTYPE AnnotatedECG [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
            + "<AnnotatedECG xmlns=\"urn:hl7-org:v3\"><id root=\"1.2.3\"/><text>&b;</text></AnnotatedECG>";

        var outcome = await handler.IngestAsync(new MemoryStream(Encoding.UTF8.GetBytes(LaughingDoc)), "application/hl7-aecg+xml");

        Assert.Equal(IngestStatus.Failed, outcome.Status);
        Assert.Equal("dtd-not-allowed", outcome.ReasonCode);
    }

    [Fact]
    public async Task Deeply_nested_audiogram_JSON_is_refused_as_too_deep()
    {
        var (handler, _, _, _) = Handler();
        var upload = Repeated(Utf8("{\"a\":"), Utf8("["), 100_000, Utf8(new string(']', 100_000) + "}"));

        var outcome = await handler.IngestAsync(upload, "application/vnd.vnch.audiogram+json");

        Assert.Equal("document-too-deep", outcome.ReasonCode);
    }

    [Fact]
    public async Task A_deeply_nested_FHIR_bundle_is_refused_before_the_FHIR_parser_sees_it()
    {
        var (handler, _, _, _) = Handler();
        var upload = Repeated(Utf8("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":"), Utf8("[{\"resource\":"), 20_000,
            Utf8(string.Concat(Enumerable.Repeat("}]", 20_000)) + "}"));

        var outcome = await handler.IngestAsync(upload, "application/fhir+json");

        Assert.Equal("document-too-deep", outcome.ReasonCode);
    }

    [Fact]
    public async Task A_JSON_document_over_its_budget_is_refused_while_it_streams()
    {
        var (handler, _, _, originals) = Handler();
        var upload = Generated(Utf8("{\"patient\":\""), (byte)'a', 50 * MiB, Utf8("\"}"));

        var outcome = await handler.IngestAsync(upload, "application/vnd.vnch.audiogram+json");

        Assert.Equal("document-too-large", outcome.ReasonCode);
        Assert.True(originals.BytesSeen < 2 * MiB, $"the store read {originals.BytesSeen} bytes");
    }

    [Fact]
    public async Task Deeply_nested_DICOM_sequences_are_refused_as_too_deep()
    {
        var (handler, _, _, _) = Handler();
        await using var file = File.OpenRead(TestData.File("dicom/orthanc-tests/2026-05-06-Deeply-Nested-Sequence.dcm"));

        var outcome = await handler.IngestAsync(file, "application/dicom");

        Assert.Equal(IngestStatus.Failed, outcome.Status);
        Assert.Equal("document-too-deep", outcome.ReasonCode);
    }

    [Fact]
    public async Task A_DICOM_element_larger_than_its_budget_is_refused_in_bounded_memory()
    {
        var (handler, _, _, _) = Handler();
        var head = new MemoryStream();
        head.Write(Part10("1.2.840.10008.1.2.1", Identity("1.2.3.4.5")));
        WriteExplicit(head, 0x0042, 0x0011, "OB", null, declaredLength: 100 * 1024 * 1024); // Encapsulated Document
        var upload = Generated(head.ToArray(), 0, 100 * MiB, []);

        var (outcome, allocated) = await MeasureAsync(() => handler.IngestAsync(upload, "application/dicom"));

        Assert.Equal(IngestStatus.Failed, outcome.Status);
        Assert.Equal("document-too-large", outcome.ReasonCode);
        Assert.True(allocated < 80 * MiB, $"ingestion allocated {allocated / MiB} MiB for a 100 MiB element");
    }
}

/// <summary>Tests that measure the process's allocated bytes run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringCollection
{
    public const string Name = "memory-measuring";
}
