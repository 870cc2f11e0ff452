using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Quotas;

/// <summary>
/// The originals kept only because their document was rejected (a port: the embedded adapter lists them in SQLite
/// and deletes the files). Which ones to evict is decided by <see cref="RejectedRetention"/>, never here.
/// </summary>
public interface IRejectedOriginals
{
    /// <summary>Remembers a rejected document's original; the same original again keeps its first entry.</summary>
    Task AddAsync(TenantId tenant, RejectedOriginal rejected, CancellationToken cancellationToken);

    /// <summary>The hospital's rejected documents' originals, oldest rejection first.</summary>
    Task<IReadOnlyList<RejectedOriginal>> ListOldestFirstAsync(TenantId tenant, CancellationToken cancellationToken);

    /// <summary>Deletes the original's bytes, then its entry (repeatable: a crash in between evicts again).</summary>
    Task EvictAsync(TenantId tenant, string sha256, CancellationToken cancellationToken);

    /// <summary>The same bytes were since accepted as a document: the original is no longer the rejected one's alone.</summary>
    Task ForgetAsync(TenantId tenant, string sha256, CancellationToken cancellationToken);
}

/// <param name="StudyId">The rejected study that names this original.</param>
public sealed record RejectedOriginal(string StudyId, string Sha256, long Length, DateTimeOffset RejectedAt);
