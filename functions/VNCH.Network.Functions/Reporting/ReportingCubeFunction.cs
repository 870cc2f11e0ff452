using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Studies;

namespace VNCH.Network.Functions.Reporting;

/// <summary>
/// Nightly (02:30 Vietnam time): recomputes the reporting cube from the study records, compares it with the cube the
/// analysis path kept up incrementally, logs an error (the monitoring alert's signal) when they differ, and repairs it
/// by rebuilding. A timer trigger runs on one instance at a time, so rebuilds never overlap.
/// </summary>
public sealed class ReportingCubeFunction(ReportingProjector projector, IStudyStore studies, ILogger<ReportingCubeFunction> logger)
{
    public const string Name = "VerifyReportingCube";

    /// <summary>What the monitoring alert (infra/modules/monitoring.bicep) looks for in the traces.</summary>
    public const string DifferedMessage = "Reporting cube differed from the records";

    [Function(Name)]
    public async Task Run([TimerTrigger("0 30 19 * * *")] TimerInfo timer, FunctionContext context)
    {
        var result = await projector.VerifyAndRepairAsync(studies, context.CancellationToken);
        if (result.Consistent)
        {
            logger.LogInformation("Reporting cube verified: {Studies} final studies, rebuild equals the incremental cube", result.Studies);
        }
        else
        {
            logger.LogError(
                DifferedMessage + " ({Missing} missing, {Stale} stale, {Extra} extra of {Studies} studies) and was rebuilt",
                result.Missing, result.Stale, result.Extra, result.Studies);
        }
    }
}
