using Microsoft.Extensions.Logging;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Work;

/// <summary>
/// Safety nets for work items that were lost: studies stored but never queued (a crash between the study write and
/// the enqueue), and studies queued or analysing long after they got there (an instance died past every redelivery,
/// or an operator cleared a queue). Both are queued again; a spare delivery is harmless because the analysis handler
/// ignores items whose study is already final. Run at start-up by the embedded host and on a timer in Azure.
/// </summary>
public sealed class StalledStudyRecovery(
    ITenantDirectory tenants, IStudyStore studies, IWorkQueue queue, TimeProvider time, ILogger<StalledStudyRecovery> logger)
{
    private static readonly StudyStatus[] InFlight = [StudyStatus.Queued, StudyStatus.Analysing];

    /// <summary>Queues studies still <c>received</c> (never queued) for longer than <paramref name="olderThan"/>.</summary>
    public async Task<int> RequeueStalledAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var count = await RequeueAsync([StudyStatus.Received], olderThan, MarkQueuedAsync, cancellationToken);
        if (count > 0)
        {
            logger.LogWarning("Queued {Count} stalled study(ies)", count);
        }

        return count;
    }

    /// <summary>Queues again studies <c>queued</c> or <c>analysing</c> for longer than <paramref name="olderThan"/>.</summary>
    public async Task<int> RequeueInFlightAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var count = await RequeueAsync(InFlight, olderThan, (_, _, _) => Task.CompletedTask, cancellationToken);
        if (count > 0)
        {
            logger.LogWarning("Re-queued {Count} study(ies) stuck in queued/analysing for more than {Timeout}", count, olderThan);
        }

        return count;
    }

    private async Task<int> RequeueAsync(
        StudyStatus[] statuses, TimeSpan olderThan, Func<TenantId, string, CancellationToken, Task> afterEnqueue, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - olderThan;
        var count = 0;
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            foreach (var status in statuses)
            {
                string? token = null;
                do
                {
                    var page = await studies.QueryAsync(tenant.Id, new StudyQuery { Status = status, ContinuationToken = token, PageSize = 100 }, cancellationToken);
                    foreach (var study in page.Items.Where(s => s.StatusTimes.GetValueOrDefault(status, s.UpdatedAt) <= cutoff))
                    {
                        await queue.EnqueueAsync(new AnalyseStudy(tenant.Id, study.Id), cancellationToken);
                        await afterEnqueue(tenant.Id, study.Id, cancellationToken);
                        count++;
                    }

                    token = page.ContinuationToken;
                }
                while (token is not null);
            }
        }

        return count;
    }

    private Task MarkQueuedAsync(TenantId tenant, string studyId, CancellationToken cancellationToken) =>
        studies.UpdateAsync(tenant, studyId, current =>
        {
            if (current?.Status != StudyStatus.Received)
            {
                return null;
            }

            current.MarkQueued(time.GetUtcNow());
            return current;
        }, cancellationToken);
}
