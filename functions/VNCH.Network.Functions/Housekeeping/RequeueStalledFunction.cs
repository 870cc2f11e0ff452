using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Functions.Housekeeping;

/// <summary>
/// Every 10 minutes: studies stored but never queued (older than <c>Vnch:Housekeeping:ReceivedAfter</c>, default 10
/// minutes) and studies queued or analysing for longer than <c>Vnch:Housekeeping:InFlightAfter</c> (default 2 hours)
/// are queued again. The analysis handler is idempotent, so a spare delivery is harmless.
/// </summary>
public sealed class RequeueStalledFunction(StalledStudyRecovery recovery, IConfiguration configuration)
{
    [Function("RequeueStalledStudies")]
    public async Task Run([TimerTrigger("0 */10 * * * *")] TimerInfo timer, FunctionContext context)
    {
        await recovery.RequeueStalledAsync(configuration.GetValue("Vnch:Housekeeping:ReceivedAfter", TimeSpan.FromMinutes(10)), context.CancellationToken);
        await recovery.RequeueInFlightAsync(configuration.GetValue("Vnch:Housekeeping:InFlightAfter", TimeSpan.FromHours(2)), context.CancellationToken);
    }
}
