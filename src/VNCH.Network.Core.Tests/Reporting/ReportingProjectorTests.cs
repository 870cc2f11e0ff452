using Microsoft.Extensions.Logging.Abstractions;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Tests.Reporting;

/// <summary>The cube is fed by the study store itself, is idempotent, and a rebuild gives exactly the incremental cube.</summary>
public sealed class ReportingProjectorTests
{
    private readonly InMemoryReportingStore cube = new();
    private readonly InMemoryStudyStore records = new();
    private readonly GeneratedNetwork network = new(2100);
    private readonly IStudyStore studies;

    public ReportingProjectorTests()
    {
        studies = new ReportingStudyStore(records, Projector);
    }

    private ReportingProjector Projector => new(cube, new InMemoryTenantDirectory([.. network.Tenants]), NullLogger<ReportingProjector>.Instance);

    [Fact]
    public async Task Saving_final_studies_through_the_store_feeds_the_cube_and_a_rebuild_gives_the_same_cube()
    {
        foreach (var study in network.Studies)
        {
            await studies.SaveAsync(study, CancellationToken.None);
        }

        var incremental = await cube.ListAsync(CancellationToken.None);
        Assert.Equal(network.Studies.Count, incremental.Count);

        await Projector.RebuildAsync(records, CancellationToken.None);
        var rebuilt = await cube.ListAsync(CancellationToken.None);
        Assert.Equal(incremental.Count, rebuilt.Count);
        Assert.All(incremental.Zip(rebuilt), pair => Assert.True(pair.First.Equivalent(pair.Second), pair.First.Key));
        Assert.True((await Projector.VerifyAsync(records, CancellationToken.None)).Consistent);
    }

    [Fact]
    public async Task Re_delivery_never_double_counts_and_changed_findings_move_the_study()
    {
        var study = network.Studies.First(s => s.Status == StudyStatus.Completed && s.Kind == StudyKind.Imaging);
        await studies.SaveAsync(study, CancellationToken.None);
        var first = Assert.Single(await cube.ListAsync(CancellationToken.None));

        // Re-analysed: same study, a new label, a later final time.
        var reread = (await studies.GetAsync(study.Tenant, study.Id, CancellationToken.None))!;
        var newLabel = first.Findings[0].Category == "pneumonia" ? "normal" : "pneumonia";
        reread.Analyses = [reread.Analyses[0] with { Result = reread.Analyses[0].Result with { Label = newLabel } }];
        reread.Receive(reread.UpdatedAt.AddMinutes(1));
        reread.MarkQueued(reread.UpdatedAt);
        await studies.SaveAsync(reread, CancellationToken.None);
        Assert.Equal(first.Findings, Assert.Single(await cube.ListAsync(CancellationToken.None)).Findings); // not final: unchanged

        reread.StartAnalysis(reread.UpdatedAt.AddMinutes(1));
        reread.Complete(reread.UpdatedAt);
        await studies.SaveAsync(reread, CancellationToken.None);
        await studies.SaveAsync(reread, CancellationToken.None); // delivered twice

        var moved = Assert.Single(await cube.ListAsync(CancellationToken.None));
        Assert.Equal(first.Key, moved.Key);
        Assert.Equal(newLabel, moved.Findings[0].Category);
    }

    [Fact]
    public async Task A_rebuild_repairs_a_cube_that_missed_or_kept_stale_contributions()
    {
        foreach (var study in network.Studies.Take(200))
        {
            await records.SaveAsync(study, CancellationToken.None); // bypassing the projection: the cube missed them
        }

        var before = await Projector.VerifyAsync(records, CancellationToken.None);
        Assert.Equal(200, before.Missing);
        Assert.False(before.Consistent);

        Assert.Equal(200, await Projector.RebuildAsync(records, CancellationToken.None));
        Assert.True((await Projector.VerifyAsync(records, CancellationToken.None)).Consistent);
    }

    [Fact]
    public void The_generated_network_covers_every_band_sex_kind_outcome_and_finding()
    {
        var key = new byte[32];
        var facts = network.Studies.Select(s => StudyFactProjection.Project(s, network.Hospitals.Single(h => h.Id == s.Tenant), key)).ToList();
        Assert.True(network.Hospitals.Count >= 5);
        Assert.Equal(3, facts.Select(f => f.Province).Distinct().Count());
        Assert.Equal(AgeBands.All.ToHashSet(), facts.Select(f => f.AgeBand).ToHashSet());
        Assert.Equal(4, facts.Select(f => f.Sex).Distinct().Count());
        Assert.Equal(4, facts.Select(f => f.Kind).Distinct().Count());
        Assert.Equal(4, facts.Select(f => f.Outcome).Distinct().Count());
        Assert.Equal(2, facts.Select(f => f.DateSource).Distinct().Count());
        Assert.Contains(facts, f => f.AgeBand == AgeBand.Newborn && network.Studies.Any(s => s.PatientAgeInDays == 19));
        Assert.Contains(facts, f => ReportingPeriods.Of(f.Date, PeriodGrain.Week).Code == "2026-W53");
        var categories = facts.SelectMany(f => f.Findings).Select(f => $"{f.Indicator}={f.Category}").ToHashSet();
        Assert.Superset(GeneratedNetwork.WhoGrades.Select(g => $"audiometry/result={g.Replace(' ', '-')}").ToHashSet(), categories);
        Assert.Superset(new[] { "pediatric-cxr-pneumonia/result=pneumonia", "pediatric-cxr-pneumonia/result=normal", "ecg-intervals/qtc-flag=critical-high", "ecg-intervals/rate-flag=low" }.ToHashSet(), categories);
    }
}
