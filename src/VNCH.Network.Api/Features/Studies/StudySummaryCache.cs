using System.Collections.Concurrent;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Api.Features.Studies;

/// <summary>
/// The listing's rendered summaries (UTF-8 JSON of <see cref="StudyViews.Summary"/>), one per study, kept with the
/// study ETag they were made from (ADR 0118). A listing asks the store for a study's document only when the ETag it
/// finds differs from the one here, so a page of unchanged studies is served without reading or parsing a document.
/// Keyed by tenant and study id: a page only looks up the studies its own tenant's query returned.
/// </summary>
public sealed class StudySummaryCache(int capacity = StudySummaryCache.DefaultCapacity)
{
    /// <summary>About 1–2 KB each: a few MB at most, whatever the number of studies.</summary>
    public const int DefaultCapacity = 4096;

    private readonly ConcurrentDictionary<(string Tenant, string Id), Entry> entries = new();

    public int Count => entries.Count;

    /// <summary>The summary rendered from exactly this version of the study, with links under <paramref name="linkBase"/>.</summary>
    public bool TryGet(TenantId tenant, string studyId, string etag, string linkBase, out byte[] json)
    {
        if (entries.TryGetValue((tenant.Value, studyId), out var entry) && entry.ETag == etag && entry.LinkBase == linkBase)
        {
            json = entry.Json;
            return true;
        }

        json = [];
        return false;
    }

    public void Put(TenantId tenant, string studyId, string etag, string linkBase, byte[] json)
    {
        if (entries.Count >= capacity && !entries.ContainsKey((tenant.Value, studyId)))
        {
            // Simple and bounded: a full cache starts again (listings refill it with the pages that are read).
            entries.Clear();
        }

        entries[(tenant.Value, studyId)] = new Entry(etag, linkBase, json);
    }

    private sealed record Entry(string ETag, string LinkBase, byte[] Json);
}
