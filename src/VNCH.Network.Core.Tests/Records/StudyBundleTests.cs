using System.Globalization;
using Hl7.Fhir.Model;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Tests.Fakes;
using VNCH.Network.Testing;

namespace VNCH.Network.Core.Tests.Records;

public sealed class StudyBundleTests
{
    [Fact]
    public async System.Threading.Tasks.Task The_bundle_of_stored_records_is_the_text_Firely_writes_for_the_same_bundle()
    {
        var pipeline = new Pipeline(new FakeAnalyser());
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA,
            TestData.File("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_bacterial_person1_bacteria_1_explicitLE.dcm"));
        await pipeline.DrainAsync();
        var records = await pipeline.Records.GetForStudyAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None);
        var timestamp = DateTimeOffset.Parse("2026-12-02T13:14:15.678+07:00", CultureInfo.InvariantCulture);

        var json = StudyBundle.ToJson(outcome.StudyId!, records, timestamp);

        // The reference is what the bundle was before the stored text was copied: every resource parsed into Firely's
        // model and the whole bundle serialised by Firely.
        var reference = new Bundle { Id = outcome.StudyId, Type = Bundle.BundleType.Collection, Timestamp = timestamp };
        foreach (var record in records)
        {
            reference.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{record.Id}", Resource = FhirJson.Parse<Resource>(record.Json) });
        }

        Assert.True(records.Count >= 3, $"only {records.Count} records");
        Assert.Equal(FhirJson.Serialize(reference), json);
    }

    [Fact]
    public void A_study_without_records_gets_a_bundle_without_entries()
    {
        var timestamp = DateTimeOffset.Parse("2026-12-02T13:14:15Z", CultureInfo.InvariantCulture);

        var json = StudyBundle.ToJson("s-1", [], timestamp);

        Assert.Equal(FhirJson.Serialize(new Bundle { Id = "s-1", Type = Bundle.BundleType.Collection, Timestamp = timestamp }), json);
        Assert.Empty(FhirJson.Parse<Bundle>(json).Entry);
    }
}
