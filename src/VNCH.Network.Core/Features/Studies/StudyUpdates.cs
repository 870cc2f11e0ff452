using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Studies;

public static class StudyUpdates
{
    // Every instance of a study updates its document (ADR 0110): many connections of one PACS sending one CT race
    // here, so a conflict is normal, not exceptional. Enough attempts, with jitter so racers do not collide again.
    private const int MaxAttempts = 24;

    /// <summary>
    /// Read-modify-write with optimistic concurrency: <paramref name="change"/> gets the current document (null when
    /// absent) and returns the document to save, or null to leave it unchanged. Re-runs on a conflict.
    /// </summary>
    public static async Task<Study?> UpdateAsync(
        this IStudyStore store,
        TenantId tenant,
        string studyId,
        Func<Study?, Study?> change,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(tenant, studyId, cancellationToken);
            var next = change(current);
            if (next is null)
            {
                return current;
            }

            try
            {
                await store.SaveAsync(next, cancellationToken);
                return next;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, 2 + (2 * Math.Min(attempt, 12)))), cancellationToken);
            }
        }
    }
}
