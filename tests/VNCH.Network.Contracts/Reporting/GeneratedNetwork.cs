using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Contracts.Reporting;

/// <summary>
/// A seeded synthetic network for reporting tests and benchmarks: hospitals in several provinces, the association,
/// and final studies of every kind, outcome, age band (including 19-day-old neonates), sex and finding, with
/// children who come back, dates across ISO week 53 of 2026 and documents without a study date.
/// </summary>
public sealed class GeneratedNetwork
{
    public const string PneumoniaModel = "pediatric-cxr-pneumonia";
    public const string Ecg = "ecg-intervals";
    public const string Audiometry = "audiometry";

    public static readonly string[] Provinces = ["Hà Nội", "Thành phố Hồ Chí Minh", "Đà Nẵng"];
    public static readonly string[] WhoGrades = ["normal", "mild", "moderate", "moderately severe", "severe", "profound", "complete"];
    public static readonly string[] EcgLabels = ["normal", "borderline", "abnormal", "critical"];

    private static readonly DateOnly FirstDay = new(2026, 1, 1);
    private static readonly DateOnly LastDay = new(2027, 1, 3); // the end of 2026-W53

    public GeneratedNetwork(int studies, int hospitals = 6, int seed = 20261202)
    {
        var random = new Random(seed);
        Association = new Tenant { Id = TenantId.Parse("vpa"), Name = "Hội Nhi khoa Việt Nam", Kind = TenantKind.Association };
        Hospitals = Enumerable.Range(1, hospitals).Select(i => new Tenant
        {
            Id = TenantId.Parse($"hosp-{i:D2}"),
            Name = $"Hospital {i}",
            Province = Provinces[i % Provinces.Length],
            FacilityCode = $"VN-{i:D4}",
            Mappings = [new(TenantMappingKind.HospitalClaim, $"hosp-{i:D2}")],
        }).ToList();

        var children = Math.Max(1, studies * 2 / 3); // about a third of studies are a returning child
        var patients = Enumerable.Range(0, children).Select(i => NewPatient(random, i)).ToList();
        for (var i = 0; i < studies; i++)
        {
            var (hospital, patient) = patients[i < children ? i : random.Next(children)];
            Studies.Add(NewStudy(random, Hospitals[hospital % Hospitals.Count], patient, i));
        }
    }

    public Tenant Association { get; }

    public IReadOnlyList<Tenant> Hospitals { get; }

    public List<Study> Studies { get; } = [];

    public IEnumerable<Tenant> Tenants => Hospitals.Append(Association);

    private static (int Hospital, PatientReference? Patient) NewPatient(Random random, int index)
    {
        var hospital = random.Next(1000);
        var sex = (AdministrativeSex)(index % 4);
        // Every 10th child has no identifier at all (e.g. an unparseable document).
        return (hospital, index % 10 == 9 ? null : new PatientReference("urn:oid:1.2.3", $"P{index:D6}", "Nguyễn Văn Test", BirthDateFor(random, index), sex));
    }

    /// <summary>Spread over every band: the birth date is set so that some studies hit band edges exactly.</summary>
    private static DateOnly? BirthDateFor(Random random, int index)
    {
        var reference = FirstDay.AddDays(random.Next(LastDay.DayNumber - FirstDay.DayNumber));
        return (index % 9) switch
        {
            0 => reference.AddDays(-19),                     // 19-day-old neonate (around the study)
            1 => reference.AddDays(-random.Next(0, 28)),
            2 => reference.AddDays(-random.Next(28, 700)),
            3 => reference.AddYears(-random.Next(2, 12)),
            4 => reference.AddYears(-random.Next(12, 16)).AddDays(-random.Next(300)),
            5 => reference.AddYears(-16).AddDays(-random.Next(700)),
            6 => reference.AddYears(-random.Next(18, 30)),
            7 => null,                                       // unknown birth date
            _ => reference.AddDays(-random.Next(0, 6000)),
        };
    }

    private static Study NewStudy(Random random, Tenant hospital, PatientReference? patient, int index)
    {
        var kind = (index % 7) switch
        {
            0 or 1 or 2 => StudyKind.Imaging,
            3 or 4 => StudyKind.Ecg,
            5 => StudyKind.Audiogram,
            _ => index % 14 == 6 ? StudyKind.Unknown : StudyKind.Imaging,
        };
        var studyDate = patient?.BirthDate is { } birth && index % 9 == 0
            ? birth.AddDays(19)
            : FirstDay.AddDays(random.Next(LastDay.DayNumber - FirstDay.DayNumber + 1));
        var hasStudyDate = index % 11 != 10;
        var received = new DateTimeOffset(studyDate.ToDateTime(new TimeOnly(random.Next(24), random.Next(60))), TimeSpan.Zero);
        var modality = kind switch
        {
            StudyKind.Imaging => index % 5 == 0 ? "DX" : index % 13 == 0 ? "CT" : "CR",
            StudyKind.Ecg => "ECG",
            _ => null,
        };

        var tenant = hospital.Id;
        var id = StudyIds.Study(tenant, kind, $"1.2.826.0.1.{index}");
        var study = new Study
        {
            Id = id,
            Tenant = tenant,
            SubjectKey = StudyIds.SubjectKey(tenant, patient, id),
            Kind = kind,
            StudyInstanceUid = $"1.2.826.0.1.{index}",
            Patient = kind == StudyKind.Unknown ? null : patient,
            StudyDate = hasStudyDate && kind != StudyKind.Unknown ? studyDate : null,
            InstanceCount = 1,
            Modality = string.IsNullOrEmpty(modality) ? null : modality,
            FirstReceivedAt = received,
        };
        study.PatientAgeInDays = study.Patient?.BirthDate is { } born && study.StudyDate is { } on && on >= born ? on.DayNumber - born.DayNumber : null;
        study.Receive(received);
        var finished = received.AddMinutes(5);

        if (kind == StudyKind.Unknown)
        {
            study.Reject(finished, new StatusReason("cannot-understand", "Not a document the network reads."));
            return study;
        }

        switch (index % 23)
        {
            case 0:
                study.MarkQueued(finished);
                study.Fail(finished, new StatusReason("processing-failure", "Analysis failed after 5 attempts."));
                return study;
            case 1:
                study.MarkQueued(finished);
                study.StartAnalysis(finished);
                study.Reject(finished, new StatusReason("pixel-data-undecodable", "Undecodable."));
                return study;
        }

        study.MarkQueued(finished);
        study.StartAnalysis(finished);
        if (modality == "CT")
        {
            study.FinishWithoutAnalyser(finished, new StatusReason("no-analyser", "No analyser applies."));
            return study;
        }

        study.Analyses = [Analysis(kind, random, finished)];
        study.Complete(finished);
        return study;
    }

    /// <summary>Analyses shaped like the real analysers' results (labels, LOINC-coded ECG findings with flags).</summary>
    public static AnalysisRecord Analysis(StudyKind kind, Random random, DateTimeOffset at) => kind switch
    {
        StudyKind.Imaging => new AnalysisRecord(
            new AnalyserDescriptor(PneumoniaModel, "1.0.0", AnalyserKind.Model, new string('a', 64)),
            new AnalyserResult { Label = random.Next(3) == 0 ? "pneumonia" : "normal" }, at),
        StudyKind.Ecg => new AnalysisRecord(
            new AnalyserDescriptor(Ecg, "1.0.0", AnalyserKind.Algorithm, new string('b', 64)),
            new AnalyserResult
            {
                Label = EcgLabels[random.Next(EcgLabels.Length)],
                Findings =
                [
                    new Finding { Code = new CodedConcept(CodeSystems.Loinc, "8867-4", "Heart rate"), Value = new QuantityValue(120, "/min"), Interpretation = Flag(random, "N", "L", "H") },
                    new Finding { Code = new CodedConcept(CodeSystems.Loinc, "76635-2", "QTc Bazett"), Value = new QuantityValue(430, "ms"), Interpretation = Flag(random, "N", "H", "HH") },
                ],
            }, at),
        _ => new AnalysisRecord(
            new AnalyserDescriptor(Audiometry, "1.0", AnalyserKind.Algorithm, new string('c', 64)),
            new AnalyserResult { Label = WhoGrades[random.Next(WhoGrades.Length)] }, at),
    };

    private static CodedConcept Flag(Random random, params string[] codes) =>
        new(CodeSystems.ObservationInterpretation, codes[random.Next(codes.Length)], "flag");
}
