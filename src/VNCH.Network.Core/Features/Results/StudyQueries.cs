using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Results;

/// <summary>The hospital read path: always within the caller's tenant, every access audited.</summary>
public sealed class StudyQueries(IStudyStore studies, IRecordStore records, IAuditSink audit, TimeProvider time)
{
    public async Task<StudyPage> ListAsync(Caller caller, StudyQuery query, CancellationToken cancellationToken)
    {
        var page = await studies.QueryAsync(caller.Tenant, query, cancellationToken);
        await AuditListAsync(caller, page.Items.Count, cancellationToken);
        return page;
    }

    /// <summary>
    /// The listing page by study version, documents only where <paramref name="wants"/> asks (ADR 0118); audited as
    /// <see cref="ListAsync"/> is.
    /// </summary>
    public async Task<StudyVersionPage> ListVersionsAsync(Caller caller, StudyQuery query, Func<string, string, bool> wants, CancellationToken cancellationToken)
    {
        var page = await studies.QueryVersionsAsync(caller.Tenant, query, wants, cancellationToken);
        await AuditListAsync(caller, page.Items.Count, cancellationToken);
        return page;
    }

    /// <summary>Null when absent, whether it never existed or belongs to another tenant.</summary>
    public async Task<Study?> GetAsync(Caller caller, string studyId, CancellationToken cancellationToken)
    {
        var study = await studies.GetAsync(caller.Tenant, studyId, cancellationToken);
        await AuditAsync(caller, "study.read", "Study", studyId, study is null ? AuditOutcomes.NotFound : AuditOutcomes.Success, null, cancellationToken);
        return study;
    }

    /// <summary>The study with its instance records (they are not part of the study document, ADR 0110); null when absent.</summary>
    public async Task<StudyDetail?> GetDetailAsync(Caller caller, string studyId, CancellationToken cancellationToken)
    {
        var study = await GetAsync(caller, studyId, cancellationToken);
        return study is null ? null : new StudyDetail(study, await studies.ListInstancesAsync(caller.Tenant, studyId, cancellationToken));
    }

    /// <summary>The study's FHIR resources as a collection Bundle (JSON), or null when the study is absent.</summary>
    public async Task<string?> GetFhirBundleAsync(Caller caller, string studyId, CancellationToken cancellationToken)
    {
        var study = await studies.GetAsync(caller.Tenant, studyId, cancellationToken);
        if (study is null)
        {
            await AuditAsync(caller, "study.fhir.read", "Bundle", studyId, AuditOutcomes.NotFound, null, cancellationToken);
            return null;
        }

        var resources = await records.GetForStudyAsync(caller.Tenant, studyId, cancellationToken);
        await AuditAsync(caller, "study.fhir.read", "Bundle", studyId, AuditOutcomes.Success, $"{resources.Count} resources", cancellationToken);
        return StudyBundle.ToJson(studyId, resources, time.GetUtcNow());
    }

    private Task AuditListAsync(Caller caller, int count, CancellationToken cancellationToken) =>
        AuditAsync(caller, "study.list", "Study", null, AuditOutcomes.Success, $"{count} studies", cancellationToken);

    private Task AuditAsync(Caller caller, string action, string type, string? id, string outcome, string? detail, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditRecord(time.GetUtcNow(), caller.Subject, caller.Tenant, action, type, id, outcome, caller.CorrelationId, detail), cancellationToken);
}

public sealed record StudyDetail(Study Study, IReadOnlyList<StudyInstance> Instances);
