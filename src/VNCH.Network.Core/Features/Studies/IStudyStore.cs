using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Studies;

/// <summary>
/// Study documents, always addressed within one tenant. Writes are optimistic: <see cref="SaveAsync"/> creates
/// when <see cref="Study.ETag"/> is null (fails if it exists) and otherwise replaces only if the ETag still matches.
/// </summary>
public interface IStudyStore
{
    Task<Study?> GetAsync(TenantId tenant, string studyId, CancellationToken cancellationToken);

    /// <summary>Saves and sets the new <see cref="Study.ETag"/>; throws <see cref="ConcurrencyConflictException"/>.</summary>
    Task SaveAsync(Study study, CancellationToken cancellationToken);

    /// <summary>Which study holds an instance UID in this tenant, and with which content (duplicate detection).</summary>
    Task<InstanceLocation?> FindInstanceAsync(TenantId tenant, string instanceUid, CancellationToken cancellationToken);

    /// <summary>
    /// Adds one instance record to a study (its own SQLite row / Cosmos item, ADR 0110), unless the tenant already holds
    /// one with this UID: returns null when added, or the instance held under the UID (nothing written). Of racing
    /// adds of one UID exactly one returns null. The study document is not touched; the caller updates its aggregates.
    /// </summary>
    Task<HeldInstance?> AddInstanceAsync(TenantId tenant, string studyId, StudyInstance instance, CancellationToken cancellationToken);

    /// <summary>A study's instance records in arrival order (empty for a study without any or of another tenant).</summary>
    Task<IReadOnlyList<StudyInstance>> ListInstancesAsync(TenantId tenant, string studyId, CancellationToken cancellationToken);

    /// <summary>Newest first (by last update, then id); the continuation token is opaque to callers.</summary>
    Task<StudyPage> QueryAsync(TenantId tenant, StudyQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The page <see cref="QueryAsync"/> would return, as each study's id and ETag, for a reader that keeps its own copy
    /// of what it made from a study version (the listing's rendered summaries, ADR 0118): an item carries its study
    /// exactly when <paramref name="wants"/> (id, ETag) said so, asked once per item in page order; a store that can
    /// leave the other documents unread does (SQLite); this default reads the whole page.
    /// </summary>
    async Task<StudyVersionPage> QueryVersionsAsync(TenantId tenant, StudyQuery query, Func<string, string, bool> wants, CancellationToken cancellationToken)
    {
        var page = await QueryAsync(tenant, query, cancellationToken);
        return new StudyVersionPage(page.Items.Select(s => new StudyVersion(s.Id, s.ETag!, wants(s.Id, s.ETag!) ? s : null)).ToList(), page.ContinuationToken);
    }
}

/// <summary>A study of a listing page by id and ETag; <see cref="Study"/> is null when the reader did not want it.</summary>
public sealed record StudyVersion(string Id, string ETag, Study? Study);

public sealed record StudyVersionPage(IReadOnlyList<StudyVersion> Items, string? ContinuationToken);

public sealed record InstanceLocation(string StudyId, string Sha256);

/// <summary>An instance record already held under a UID, and the study that holds it.</summary>
public sealed record HeldInstance(string StudyId, StudyInstance Instance);

public sealed record StudyQuery
{
    public StudyStatus? Status { get; init; }

    public StudyKind? Kind { get; init; }

    public string? Modality { get; init; }

    /// <summary>Only studies updated at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    public int PageSize { get; init; } = 50;

    public string? ContinuationToken { get; init; }
}

public sealed record StudyPage(IReadOnlyList<Study> Items, string? ContinuationToken);

/// <summary>The document changed (or appeared) since it was read; re-read and retry.</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);
