using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Reporting;

/// <summary>
/// Feeds the cube from the study store itself: every save that leaves a study in a final state (analysis finished,
/// rejected at ingestion or analysis, failed, no analyser) is projected, so no handler has to remember to. A failed
/// projection never fails the save: the periodic rebuild-and-verify repairs the cube.
/// </summary>
public sealed class ReportingStudyStore(IStudyStore inner, ReportingProjector projector) : IStudyStore
{
    public Task<Study?> GetAsync(TenantId tenant, string studyId, CancellationToken cancellationToken) =>
        inner.GetAsync(tenant, studyId, cancellationToken);

    public async Task SaveAsync(Study study, CancellationToken cancellationToken)
    {
        await inner.SaveAsync(study, cancellationToken);
        if (!study.IsFinal)
        {
            return;
        }

        await projector.ProjectOrLogAsync(study, cancellationToken);
    }

    public Task<InstanceLocation?> FindInstanceAsync(TenantId tenant, string instanceUid, CancellationToken cancellationToken) =>
        inner.FindInstanceAsync(tenant, instanceUid, cancellationToken);

    public Task<HeldInstance?> AddInstanceAsync(TenantId tenant, string studyId, StudyInstance instance, CancellationToken cancellationToken) =>
        inner.AddInstanceAsync(tenant, studyId, instance, cancellationToken);

    public Task<IReadOnlyList<StudyInstance>> ListInstancesAsync(TenantId tenant, string studyId, CancellationToken cancellationToken) =>
        inner.ListInstancesAsync(tenant, studyId, cancellationToken);

    public Task<StudyPage> QueryAsync(TenantId tenant, StudyQuery query, CancellationToken cancellationToken) =>
        inner.QueryAsync(tenant, query, cancellationToken);

    public Task<StudyVersionPage> QueryVersionsAsync(TenantId tenant, StudyQuery query, Func<string, string, bool> wants, CancellationToken cancellationToken) =>
        inner.QueryVersionsAsync(tenant, query, wants, cancellationToken);
}
