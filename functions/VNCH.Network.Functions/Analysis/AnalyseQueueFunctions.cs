using System.Globalization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using VNCH.Network.Azure.Storage;
using VNCH.Network.Core.Features.Analysis;

namespace VNCH.Network.Functions.Analysis;

/// <summary>
/// The analyse queue. A transient failure is thrown back to the host, which redelivers after host.json's
/// visibilityTimeout; after maxDequeueCount the host moves the message to <c>analyse-poison</c>, where the second
/// trigger marks the study failed with the reason, so nothing ends silently.
/// </summary>
public sealed class AnalyseQueueFunctions(AnalysisHandler analysis, ILogger<AnalyseQueueFunctions> logger)
{
    [Function("AnalyseStudy")]
    public async Task Analyse([QueueTrigger("analyse", Connection = "AzureWebJobsStorage")] string message, FunctionContext context)
    {
        if (!WorkMessageCodec.TryDecode(message, out var item, out _, out var error))
        {
            // Retrying cannot fix it: let it go to poison at once, where it is logged with the reason.
            throw new UnreadableWorkMessageException(error);
        }

        var disposition = await analysis.HandleAsync(item, DequeueCount(context), context.CancellationToken);
        if (disposition == AnalysisDisposition.Retry)
        {
            throw new TransientAnalysisException($"Analysis of {item.Tenant}/{item.StudyId} will be retried.");
        }
    }

    [Function("AnalysePoison")]
    public async Task Poison([QueueTrigger("analyse-poison", Connection = "AzureWebJobsStorage")] string message, FunctionContext context)
    {
        if (!WorkMessageCodec.TryDecode(message, out var item, out var reason, out var error))
        {
            logger.LogError("Unreadable poison message dropped after logging: {Error}; body {Body}", error, message);
            return;
        }

        await analysis.MarkFailedAsync(item, reason ?? "The analysis work item failed on every delivery and was moved to the poison queue.", context.CancellationToken);
    }

    private static int DequeueCount(FunctionContext context) =>
        context.BindingContext.BindingData.TryGetValue("DequeueCount", out var value) &&
        int.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : 1;
}

public sealed class TransientAnalysisException(string message) : Exception(message);

public sealed class UnreadableWorkMessageException(string message) : Exception(message);
