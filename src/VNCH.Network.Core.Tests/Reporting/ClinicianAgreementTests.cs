using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Review;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Tests.Reporting;

/// <summary>The cube's clinician-vs-model agreement feed (ADR 0091): one category per analyser and version.</summary>
public sealed class ClinicianAgreementTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly Tenant HospitalA = new() { Id = TenantId.Parse("hosp-a"), Name = "A", Province = "Hà Nội" };
    private static readonly DateTimeOffset At = new(2026, 11, 24, 3, 0, 0, TimeSpan.Zero);

    private static Study Reviewed(params ReviewDecision[] decisions)
    {
        var study = StudyFactProjectionTests.Completed(new DateOnly(2020, 1, 1));
        study.Analyses = [GeneratedNetwork.Analysis(StudyKind.Ecg, new Random(1), At.AddHours(-1))]; // two findings to decide
        var analysis = study.Analyses[0];
        study.Review(StudyStates.TestReview(At) with
        {
            Findings = analysis.Result.Findings.Select((f, i) =>
                new FindingDecision(analysis.Analyser.Id, analysis.Analyser.Version, i, f.Code.Code, f.Code, decisions[i % decisions.Length])).ToList(),
        });
        return study;
    }

    [Theory]
    [InlineData(new[] { ReviewDecision.Confirm }, "agree")]
    [InlineData(new[] { ReviewDecision.Reject }, "disagree")]
    [InlineData(new[] { ReviewDecision.Amend }, "amended")]
    public void A_reviewed_study_reports_its_agreement_per_analyser_and_version(ReviewDecision[] decisions, string category)
    {
        var study = Reviewed(decisions);
        var fact = StudyFactProjection.Project(study, HospitalA, Key);
        var analyser = study.Analyses[0].Analyser;

        Assert.Equal("completed", fact.Outcome);
        var agreement = Assert.Single(fact.Findings, f => f.Indicator.Contains(StudyFactProjection.AgreementIndicator, StringComparison.Ordinal));
        Assert.Equal(($"{analyser.Id}/clinician-agreement@{analyser.Version}", category), (agreement.Indicator, agreement.Category));
        // The model's own indicators are still there: a review adds to the cube, it does not replace the result.
        Assert.Contains(fact.Findings, f => f.Indicator == $"{analyser.Id}/result");
        Assert.Contains(ReportTables.For([fact]), t => t.Name == $"findings:{analyser.Id}/clinician-agreement@{analyser.Version}");
    }

    [Fact]
    public void An_unreviewed_study_has_no_agreement_and_the_last_review_counts()
    {
        var completed = StudyFactProjectionTests.Completed(new DateOnly(2020, 1, 1));
        Assert.DoesNotContain(StudyFactProjection.Project(completed, HospitalA, Key).Findings,
            f => f.Indicator.Contains(StudyFactProjection.AgreementIndicator, StringComparison.Ordinal));

        var study = Reviewed(ReviewDecision.Reject);
        var analysis = study.Analyses[0];
        study.Review(StudyStates.TestReview(At.AddHours(1)) with
        {
            Findings = analysis.Result.Findings.Select((f, i) =>
                new FindingDecision(analysis.Analyser.Id, analysis.Analyser.Version, i, f.Code.Code, f.Code, ReviewDecision.Confirm)).ToList(),
        });
        Assert.Equal("agree", StudyFactProjection.Project(study, HospitalA, Key).Findings.Single(f => f.Indicator.Contains("clinician-agreement", StringComparison.Ordinal)).Category);
    }
}
