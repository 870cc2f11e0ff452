using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using VNCH.Network.Contracts.Fhir;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Tests.Fakes;
using VNCH.Network.Signals;
using VNCH.Network.Testing;

namespace VNCH.Network.Core.Tests.Records;

public sealed class FhirStudyMapperTests
{
    private static async Task<(Pipeline Pipeline, Study Study)> CompletedStudyAsync(Func<AnalysisSubject, AnalyserResult>? result = null)
    {
        var pipeline = new Pipeline(new FakeAnalyser(result));
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA,
            TestData.File("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_bacterial_person1_bacteria_1_explicitLE.dcm"));
        await pipeline.DrainAsync();
        return (pipeline, (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!);
    }

    [Fact]
    public async Task The_study_bundle_is_valid_base_r4()
    {
        var (pipeline, study) = await CompletedStudyAsync();
        var bundle = await pipeline.Queries.GetFhirBundleAsync(pipeline.Caller(Pipeline.TenantA), study.Id, CancellationToken.None);

        Assert.Empty(R4Validation.Errors(bundle!));
    }

    [Fact]
    public void The_validator_used_here_does_report_an_invalid_resource()
    {
        // Structure errors fail the strict parser; invariant errors (obs-3: a range needs low, high or text) the validator.
        Assert.ThrowsAny<Exception>(() => R4Validation.Errors("""{"resourceType":"Observation","id":"x","subject":{"reference":"Patient/p"}}"""));
        var errors = R4Validation.Errors("""{"resourceType":"Observation","id":"x","status":"final","code":{"text":"t"},"referenceRange":[{"type":{"text":"a"}}]}""");
        Assert.Contains(errors, e => e.Contains("obs-3", StringComparison.Ordinal) || e.Contains("low", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Quantities_booleans_codes_and_ranges_map_to_valid_observations()
    {
        var (pipeline, study) = await CompletedStudyAsync(_ => new AnalyserResult
        {
            Findings =
            [
                new Finding
                {
                    Code = new CodedConcept(CodeSystems.Loinc, "8867-4", "Heart rate"),
                    Value = new QuantityValue(142m, "/min"),
                    ReferenceRange = new ReferenceRange(100m, 160m, "/min", "Neonate"),
                    Interpretation = new CodedConcept(CodeSystems.ObservationInterpretation, "N", "Normal"),
                },
                new Finding { Code = new CodedConcept(CodeSystems.SnomedCt, "60046008", "Pleural effusion"), Value = new BooleanValue(false) },
                new Finding { Code = new CodedConcept(CodeSystems.Dicom, "121071", "Finding"), Value = new CodedValue(new CodedConcept(CodeSystems.SnomedCt, "17621005", "Normal")) },
                new Finding { Code = new CodedConcept(CodeSystems.Loinc, "59776-5", "Procedure findings") },
            ],
        });
        var records = await pipeline.Records.GetForStudyAsync(Pipeline.TenantA, study.Id, CancellationToken.None);
        foreach (var record in records)
        {
            Assert.Empty(R4Validation.Errors(record.Json));
        }

        var heartRate = records.Where(r => r.ResourceType == "Observation").Select(r => FhirJson.Parse<Observation>(r.Json))
            .Single(o => o.Code.Coding[0].Code == "8867-4");
        var quantity = Assert.IsType<Quantity>(heartRate.Value);
        Assert.Equal(142m, quantity.Value);
        Assert.Equal("http://unitsofmeasure.org", quantity.System);
        Assert.Equal(ObservationStatus.Preliminary, heartRate.Status);
    }

    [Fact]
    public async Task Resources_carry_the_tenant_scoped_patient_identifier_and_preliminary_status()
    {
        var (pipeline, study) = await CompletedStudyAsync();
        var records = await pipeline.Records.GetForStudyAsync(Pipeline.TenantA, study.Id, CancellationToken.None);

        var patient = FhirJson.Parse<Patient>(records.Single(r => r.ResourceType == "Patient").Json);
        Assert.Equal($"urn:vnch:tenant:hosp-a:issuer:{study.Patient!.Issuer}", patient.Identifier[0].System);
        Assert.Equal(study.Patient.Id, patient.Identifier[0].Value);
        var report = FhirJson.Parse<DiagnosticReport>(records.Single(r => r.ResourceType == "DiagnosticReport").Json);
        Assert.Equal(DiagnosticReport.DiagnosticReportStatus.Preliminary, report.Status);
        var device = FhirJson.Parse<Device>(records.Single(r => r.ResourceType == "Device").Json);
        Assert.Contains(device.Version, v => v.Value == new string('c', 64));
        var imaging = FhirJson.Parse<ImagingStudy>(records.Single(r => r.ResourceType == "ImagingStudy").Json);
        Assert.Equal("http://dicom.nema.org/resources/ontology/DCM", imaging.Series[0].Modality.System);
        Assert.Equal("CR", imaging.Series[0].Modality.Code);
    }

    [Fact]
    public void Ids_are_deterministic_per_tenant_and_patients_are_distinct_across_tenants()
    {
        Assert.Equal(StudyIds.Study(Pipeline.TenantA, StudyKind.Imaging, "1.2.3"), StudyIds.Study(Pipeline.TenantA, StudyKind.Imaging, "1.2.3"));
        Assert.NotEqual(StudyIds.Study(Pipeline.TenantA, StudyKind.Imaging, "1.2.3"), StudyIds.Study(Pipeline.TenantB, StudyKind.Imaging, "1.2.3"));
        Assert.NotEqual(StudyIds.Patient(Pipeline.TenantA, "default", "12345"), StudyIds.Patient(Pipeline.TenantB, "default", "12345"));
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", StudyIds.Uuid("x"));
    }

    [Theory]
    [InlineData("2026-05-01", "2026-05-01", 0)]
    [InlineData("2026-04-24", "2026-05-01", 7)]
    [InlineData("2024-02-29", "2025-02-28", 365)]
    public void Ages_are_whole_days(string birth, string at, int days) =>
        Assert.Equal(days, PatientAge.TryDaysBetween(DateOnly.Parse(birth, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_birth_date_after_the_study_is_not_an_age() =>
        Assert.Null(PatientAge.TryDaysBetween(new DateOnly(2026, 5, 2), new DateOnly(2026, 5, 1)));
}
