using System.Globalization;
using Hl7.Fhir.Model;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Studies;

namespace VNCH.Network.Core.Features.Review;

/// <summary>
/// The clinician's side of a study's FHIR record (ADR 0090): per reviewing clinician a Practitioner; per analysis a
/// clinician DiagnosticReport (<c>final</c>, <c>amended</c> after a later review) performed by the reviewer whose
/// <c>result</c> holds the findings the clinician stands behind (the model's Observations confirmed, a clinician
/// Observation <c>derivedFrom</c> the model's one for each amended value, nothing for a rejected one); per review a
/// Provenance naming the clinician, the time, the activity and, as entities, the preliminary report it revises and
/// the model Observations it judged.
/// </summary>
public static class FhirReviewMapper
{
    public const string ReviewerIdentifierSystem = "urn:vnch:reviewer";
    private const string ParticipantTypes = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
    private const string DataOperations = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";

    public static string PractitionerId(Study study, Reviewer reviewer) => StudyIds.Resource(study.Tenant, "", "Practitioner", reviewer.Id);

    public static string ReportId(Study study, string analyserId) => StudyIds.Resource(study.Tenant, study.Id, "DiagnosticReport", analyserId, "review");

    public static string AmendedObservationId(Study study, string analyserId, int index) =>
        StudyIds.Resource(study.Tenant, study.Id, "Observation", analyserId, index.ToString(CultureInfo.InvariantCulture), "review");

    public static string ProvenanceId(Study study, int reviewNumber) =>
        StudyIds.Resource(study.Tenant, study.Id, "Provenance", "review", reviewNumber.ToString(CultureInfo.InvariantCulture));

    /// <summary>Nothing for a study never reviewed; the report reflects the review in force (the last one).</summary>
    public static IReadOnlyList<Resource> Map(Study study, ResourceReference patientRef, ImagingStudy? imagingStudy)
    {
        if (study.Reviews.Count == 0)
        {
            return [];
        }

        var resources = new List<Resource>();
        foreach (var reviewer in study.Reviews.Select(r => r.Reviewer).DistinctBy(r => r.Id))
        {
            resources.Add(MapPractitioner(study, reviewer));
        }

        var current = study.Reviews[^1];
        var reports = new List<DiagnosticReport>();
        foreach (var analysis in study.Analyses)
        {
            var decisions = current.Findings.Where(f => f.Analyser == analysis.Analyser.Id).ToList();
            var amended = decisions.Where(d => d.Decision == ReviewDecision.Amend)
                .Select(d => MapAmendedObservation(study, current, analysis, d, patientRef))
                .ToList();
            resources.AddRange(amended);
            var report = MapReport(study, current, analysis, decisions, patientRef, imagingStudy);
            reports.Add(report);
            resources.Add(report);
        }

        foreach (var review in study.Reviews)
        {
            resources.Add(MapProvenance(study, review, reports));
        }

        return resources;
    }

    private static Practitioner MapPractitioner(Study study, Reviewer reviewer)
    {
        var practitioner = new Practitioner
        {
            Id = PractitionerId(study, reviewer),
            Identifier = [new Identifier(ReviewerIdentifierSystem, reviewer.Id)],
        };
        if (!string.IsNullOrWhiteSpace(reviewer.Name))
        {
            practitioner.Name.Add(new HumanName { Text = reviewer.Name });
        }

        return practitioner;
    }

    private static DiagnosticReport MapReport(
        Study study, StudyReview review, AnalysisRecord analysis, List<FindingDecision> decisions, ResourceReference patientRef, ImagingStudy? imagingStudy)
    {
        var clinician = new ResourceReference($"Practitioner/{PractitionerId(study, review.Reviewer)}") { Display = review.Reviewer.Name };
        var results = new List<ResourceReference>();
        foreach (var decision in decisions.OrderBy(d => d.Index))
        {
            switch (decision.Decision)
            {
                case ReviewDecision.Confirm:
                    results.Add(new ResourceReference($"Observation/{FhirStudyMapper.ObservationId(study, analysis.Analyser.Id, decision.Index)}"));
                    break;
                case ReviewDecision.Amend:
                    results.Add(new ResourceReference($"Observation/{AmendedObservationId(study, analysis.Analyser.Id, decision.Index)}"));
                    break;
            }
        }

        var report = new DiagnosticReport
        {
            Id = ReportId(study, analysis.Analyser.Id),
            Status = review.Number <= 1 ? DiagnosticReport.DiagnosticReportStatus.Final : DiagnosticReport.DiagnosticReportStatus.Amended,
            Category = [FhirStudyMapper.Category(study.Kind)],
            Code = FhirStudyMapper.ReportCode(study.Kind),
            Subject = patientRef,
            Effective = new FhirDateTime(analysis.CompletedAt),
            Issued = review.At,
            Performer = [clinician],
            ResultsInterpreter = [clinician],
            Result = results,
            Conclusion = Conclusion(review, analysis, decisions),
        };
        if (imagingStudy is not null)
        {
            report.ImagingStudy.Add(new ResourceReference($"ImagingStudy/{imagingStudy.Id}"));
        }

        // The analyser's coded conclusion holds only when the clinician stood behind every finding unchanged.
        if (analysis.Result.ConclusionCode is { } code && decisions.All(d => d.Decision == ReviewDecision.Confirm))
        {
            report.ConclusionCode.Add(new CodeableConcept(code.System, code.Code, code.Display));
        }

        return report;
    }

    private static Observation MapAmendedObservation(
        Study study, StudyReview review, AnalysisRecord analysis, FindingDecision decision, ResourceReference patientRef)
    {
        var original = analysis.Result.Findings[decision.Index];
        return new Observation
        {
            Id = AmendedObservationId(study, analysis.Analyser.Id, decision.Index),
            Status = ObservationStatus.Final,
            Category = [FhirStudyMapper.Category(study.Kind)],
            Code = new CodeableConcept(original.Code.System, original.Code.Code, original.Code.Display),
            Subject = patientRef,
            Effective = new FhirDateTime(analysis.CompletedAt),
            Issued = review.At,
            Performer = [new ResourceReference($"Practitioner/{PractitionerId(study, review.Reviewer)}")],
            Value = FhirStudyMapper.Value(decision.AmendedValue),
            DerivedFrom = [new ResourceReference($"Observation/{FhirStudyMapper.ObservationId(study, analysis.Analyser.Id, decision.Index)}")],
        };
    }

    private static Provenance MapProvenance(Study study, StudyReview review, List<DiagnosticReport> reports)
    {
        var provenance = new Provenance
        {
            Id = ProvenanceId(study, review.Number),
            Target = reports.Select(r => new ResourceReference($"DiagnosticReport/{r.Id}")).ToList(),
            Recorded = review.At,
            Activity = review.Number <= 1
                ? new CodeableConcept(DataOperations, "CREATE", "create")
                : new CodeableConcept(DataOperations, "UPDATE", "revise"),
            Agent =
            [
                new Provenance.AgentComponent
                {
                    Type = new CodeableConcept(ParticipantTypes, "author", "Author"),
                    Who = new ResourceReference($"Practitioner/{PractitionerId(study, review.Reviewer)}") { Display = review.Reviewer.Name },
                },
            ],
        };
        foreach (var analysis in study.Analyses)
        {
            provenance.Entity.Add(new Provenance.EntityComponent
            {
                Role = Provenance.ProvenanceEntityRole.Revision,
                What = new ResourceReference($"DiagnosticReport/{FhirStudyMapper.ReportId(study, analysis.Analyser.Id)}"),
            });
            foreach (var decision in review.Findings.Where(f => f.Analyser == analysis.Analyser.Id).OrderBy(f => f.Index))
            {
                provenance.Entity.Add(new Provenance.EntityComponent
                {
                    Role = Provenance.ProvenanceEntityRole.Source,
                    What = new ResourceReference($"Observation/{FhirStudyMapper.ObservationId(study, analysis.Analyser.Id, decision.Index)}")
                    {
                        Display = $"{decision.Key}: {ReviewDecisions.Name(decision.Decision)}",
                    },
                });
            }
        }

        return provenance;
    }

    private static string Conclusion(StudyReview review, AnalysisRecord analysis, List<FindingDecision> decisions)
    {
        var text = $"Clinician review {review.Number} of {analysis.Analyser.Id} {analysis.Analyser.Version}: " +
                   $"{string.Join(", ", decisions.OrderBy(d => d.Index).Select(d => $"{d.Key} {ReviewDecisions.Name(d.Decision)}"))}.";
        return string.IsNullOrWhiteSpace(review.Comment) ? text : $"{text} {review.Comment.Trim()}";
    }
}
