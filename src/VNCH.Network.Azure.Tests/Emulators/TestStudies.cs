using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Azure.Tests.Emulators;

/// <summary>Study documents as the ingestion and analysis handlers build them, with every part the store must keep.</summary>
internal static class TestStudies
{
    public static TenantId NewTenant() => TenantId.Parse($"h-{Guid.NewGuid():N}"[..14]);

    public static Study Create(TenantId tenant, string uid, DateTimeOffset at, StudyStatus status = StudyStatus.Queued, string modality = "CR", StudyKind kind = StudyKind.Imaging)
    {
        var patient = new PatientReference("urn:oid:1.2.3", $"P-{uid}", "Nguyen^An", new DateOnly(2025, 1, 2), AdministrativeSex.Female);
        var id = StudyIds.Study(tenant, kind, uid);
        var study = new Study
        {
            Id = id,
            Tenant = tenant,
            SubjectKey = StudyIds.SubjectKey(tenant, patient, id),
            Kind = kind,
            StudyInstanceUid = uid,
            Patient = patient,
            StudyDate = new DateOnly(2026, 11, 1),
            PatientAgeInDays = 668,
            Description = "Chest PA",
            InstanceCount = 1,
            Modality = modality,
            FirstReceivedAt = at,
            Analyses =
            [
                new AnalysisRecord(
                    new AnalyserDescriptor("pneumonia-cxr", "1.0.0", AnalyserKind.Model, new string('b', 64), "Pneumonia CXR"),
                    new AnalyserResult
                    {
                        Findings =
                        [
                            new Finding
                            {
                                Code = new CodedConcept(CodeSystems.SnomedCt, "233604007", "Pneumonia"),
                                Value = new ScoreValue(0.82),
                                ReferenceRange = new ReferenceRange(0m, 0.5m, "1"),
                            },
                            new Finding { Code = new CodedConcept(CodeSystems.Loinc, "8867-4", "Heart rate"), Value = new QuantityValue(128m, "/min") },
                        ],
                        Scores = new Dictionary<string, double> { ["pneumonia"] = 0.82 },
                        Threshold = 0.5,
                        Label = "pneumonia",
                        Duration = TimeSpan.FromMilliseconds(42),
                    },
                    at),
            ],
        };
        return study.WalkTo(status, at);
    }

    /// <summary>The instance record <see cref="Create"/> counts.</summary>
    public static StudyInstance Instance(string uid, DateTimeOffset at, string modality = "CR") => new()
    {
        InstanceUid = uid + ".1",
        SeriesInstanceUid = uid + ".0",
        ContentType = "application/dicom",
        Sha256 = new string('a', 63) + uid[^1],
        Length = 1234,
        Metadata = new InstanceMetadata(modality, "CHEST", "PA", "1.2.840.10008.5.1.4.1.1.1", Rows: 512, Columns: 512),
        ReceivedAt = at,
        Source = "http",
    };
}
