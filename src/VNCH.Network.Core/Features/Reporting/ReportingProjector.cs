using Microsoft.Extensions.Logging;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Reporting;

/// <summary>Keeps the cube in step with the study records: one study at a time, or a full rebuild.</summary>
public sealed class ReportingProjector(IReportingStore store, ITenantDirectory tenants, ILogger<ReportingProjector> logger)
{
    private const int PageSize = 200;

    /// <summary>Projects one final study (other states are ignored: the last final result stays reported).</summary>
    public async Task ProjectAsync(Study study, CancellationToken cancellationToken)
    {
        if (await FactOfAsync(study, cancellationToken) is { } fact)
        {
            await store.UpsertAsync(fact, cancellationToken);
        }
    }

    /// <summary>
    /// <see cref="ProjectAsync"/> for a study store's save: a failed projection is logged and never fails the save
    /// (the periodic rebuild-and-verify repairs the cube).
    /// </summary>
    public async Task ProjectOrLogAsync(Study study, CancellationToken cancellationToken)
    {
        try
        {
            await ProjectAsync(study, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailure(ex, study);
        }
    }

    /// <summary>
    /// The contribution of one final study, for a store that writes it in a transaction of its own making (ADR 0117);
    /// null when the study is not final, its tenant is not a registered hospital, or it cannot be computed (logged, as
    /// in <see cref="ProjectOrLogAsync"/>: it never fails the finish).
    /// </summary>
    public async Task<StudyFact?> FactOrNullAsync(Study study, CancellationToken cancellationToken)
    {
        try
        {
            return await FactOfAsync(study, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailure(ex, study);
            return null;
        }
    }

    private void LogFailure(Exception ex, Study study) =>
        logger.LogError(ex, "Projecting study {Study} of {Tenant} into the reporting cube failed; the next rebuild repairs it", study.Id, study.Tenant);

    private async Task<StudyFact?> FactOfAsync(Study study, CancellationToken cancellationToken)
    {
        if (!study.IsFinal)
        {
            return null;
        }

        var hospital = await tenants.GetAsync(study.Tenant, cancellationToken);
        if (hospital is null || hospital.Kind != TenantKind.Hospital)
        {
            logger.LogWarning("Study {Study} of {Tenant} is not reported: the tenant is not a registered hospital", study.Id, study.Tenant);
            return null;
        }

        var key = await store.GetOrCreatePseudonymKeyAsync(cancellationToken);
        return StudyFactProjection.Project(study, hospital, key);
    }

    /// <summary>The cube as the study records say it should be, read hospital by hospital.</summary>
    public async Task<IReadOnlyList<StudyFact>> ComputeFromRecordsAsync(IStudyStore studies, CancellationToken cancellationToken)
    {
        var key = await store.GetOrCreatePseudonymKeyAsync(cancellationToken);
        var facts = new List<StudyFact>();
        foreach (var hospital in (await tenants.ListAsync(cancellationToken)).Where(t => t.Kind == TenantKind.Hospital))
        {
            string? continuation = null;
            do
            {
                var page = await studies.QueryAsync(hospital.Id, new StudyQuery { PageSize = PageSize, ContinuationToken = continuation }, cancellationToken);
                facts.AddRange(page.Items.Where(s => s.IsFinal).Select(s => StudyFactProjection.Project(s, hospital, key)));
                continuation = page.ContinuationToken;
            }
            while (continuation is not null);
        }

        return facts;
    }

    /// <summary>Rebuilds the whole cube from the study records.</summary>
    public async Task<int> RebuildAsync(IStudyStore studies, CancellationToken cancellationToken)
    {
        var facts = await ComputeFromRecordsAsync(studies, cancellationToken);
        await store.ReplaceAllAsync(facts, cancellationToken);
        logger.LogInformation("Reporting cube rebuilt from {Count} final studies", facts.Count);
        return facts.Count;
    }

    /// <summary>Compares the stored cube with the records: how many contributions are missing, stale or extra.</summary>
    public async Task<CubeVerification> VerifyAsync(IStudyStore studies, CancellationToken cancellationToken) =>
        Compare(await ComputeFromRecordsAsync(studies, cancellationToken), await store.ListAsync(cancellationToken));

    /// <summary>
    /// The periodic check (the Azure timer): the incremental cube against the records, then a rebuild when they
    /// differ. Returns what the incremental cube got wrong; a consistent cube is only read.
    /// </summary>
    public async Task<CubeVerification> VerifyAndRepairAsync(IStudyStore studies, CancellationToken cancellationToken)
    {
        var expected = await ComputeFromRecordsAsync(studies, cancellationToken);
        var verification = Compare(expected, await store.ListAsync(cancellationToken));
        if (!verification.Consistent)
        {
            await store.ReplaceAllAsync(expected, cancellationToken);
        }

        return verification;
    }

    private static CubeVerification Compare(IReadOnlyList<StudyFact> records, IReadOnlyList<StudyFact> cube)
    {
        var expected = records.ToDictionary(f => f.Key);
        var stored = cube.ToDictionary(f => f.Key);
        return new CubeVerification(
            expected.Count,
            expected.Keys.Count(k => !stored.ContainsKey(k)),
            expected.Count(e => stored.TryGetValue(e.Key, out var s) && !s.Equivalent(e.Value)),
            stored.Keys.Count(k => !expected.ContainsKey(k)));
    }
}

public sealed record CubeVerification(int Studies, int Missing, int Stale, int Extra)
{
    public bool Consistent => Missing == 0 && Stale == 0 && Extra == 0;
}
