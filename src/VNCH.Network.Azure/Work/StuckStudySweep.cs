using Microsoft.Extensions.Logging;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Azure.Work;

/// <summary>
/// Safety net of the Azure timer: a study still queued or analysing long after it got there has lost its work item
/// (an instance died mid-analysis past every redelivery, or an operator cleared a queue), so it is queued again.
/// Re-delivery is harmless: the analysis handler ignores items whose study is already final.
/// (Received-but-never-queued studies are Core's <see cref="StalledStudyRecovery"/>.)
/// </summary>
public sealed class StuckStudySweep(ITenantDirectory tenants, IStudyStore studies, IWorkQueue queue, TimeProvider time, ILogger<StuckStudySweep> logger)
{
    private static readonly StudyStatus[] InFlight = [StudyStatus.Queued, StudyStatus.Analysing];

    public async Task<int> RequeueAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - olderThan;
        var count = 0;
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            foreach (var status in InFlight)
            {
                string? token = null;
                do
                {
                    var page = await studies.QueryAsync(tenant.Id, new StudyQuery { Status = status, PageSize = 100, ContinuationToken = token }, cancellationToken);
                    foreach (var study in page.Items.Where(s => s.StatusTimes.GetValueOrDefault(status) <= cutoff))
                    {
                        await queue.EnqueueAsync(new AnalyseStudy(tenant.Id, study.Id), cancellationToken);
                        count++;
                    }

                    token = page.ContinuationToken;
                }
                while (token is not null);
            }
        }

        if (count > 0)
        {
            logger.LogWarning("Re-queued {Count} study(ies) stuck in queued/analysing for more than {Timeout}", count, olderThan);
        }

        return count;
    }
}
