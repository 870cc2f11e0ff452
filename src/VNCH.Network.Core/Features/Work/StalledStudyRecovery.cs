using Microsoft.Extensions.Logging;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Work;

/// <summary>
/// Queues studies that were stored but never queued (a crash between the study write and the enqueue). Run at
/// start-up by the embedded host and on a timer in Azure.
/// </summary>
public sealed class StalledStudyRecovery(
    ITenantDirectory tenants, IStudyStore studies, IWorkQueue queue, TimeProvider time, ILogger<StalledStudyRecovery> logger)
{
    public async Task<int> RequeueStalledAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var count = 0;
        var cutoff = time.GetUtcNow() - olderThan;
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            string? token = null;
            do
            {
                var page = await studies.QueryAsync(tenant.Id, new StudyQuery { Status = StudyStatus.Received, ContinuationToken = token, PageSize = 100 }, cancellationToken);
                foreach (var study in page.Items.Where(s => s.UpdatedAt <= cutoff))
                {
                    await queue.EnqueueAsync(new AnalyseStudy(tenant.Id, study.Id), cancellationToken);
                    await studies.UpdateAsync(tenant.Id, study.Id, current =>
                    {
                        if (current?.Status != StudyStatus.Received)
                        {
                            return null;
                        }

                        current.MoveTo(StudyStatus.Queued, time.GetUtcNow());
                        return current;
                    }, cancellationToken);
                    count++;
                }

                token = page.ContinuationToken;
            }
            while (token is not null);
        }

        if (count > 0)
        {
            logger.LogWarning("Queued {Count} stalled study(ies)", count);
        }

        return count;
    }
}
