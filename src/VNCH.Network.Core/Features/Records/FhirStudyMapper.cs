using Hl7.Fhir.Model;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using FhirSex = Hl7.Fhir.Model.AdministrativeGender;

namespace VNCH.Network.Core.Features.Records;

/// <summary>
/// Maps a study and its analyses to FHIR R4 resources with deterministic ids (re-processing replaces, never
/// duplicates): Patient, ImagingStudy (imaging), and per analyser a Device, a preliminary DiagnosticReport, one
/// Observation per finding and a Provenance.
/// </summary>
public static class FhirStudyMapper
{
    public const string AnalyserIdentifierSystem = "urn:vnch:analyser";
    public const string DicomUidSystem = "urn:dicom:uid";

    public static string PatientIdentifierSystem(TenantId tenant, string issuer) => $"urn:vnch:tenant:{tenant}:issuer:{issuer}";

    /// <param name="instances">The study's instance records (<see cref="IStudyStore.ListInstancesAsync"/>).</param>
    public static IReadOnlyList<Resource> Map(Study study, IReadOnlyList<StudyInstance> instances, DateTimeOffset issued)
    {
        var resources = new List<Resource>();
        var patient = MapPatient(study);
        resources.Add(patient);
        var patientRef = new ResourceReference($"Patient/{patient.Id}");

        ImagingStudy? imagingStudy = null;
        if (study.Kind == StudyKind.Imaging)
        {
            imagingStudy = MapImagingStudy(study, instances, patientRef);
            resources.Add(imagingStudy);
        }

        foreach (var analysis in study.Analyses)
        {
            resources.AddRange(MapAnalysis(study, analysis, patientRef, imagingStudy, issued));
        }

        resources.AddRange(Review.FhirReviewMapper.Map(study, patientRef, imagingStudy));
        return resources;
    }

    public static IReadOnlyList<FhirRecord> ToRecords(Study study, IEnumerable<Resource> resources) =>
        resources.Select(r => new FhirRecord(r.TypeName, r.Id ?? throw new InvalidOperationException("FHIR resource without id."), study.Id, FhirJson.Serialize(r))).ToList();

    private static Patient MapPatient(Study study)
    {
        var reference = study.Patient;
        var patient = new Patient
        {
            Id = reference is null
                ? StudyIds.Resource(study.Tenant, study.Id, "Patient")
                : StudyIds.Patient(study.Tenant, reference.Issuer, reference.Id),
        };
        if (reference is null)
        {
            return patient;
        }

        patient.Identifier.Add(new Identifier(PatientIdentifierSystem(study.Tenant, reference.Issuer), reference.Id));
        if (!string.IsNullOrWhiteSpace(reference.Name))
        {
            // DICOM PN: Family^Given^Middle^Prefix^Suffix.
            var parts = reference.Name.Split('^');
            var name = new HumanName { Family = NullIfEmpty(parts[0]) };
            name.Given = parts.Skip(1).Take(2).Where(p => p.Length > 0).ToList();
            patient.Name.Add(name);
        }

        patient.Gender = AdministrativeSexCodes.ToFhir(reference.Sex);
        if (reference.BirthDate is { } birthDate)
        {
            patient.BirthDate = birthDate.ToString("yyyy-MM-dd");
        }

        return patient;
    }

    private static ImagingStudy MapImagingStudy(Study study, IReadOnlyList<StudyInstance> instances, ResourceReference patientRef)
    {
        var imaging = new ImagingStudy
        {
            Id = StudyIds.Resource(study.Tenant, study.Id, "ImagingStudy"),
            Status = ImagingStudy.ImagingStudyStatus.Available,
            Subject = patientRef,
            NumberOfInstances = instances.Count,
            Description = study.Description,
        };
        if (study.StudyInstanceUid is not null)
        {
            imaging.Identifier.Add(new Identifier(DicomUidSystem, $"urn:oid:{study.StudyInstanceUid}"));
        }

        if (study.StudyDate is { } date)
        {
            imaging.StartedElement = new FhirDateTime(date.Year, date.Month, date.Day);
        }

        var series = instances
            .GroupBy(i => i.SeriesInstanceUid ?? "")
            .Where(g => g.Key.Length > 0)
            .ToList();
        imaging.NumberOfSeries = series.Count;
        foreach (var group in series)
        {
            var first = group.First();
            var component = new ImagingStudy.SeriesComponent
            {
                Uid = group.Key,
                Number = first.SeriesNumber,
                Modality = new Coding(CodeSystems.Dicom, first.Metadata.Modality ?? "OT"),
                NumberOfInstances = group.Count(),
            };
            foreach (var instance in group)
            {
                component.Instance.Add(new ImagingStudy.InstanceComponent
                {
                    Uid = instance.InstanceUid,
                    SopClass = new Coding("urn:ietf:rfc:3986", $"urn:oid:{instance.Metadata.SopClassUid ?? "1.2.840.10008.5.1.4.1.1.7"}"),
                    Number = instance.InstanceNumber,
                });
            }

            imaging.Series.Add(component);
        }

        imaging.Modality = series.Select(s => s.First().Metadata.Modality).Where(m => m is not null).Distinct()
            .Select(m => new Coding(CodeSystems.Dicom, m)).ToList();
        return imaging;
    }

    private static IEnumerable<Resource> MapAnalysis(
        Study study, AnalysisRecord analysis, ResourceReference patientRef, ImagingStudy? imagingStudy, DateTimeOffset issued)
    {
        var analyser = analysis.Analyser;
        var result = analysis.Result;
        var key = new[] { analyser.Id };
        var effective = new FhirDateTime(analysis.CompletedAt);

        var device = new Device
        {
            Id = StudyIds.Resource(study.Tenant, "", "Device", analyser.Id, analyser.Version, analyser.Sha256),
            Status = Device.FHIRDeviceStatus.Active,
            Identifier = [new Identifier(AnalyserIdentifierSystem, analyser.Id)],
            DeviceName = [new Device.DeviceNameComponent { Name = analyser.DisplayName ?? analyser.Id, Type = DeviceNameType.ModelName }],
            Type = new CodeableConcept { Text = analyser.Kind == AnalyserKind.Model ? "AI model" : "Clinical algorithm" },
            Version =
            [
                new Device.VersionComponent { Type = new CodeableConcept { Text = "version" }, Value = analyser.Version },
                new Device.VersionComponent { Type = new CodeableConcept { Text = "sha256" }, Value = analyser.Sha256 },
            ],
        };
        var deviceRef = new ResourceReference($"Device/{device.Id}");
        yield return device;

        var observations = new List<Observation>();
        for (var index = 0; index < result.Findings.Count; index++)
        {
            observations.Add(MapFinding(study, analyser, index, result.Findings[index], patientRef, deviceRef, imagingStudy, effective, issued));
        }

        foreach (var observation in observations)
        {
            yield return observation;
        }

        var report = new DiagnosticReport
        {
            Id = ReportId(study, analyser.Id),
            Status = DiagnosticReport.DiagnosticReportStatus.Preliminary,
            Category = [Category(study.Kind)],
            Code = ReportCode(study.Kind),
            Subject = patientRef,
            Effective = effective,
            Issued = issued,
            Result = observations.Select(o => new ResourceReference($"Observation/{o.Id}")).ToList(),
            Conclusion = result.Conclusion,
        };
        if (imagingStudy is not null)
        {
            report.ImagingStudy.Add(new ResourceReference($"ImagingStudy/{imagingStudy.Id}"));
        }

        if (result.ConclusionCode is { } conclusion)
        {
            report.ConclusionCode.Add(new CodeableConcept(conclusion.System, conclusion.Code, conclusion.Display));
        }

        yield return report;

        var provenance = new Provenance
        {
            Id = StudyIds.Resource(study.Tenant, study.Id, "Provenance", key),
            Target = [new ResourceReference($"DiagnosticReport/{report.Id}"), .. observations.Select(o => new ResourceReference($"Observation/{o.Id}"))],
            Recorded = issued,
            Activity = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-DataOperation", "CREATE", "create"),
            Agent =
            [
                new Provenance.AgentComponent
                {
                    Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "performer", "Performer"),
                    Who = deviceRef,
                },
            ],
        };
        if (imagingStudy is not null)
        {
            provenance.Entity.Add(new Provenance.EntityComponent
            {
                Role = Provenance.ProvenanceEntityRole.Source,
                What = new ResourceReference($"ImagingStudy/{imagingStudy.Id}"),
            });
        }

        yield return provenance;
    }

    private static Observation MapFinding(
        Study study,
        AnalyserDescriptor analyser,
        int index,
        Finding finding,
        ResourceReference patientRef,
        ResourceReference deviceRef,
        ImagingStudy? imagingStudy,
        FhirDateTime effective,
        DateTimeOffset issued)
    {
        var observation = new Observation
        {
            Id = ObservationId(study, analyser.Id, index),
            Status = ObservationStatus.Preliminary,
            Category = [Category(study.Kind)],
            Code = new CodeableConcept(finding.Code.System, finding.Code.Code, finding.Code.Display),
            Subject = patientRef,
            Effective = effective,
            Issued = issued,
            Device = deviceRef,
            Value = Value(finding.Value),
        };
        if (finding.Value is null)
        {
            observation.DataAbsentReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-applicable", "Not Applicable");
        }

        if (finding.Interpretation is { } interpretation)
        {
            observation.Interpretation.Add(new CodeableConcept(interpretation.System, interpretation.Code, interpretation.Display));
        }

        if (finding.ReferenceRange is { } range)
        {
            observation.ReferenceRange.Add(new Observation.ReferenceRangeComponent
            {
                Low = range.Low is { } low ? new Quantity(low, range.Unit ?? "1", CodeSystems.Ucum) : null,
                High = range.High is { } high ? new Quantity(high, range.Unit ?? "1", CodeSystems.Ucum) : null,
                Text = range.Text,
            });
        }

        if (imagingStudy is not null)
        {
            observation.DerivedFrom.Add(new ResourceReference($"ImagingStudy/{imagingStudy.Id}"));
        }

        return observation;
    }

    /// <summary>The analyser's preliminary DiagnosticReport of the study.</summary>
    public static string ReportId(Study study, string analyserId) => StudyIds.Resource(study.Tenant, study.Id, "DiagnosticReport", analyserId);

    /// <summary>The Observation of the analyser's finding at <paramref name="index"/>.</summary>
    public static string ObservationId(Study study, string analyserId, int index) =>
        StudyIds.Resource(study.Tenant, study.Id, "Observation", analyserId, index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The FHIR value of a finding (null when it has none).</summary>
    public static DataType? Value(FindingValue? value) => value switch
    {
        QuantityValue q => new Quantity(q.Value, q.Unit, CodeSystems.Ucum),
        ScoreValue s => new Quantity((decimal)s.Value, "1", CodeSystems.Ucum),
        CodedValue c => new CodeableConcept(c.Concept.System, c.Concept.Code, c.Concept.Display),
        BooleanValue b => new FhirBoolean(b.Value),
        _ => null,
    };

    internal static CodeableConcept Category(StudyKind kind) => kind switch
    {
        StudyKind.Imaging => new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "imaging", "Imaging"),
        StudyKind.Audiogram => new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "exam", "Exam"),
        _ => new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "procedure", "Procedure"),
    };

    internal static CodeableConcept ReportCode(StudyKind kind) => kind switch
    {
        StudyKind.Imaging => new CodeableConcept(CodeSystems.Loinc, "18748-4", "Diagnostic imaging study"),
        StudyKind.Ecg => new CodeableConcept(CodeSystems.Loinc, "11524-6", "EKG study"),
        StudyKind.Audiogram => new CodeableConcept(CodeSystems.Loinc, "28615-3", "Audiology study"),
        _ => new CodeableConcept(CodeSystems.Loinc, "11502-2", "Laboratory report"),
    };

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
