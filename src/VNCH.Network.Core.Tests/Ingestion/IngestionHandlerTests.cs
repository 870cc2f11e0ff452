using System.Text;
using VNCH.Network.Core.Features.Audiometry;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Tests.Audiometry;
using VNCH.Network.Core.Tests.Fakes;
using VNCH.Network.Testing;

namespace VNCH.Network.Core.Tests.Ingestion;

public sealed class IngestionHandlerTests
{
    private static readonly string Cxr = TestData.File("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm");

    [Fact]
    public async Task An_instance_is_stored_recorded_and_queued()
    {
        var pipeline = new Pipeline();
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr);

        Assert.Equal(IngestStatus.Accepted, outcome.Status);
        Assert.Equal("1.2.840.10008.5.1.4.1.1.1", outcome.SopClassUid);
        Assert.True(await pipeline.Originals.ExistsAsync(Pipeline.TenantA, outcome.Sha256!, CancellationToken.None));
        var study = (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!;
        Assert.Equal(StudyStatus.Queued, study.Status);
        Assert.Equal(StudyKind.Imaging, study.Kind);
        Assert.Equal("CR", study.Modality);
        Assert.True(study.StatusTimes.ContainsKey(StudyStatus.Received));
        Assert.Equal(1, pipeline.Queue.Pending);
        Assert.Contains(pipeline.Audit.All, a => a.Action == "study.ingest" && a.Outcome == "success" && a.ResourceId == study.Id);
    }

    [Theory]
    [InlineData("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.57.dcm", "application/dicom", StudyKind.Imaging)]
    [InlineData("dicom/dicomParser/testImages/CT1_UNC.explicit_big_endian.dcm", null, StudyKind.Imaging)]
    [InlineData("ecg/hl7-aecg/Example_aECG.xml", null, StudyKind.Ecg)]
    [InlineData("dicom/pydicom/src/pydicom/data/test_files/waveform_ecg.dcm", "application/dicom", StudyKind.Ecg)]
    public async Task Ingestion_reads_the_upload_once_and_keeps_every_byte_though_the_parser_stops_early(string file, string? mediaType, StudyKind kind)
    {
        var pipeline = new Pipeline();
        var bytes = File.ReadAllBytes(TestData.File(file));
        var outcome = await pipeline.IngestAsync(Pipeline.TenantA, bytes, mediaType);

        Assert.Equal(IngestStatus.Accepted, outcome.Status);
        Assert.Equal(0, pipeline.Originals.OpenCount); // parsed from the stream being stored, never read back
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), outcome.Sha256);
        await using var kept = await pipeline.Originals.OpenAsync(Pipeline.TenantA, outcome.Sha256!, CancellationToken.None);
        using var copy = new MemoryStream();
        await kept.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
        Assert.Equal(kind, (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!.Kind);
    }

    [Fact]
    public async Task A_document_no_parser_claims_is_kept_and_rejected_without_reading_it_back()
    {
        var pipeline = new Pipeline();
        var bytes = Encoding.UTF8.GetBytes(new string('x', 200_000));
        var outcome = await pipeline.IngestAsync(Pipeline.TenantA, bytes, null);

        Assert.Equal(IngestStatus.Failed, outcome.Status);
        Assert.Equal(IngestReasons.UnsupportedMediaType, outcome.ReasonCode);
        Assert.Equal(0, pipeline.Originals.OpenCount);
        Assert.True(await pipeline.Originals.ExistsAsync(Pipeline.TenantA, outcome.Sha256!, CancellationToken.None));
        Assert.Equal(1, (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!.InstanceCount);
        Assert.Equal(bytes.Length, (await pipeline.Studies.ListInstancesAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None)).Single().Length);
    }

    [Fact]
    public async Task The_same_instance_twice_is_a_duplicate_and_not_queued_again()
    {
        var pipeline = new Pipeline();
        var first = await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr);
        var second = await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr);

        Assert.Equal(IngestStatus.Duplicate, second.Status);
        Assert.Equal(first.StudyId, second.StudyId);
        Assert.Equal(1, pipeline.Queue.Pending);
        Assert.Equal(1, (await pipeline.Studies.GetAsync(Pipeline.TenantA, first.StudyId!, CancellationToken.None))!.InstanceCount);
        Assert.Single(await pipeline.Studies.ListInstancesAsync(Pipeline.TenantA, first.StudyId!, CancellationToken.None));
    }

    [Fact]
    public async Task The_same_uid_with_different_content_is_a_visible_conflict_not_an_overwrite()
    {
        var pipeline = new Pipeline();
        var bytes = File.ReadAllBytes(Cxr);
        var first = await pipeline.IngestAsync(Pipeline.TenantA, bytes);
        var altered = (byte[])bytes.Clone();
        altered[^1] ^= 0xFF; // a pixel byte: same header, different content
        var second = await pipeline.IngestAsync(Pipeline.TenantA, altered);

        Assert.Equal(IngestStatus.Failed, second.Status);
        Assert.Equal(IngestReasons.InstanceConflict, second.ReasonCode);
        Assert.Equal(first.Sha256, Assert.Single(await pipeline.Studies.ListInstancesAsync(Pipeline.TenantA, first.StudyId!, CancellationToken.None)).Sha256);
        Assert.Contains(pipeline.Audit.All, a => a.Outcome == "conflict");
    }

    [Fact]
    public async Task Two_tenants_sending_the_same_file_get_two_studies()
    {
        var pipeline = new Pipeline();
        var a = await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr);
        var b = await pipeline.IngestFileAsync(Pipeline.TenantB, Cxr);

        Assert.Equal(IngestStatus.Accepted, b.Status);
        Assert.NotEqual(a.StudyId, b.StudyId);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, "application/dicom", IngestReasons.CannotUnderstand)]
    [InlineData(new byte[0], "application/dicom", IngestReasons.EmptyDocument)]
    [InlineData(new byte[] { (byte)'{', (byte)'}' }, "application/vnd.unknown+json", IngestReasons.UnsupportedMediaType)]
    public async Task Unusable_documents_are_rejected_with_a_reason_and_kept(byte[] bytes, string mediaType, string reason)
    {
        var pipeline = new Pipeline();
        var outcome = await pipeline.IngestAsync(Pipeline.TenantA, bytes, mediaType);

        Assert.Equal(IngestStatus.Failed, outcome.Status);
        Assert.Equal(reason, outcome.ReasonCode);
        Assert.True(await pipeline.Originals.ExistsAsync(Pipeline.TenantA, outcome.Sha256!, CancellationToken.None));
        var study = (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!;
        Assert.Equal(StudyStatus.Rejected, study.Status);
        Assert.Equal(reason, study.Reason!.Code);
        Assert.Equal(0, pipeline.Queue.Pending);
    }

    [Fact]
    public async Task A_dicomdir_is_refused_as_an_unsupported_sop_class()
    {
        var pipeline = new Pipeline();
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA, TestData.File("dicom/fo-dicom/TestData/DICOMDIR"));
        Assert.Equal(IngestReasons.SopClassNotSupported, outcome.ReasonCode);
    }

    [Fact]
    public async Task The_deeply_nested_file_is_rejected_without_crashing()
    {
        var pipeline = new Pipeline();
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA, TestData.File("dicom/orthanc-tests/2026-05-06-Deeply-Nested-Sequence.dcm"));
        Assert.Equal(IngestStatus.Failed, outcome.Status);
        Assert.Equal(Features.Ingestion.Budgets.BudgetReasons.TooDeep, outcome.ReasonCode); // the specific limit (ADR 0100)
    }

    [Fact]
    public async Task An_hl7_aecg_document_becomes_an_ecg_study()
    {
        var pipeline = new Pipeline();
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA, TestData.File("ecg/hl7-aecg/Example_aECG.xml"), "application/xml");

        Assert.Equal(IngestStatus.Accepted, outcome.Status);
        var study = (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!;
        Assert.Equal(StudyKind.Ecg, study.Kind);
        Assert.Equal("SBJ-123", study.Patient!.Id);
        Assert.Equal(AdministrativeSex.Male, study.Patient.Sex);
        Assert.Equal(new DateOnly(2002, 11, 22).DayNumber - new DateOnly(1953, 5, 8).DayNumber, study.PatientAgeInDays);
    }

    [Fact]
    public async Task An_audiogram_document_becomes_an_audiogram_study_and_an_invalid_one_is_rejected_with_every_problem()
    {
        var pipeline = new Pipeline();
        var example = File.ReadAllBytes(Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json"));
        var outcome = await pipeline.IngestAsync(Pipeline.TenantA, example, "application/vnd.vnch.audiogram+json");

        Assert.Equal(IngestStatus.Accepted, outcome.Status);
        var study = (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!;
        Assert.Equal(StudyKind.Audiogram, study.Kind);
        Assert.Equal(new DateOnly(2026, 11, 20).DayNumber - new DateOnly(2019, 5, 1).DayNumber, study.PatientAgeInDays);

        var invalid = """{"patient":{"id":"P1"},"testDate":"20/11/2026","ears":{}}"""u8.ToArray();
        var rejected = await pipeline.IngestAsync(Pipeline.TenantA, invalid, "application/vnd.vnch.audiogram+json");
        Assert.Equal(IngestReasons.CannotUnderstand, rejected.ReasonCode);
        Assert.Contains("$.testDate", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_audiogram_fhir_bundle_declared_or_sniffed_is_the_same_visit_as_its_json_form_and_a_bad_one_is_rejected_and_kept()
    {
        var pipeline = new Pipeline();
        var json = await pipeline.IngestAsync(Pipeline.TenantA, File.ReadAllBytes(AudiogramExamples.JsonPath), AudiogramDocumentParser.MediaType);
        var bundle = await pipeline.IngestAsync(Pipeline.TenantB, File.ReadAllBytes(AudiogramExamples.BundlePath), FhirAudiogramReader.MediaType);
        var inbox = await pipeline.IngestAsync(Pipeline.TenantA, File.ReadAllBytes(AudiogramExamples.BundlePath), null);

        Assert.Equal(IngestStatus.Accepted, bundle.Status);
        Assert.Equal(json.InstanceUid, bundle.InstanceUid);
        var study = (await pipeline.Studies.GetAsync(Pipeline.TenantB, bundle.StudyId!, CancellationToken.None))!;
        Assert.Equal(StudyKind.Audiogram, study.Kind);
        Assert.Equal(FhirAudiogramReader.MediaType, (await pipeline.Studies.ListInstancesAsync(Pipeline.TenantB, study.Id, CancellationToken.None)).Single().ContentType);
        Assert.Equal(new DateOnly(2026, 11, 20).DayNumber - new DateOnly(2019, 5, 1).DayNumber, study.PatientAgeInDays);
        // The same visit already arrived as JSON for hospital A: a re-send with other bytes is a visible conflict.
        Assert.Equal(IngestReasons.InstanceConflict, inbox.ReasonCode);

        var noPatient = Encoding.UTF8.GetBytes(AudiogramExamples.BundleWith(b => AudiogramExamples.RemoveEntries(b, r => (string?)r["resourceType"] == "Patient")));
        var rejected = await pipeline.IngestAsync(Pipeline.TenantA, noPatient, null);
        Assert.Equal(IngestReasons.CannotUnderstand, rejected.ReasonCode);
        Assert.Contains("Bundle: no Patient resource", rejected.Message, StringComparison.Ordinal);
        var kept = (await pipeline.Studies.GetAsync(Pipeline.TenantA, rejected.StudyId!, CancellationToken.None))!;
        Assert.Equal(StudyStatus.Rejected, kept.Status);
        Assert.True(await pipeline.Originals.ExistsAsync(Pipeline.TenantA, rejected.Sha256!, CancellationToken.None));
    }

    [Theory]
    [InlineData(null, "{\"resourceType\":\"Bundle\"}", typeof(FhirAudiogramBundleParser))]
    [InlineData("application/json", " \r\n{ \"resourceType\" : \"Observation\" }", typeof(FhirAudiogramBundleParser))]
    [InlineData(null, "{\"patient\":{\"id\":\"P1\"}}", typeof(AudiogramDocumentParser))]
    [InlineData("application/json", "{\"testDate\":\"2026-11-20\"}", typeof(AudiogramDocumentParser))]
    [InlineData("application/fhir+json", "not even json", typeof(FhirAudiogramBundleParser))]
    [InlineData(null, "[1, 2]", null)]
    [InlineData("application/dicom", "{\"resourceType\":\"Bundle\"}", typeof(DicomDocumentParser))]
    public void Json_documents_go_to_the_parser_their_content_or_declared_type_names(string? mediaType, string head, Type? expected)
    {
        IStudyDocumentParser[] parsers = [new DicomDocumentParser(), new AecgDocumentParser(), new AudiogramDocumentParser(), new FhirAudiogramBundleParser()];
        var claimed = parsers.Where(p => p.CanParse(mediaType, Encoding.UTF8.GetBytes(head))).Select(p => p.GetType()).ToList();

        Assert.Equal(expected is null ? new List<Type>() : new List<Type> { expected }, claimed);
    }
}
