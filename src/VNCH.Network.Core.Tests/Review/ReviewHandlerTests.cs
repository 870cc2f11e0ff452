using System.Text.Json;
using Hl7.Fhir.Model;
using VNCH.Network.Contracts.Fhir;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Review;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Tests.Fakes;
using VNCH.Network.Testing;
using Task = System.Threading.Tasks.Task;

namespace VNCH.Network.Core.Tests.Review;

public sealed class ReviewHandlerTests
{
    private static readonly Reviewer DrLan = new("oid-lan", "BS. Nguyễn Thị Lan");
    private static readonly Reviewer DrMinh = new("oid-minh", "BS. Trần Văn Minh");

    private static async Task<(Pipeline Pipeline, ReviewHandler Handler, Study Study)> AnalysedAsync(Func<AnalysisSubject, AnalyserResult>? result = null)
    {
        var pipeline = new Pipeline(new FakeAnalyser(result));
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA,
            TestData.File("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_bacterial_person1_bacteria_1_explicitLE.dcm"));
        await pipeline.DrainAsync();
        var handler = new ReviewHandler(pipeline.Studies, pipeline.Records, pipeline.Events, pipeline.Audit, pipeline.Time);
        return (pipeline, handler, (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!);
    }

    private static Task<ReviewOutcome> ReviewAsync(Pipeline pipeline, ReviewHandler handler, Study study, Reviewer reviewer, ReviewRequest request, string? etag = "current") =>
        handler.ReviewAsync(pipeline.Caller(Pipeline.TenantA), reviewer, study.Id,
            etag is null ? null : [etag == "current" ? StudyETags.Opaque(study.ETag!) : etag], request, CancellationToken.None);

    private static ReviewRequest Simple(ReviewDecision decision, string? comment = "Đồng ý với kết quả.") => new(decision, comment, []);

    private static async Task<IReadOnlyList<FhirRecord>> RecordsAsync(Pipeline pipeline, Study study) =>
        await pipeline.Records.GetForStudyAsync(Pipeline.TenantA, study.Id, CancellationToken.None);

    [Fact]
    public async Task Confirming_makes_a_final_report_performed_by_the_clinician_with_the_model_observations_and_a_provenance()
    {
        var (pipeline, handler, study) = await AnalysedAsync();
        pipeline.Time.Advance(TimeSpan.FromMinutes(30));
        var outcome = await ReviewAsync(pipeline, handler, study, DrLan, Simple(ReviewDecision.Confirm));

        Assert.Equal(ReviewStatus.Reviewed, outcome.Status);
        Assert.Equal(StudyStatus.Reviewed, outcome.Study!.Status);
        Assert.NotEqual(study.ETag, outcome.Study.ETag);
        var review = outcome.Review!;
        Assert.Equal((1, "final", ReviewDecision.Confirm), (review.Number, review.ReportStatus, Assert.Single(review.Findings).Decision));

        var records = await RecordsAsync(pipeline, study);
        Assert.All(records, r => Assert.Empty(R4Validation.Errors(r.Json)));
        var reports = records.Where(r => r.ResourceType == "DiagnosticReport").Select(r => FhirJson.Parse<DiagnosticReport>(r.Json)).ToList();
        var preliminary = Assert.Single(reports, r => r.Status == DiagnosticReport.DiagnosticReportStatus.Preliminary);
        var final = Assert.Single(reports, r => r.Status == DiagnosticReport.DiagnosticReportStatus.Final);
        var practitioner = FhirJson.Parse<Practitioner>(Assert.Single(records, r => r.ResourceType == "Practitioner").Json);
        Assert.Equal("oid-lan", practitioner.Identifier[0].Value);
        Assert.Equal("BS. Nguyễn Thị Lan", practitioner.Name[0].Text);
        Assert.Equal($"Practitioner/{practitioner.Id}", Assert.Single(final.Performer).Reference);
        Assert.Equal(preliminary.Result.Select(r => r.Reference), final.Result.Select(r => r.Reference));
        Assert.Equal("233604007", Assert.Single(final.ConclusionCode).Coding[0].Code);
        Assert.Contains("Đồng ý với kết quả.", final.Conclusion, StringComparison.Ordinal);
        Assert.Equal(pipeline.Time.GetUtcNow(), final.Issued);

        var provenance = records.Where(r => r.ResourceType == "Provenance").Select(r => FhirJson.Parse<Provenance>(r.Json))
            .Single(p => p.Target.Any(t => t.Reference == $"DiagnosticReport/{final.Id}"));
        Assert.Equal($"Practitioner/{practitioner.Id}", Assert.Single(provenance.Agent).Who.Reference);
        Assert.Equal("CREATE", provenance.Activity!.Coding[0].Code);
        Assert.Equal(pipeline.Time.GetUtcNow(), provenance.Recorded);
        Assert.Contains(provenance.Entity, e => e.Role == Provenance.ProvenanceEntityRole.Revision && e.What.Reference == $"DiagnosticReport/{preliminary.Id}");
        Assert.Contains(provenance.Entity, e => e.Role == Provenance.ProvenanceEntityRole.Source && e.What.Reference == preliminary.Result[0].Reference);

        Assert.Equal([StudyStatus.Completed, StudyStatus.Reviewed], pipeline.Events.Events.Select(e => e.Status));
        var audit = pipeline.Audit.All.Last();
        Assert.Equal((ReviewHandler.Action, AuditOutcomes.Success, study.Id), (audit.Action, audit.Outcome, audit.ResourceId));
        Assert.Contains("oid-lan", audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_later_review_amends_the_report_and_adds_a_provenance_naming_the_second_clinician()
    {
        var (pipeline, handler, study) = await AnalysedAsync();
        var first = await ReviewAsync(pipeline, handler, study, DrLan, Simple(ReviewDecision.Confirm));
        pipeline.Time.Advance(TimeSpan.FromHours(2));
        var second = await ReviewAsync(pipeline, handler, first.Study!, DrMinh, Simple(ReviewDecision.Reject, "Không thấy đông đặc."));

        Assert.Equal(ReviewStatus.Reviewed, second.Status);
        Assert.Equal((2, "amended"), (second.Review!.Number, second.Review.ReportStatus));
        var records = await RecordsAsync(pipeline, study);
        Assert.All(records, r => Assert.Empty(R4Validation.Errors(r.Json)));
        var clinicianReport = records.Where(r => r.ResourceType == "DiagnosticReport").Select(r => FhirJson.Parse<DiagnosticReport>(r.Json))
            .Single(r => r.Status != DiagnosticReport.DiagnosticReportStatus.Preliminary);
        Assert.Equal(DiagnosticReport.DiagnosticReportStatus.Amended, clinicianReport.Status);
        Assert.Empty(clinicianReport.Result); // the rejected finding is not asserted by the clinician
        Assert.Empty(clinicianReport.ConclusionCode);
        Assert.Equal(2, records.Count(r => r.ResourceType == "Practitioner"));
        var provenances = records.Where(r => r.ResourceType == "Provenance").Select(r => FhirJson.Parse<Provenance>(r.Json))
            .Where(p => p.Agent.Any(a => a.Who.Reference!.StartsWith("Practitioner/", StringComparison.Ordinal))).ToList();
        Assert.Equal(["CREATE", "UPDATE"], provenances.OrderBy(p => p.Recorded).Select(p => p.Activity!.Coding[0].Code));
        Assert.Equal(2, second.Study!.Reviews.Count);
    }

    [Fact]
    public async Task Amending_a_value_adds_a_clinician_observation_derived_from_the_models()
    {
        var (pipeline, handler, study) = await AnalysedAsync();
        var value = JsonSerializer.Deserialize<JsonElement>("0.2");
        var outcome = await ReviewAsync(pipeline, handler, study, DrLan,
            new ReviewRequest(ReviewDecision.Amend, null, [new FindingDecisionRequest("fake-cxr", "233604007", ReviewDecision.Amend, value)]));

        Assert.Equal(ReviewStatus.Reviewed, outcome.Status);
        Assert.Equal(new ScoreValue(0.2), Assert.Single(outcome.Review!.Findings).AmendedValue);
        var records = await RecordsAsync(pipeline, study);
        Assert.All(records, r => Assert.Empty(R4Validation.Errors(r.Json)));
        var observations = records.Where(r => r.ResourceType == "Observation").Select(r => FhirJson.Parse<Observation>(r.Json)).ToList();
        var model = Assert.Single(observations, o => o.Status == ObservationStatus.Preliminary);
        var clinician = Assert.Single(observations, o => o.Status == ObservationStatus.Final);
        Assert.Equal($"Observation/{model.Id}", Assert.Single(clinician.DerivedFrom).Reference);
        Assert.Equal(0.2m, Assert.IsType<Quantity>(clinician.Value).Value);
        Assert.Equal(0.91m, Assert.IsType<Quantity>(model.Value).Value);
    }

    [Theory]
    [InlineData("\"high\"", "must be a number")]
    [InlineData("null", "needs a value")]
    public async Task An_amended_value_of_the_wrong_kind_is_refused_and_nothing_changes(string json, string problem)
    {
        var (pipeline, handler, study) = await AnalysedAsync();
        var outcome = await ReviewAsync(pipeline, handler, study, DrLan,
            new ReviewRequest(ReviewDecision.Amend, null, [new FindingDecisionRequest("fake-cxr", "233604007", ReviewDecision.Amend, JsonSerializer.Deserialize<JsonElement>(json))]));

        Assert.Equal(ReviewStatus.Invalid, outcome.Status);
        Assert.Contains(problem, outcome.Detail, StringComparison.Ordinal);
        Assert.Equal(StudyStatus.Completed, (await pipeline.Studies.GetAsync(Pipeline.TenantA, study.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task A_finding_the_study_does_not_have_is_refused()
    {
        var (pipeline, handler, study) = await AnalysedAsync();
        var outcome = await ReviewAsync(pipeline, handler, study, DrLan,
            new ReviewRequest(ReviewDecision.Confirm, null, [new FindingDecisionRequest("fake-cxr", "no-such-code", ReviewDecision.Reject, null)]));
        Assert.Equal(ReviewStatus.Invalid, outcome.Status);
        Assert.Contains("no finding 'no-such-code'", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_if_match_the_review_is_refused_and_with_a_stale_etag_it_loses()
    {
        var (pipeline, handler, study) = await AnalysedAsync();
        Assert.Equal(ReviewStatus.PreconditionRequired, (await ReviewAsync(pipeline, handler, study, DrLan, Simple(ReviewDecision.Confirm), etag: null)).Status);
        Assert.Equal(ReviewStatus.PreconditionRequired, (await ReviewAsync(pipeline, handler, study, DrLan, Simple(ReviewDecision.Confirm), etag: "*")).Status);
        Assert.Equal(ReviewStatus.PreconditionFailed, (await ReviewAsync(pipeline, handler, study, DrLan, Simple(ReviewDecision.Confirm), etag: "not-the-etag")).Status);

        Assert.Equal(ReviewStatus.Reviewed, (await ReviewAsync(pipeline, handler, study, DrLan, Simple(ReviewDecision.Confirm))).Status);
        // The same (now stale) version again: the second clinician has not seen the first review.
        Assert.Equal(ReviewStatus.PreconditionFailed, (await ReviewAsync(pipeline, handler, study, DrMinh, Simple(ReviewDecision.Reject))).Status);
        var stored = (await pipeline.Studies.GetAsync(Pipeline.TenantA, study.Id, CancellationToken.None))!;
        Assert.Equal("oid-lan", Assert.Single(stored.Reviews).Reviewer.Id);
    }

    [Fact]
    public async Task Two_concurrent_reviews_of_one_version_give_one_review_and_one_precondition_failure()
    {
        var (pipeline, handler, study) = await AnalysedAsync();
        var outcomes = await Task.WhenAll(
            Task.Run(() => ReviewAsync(pipeline, handler, study, DrLan, Simple(ReviewDecision.Confirm))),
            Task.Run(() => ReviewAsync(pipeline, handler, study, DrMinh, Simple(ReviewDecision.Reject))));

        Assert.Equal([ReviewStatus.Reviewed, ReviewStatus.PreconditionFailed], outcomes.Select(o => o.Status).Order());
        var winner = outcomes.Single(o => o.Status == ReviewStatus.Reviewed).Review!.Reviewer;
        var stored = (await pipeline.Studies.GetAsync(Pipeline.TenantA, study.Id, CancellationToken.None))!;
        Assert.Equal(winner, Assert.Single(stored.Reviews).Reviewer);
        Assert.Single(pipeline.Events.Events, e => e.Status == StudyStatus.Reviewed);
    }

    [Fact]
    public async Task Another_hospital_gets_not_found_and_a_study_without_findings_cannot_be_reviewed()
    {
        var (pipeline, handler, study) = await AnalysedAsync();
        var other = await handler.ReviewAsync(pipeline.Caller(Pipeline.TenantB), DrLan, study.Id, [StudyETags.Opaque(study.ETag!)], Simple(ReviewDecision.Confirm), CancellationToken.None);
        Assert.Equal(ReviewStatus.NotFound, other.Status);
        Assert.Equal(AuditOutcomes.NotFound, pipeline.Audit.All.Last().Outcome);

        var none = new Pipeline(new FakeAnalyser());
        var ct = await none.IngestFileAsync(Pipeline.TenantA, TestData.File("dicom/dicomParser/testImages/CT1_UNC.explicit_little_endian.dcm"));
        await none.DrainAsync();
        var noAnalyser = (await none.Studies.GetAsync(Pipeline.TenantA, ct.StudyId!, CancellationToken.None))!;
        var refused = await new ReviewHandler(none.Studies, none.Records, none.Events, none.Audit, none.Time)
            .ReviewAsync(none.Caller(Pipeline.TenantA), DrLan, noAnalyser.Id, [StudyETags.Opaque(noAnalyser.ETag!)], Simple(ReviewDecision.Confirm), CancellationToken.None);
        Assert.Equal(ReviewStatus.NotReviewable, refused.Status);
    }

    [Fact]
    public void If_match_parsing_keeps_strong_tags_only()
    {
        Assert.Null(StudyETags.ParseIfMatch(null));
        Assert.Null(StudyETags.ParseIfMatch(" "));
        Assert.Equal(["abc", "def"], StudyETags.ParseIfMatch("\"abc\", W/\"xyz\", \"def\""));
        Assert.Equal(["*"], StudyETags.ParseIfMatch("*"));
        Assert.Equal("\"0a-1\"", StudyETags.Header("\"0a-1\""));
        Assert.Equal("\"0a-1\"", StudyETags.Header("0a-1"));
    }
}
