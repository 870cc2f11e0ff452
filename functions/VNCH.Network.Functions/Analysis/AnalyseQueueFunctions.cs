using System.Globalization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using VNCH.Network.Azure;
using VNCH.Network.Azure.Storage;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Functions.Analysis;

/// <summary>
/// The analyse queue. The analysis handler decides retry or poison (ADR 0006); this trigger only acknowledges:
/// a retry is thrown back to the host, which redelivers after host.json's visibilityTimeout; a poisoned item is
/// copied to <c>{queue}-poison</c> with its reason. When the worker dies on every delivery the host moves the message
/// there itself after maxDequeueCount (equal to the handler's attempt budget), and the second trigger marks the
/// study failed, so nothing ends silently.
/// </summary>
public sealed class AnalyseQueueFunctions(AnalysisHandler analysis, IWorkQueue queue, ILogger<AnalyseQueueFunctions> logger)
{
    private const string Queue = "%" + VnchAzureOptions.AnalyseQueueSetting + "%";

    [Function("AnalyseStudy")]
    public async Task Analyse([QueueTrigger(Queue, Connection = "AzureWebJobsStorage")] string message, FunctionContext context)
    {
        if (!WorkMessageCodec.TryDecode(message, out var item, out _, out var error))
        {
            // Retrying cannot fix it: let it go to poison at once, where it is logged with the reason.
            throw new UnreadableWorkMessageException(error);
        }

        var delivery = new WorkMessage(Binding(context, "Id") ?? "", Binding(context, "PopReceipt") ?? "", DequeueCount(context), item);
        switch (await analysis.HandleAsync(item, delivery.DequeueCount, context.CancellationToken))
        {
            case WorkDisposition.Retry retry:
                throw new TransientAnalysisException($"Analysis of {item.Tenant}/{item.StudyId} will be retried: {retry.Reason}");
            case WorkDisposition.Poison poison:
                await queue.PoisonAsync(delivery, poison.Reason, context.CancellationToken);
                break;
        }
    }

    [Function("AnalysePoison")]
    public async Task Poison([QueueTrigger(Queue + "-poison", Connection = "AzureWebJobsStorage")] string message, FunctionContext context)
    {
        if (!WorkMessageCodec.TryDecode(message, out var item, out var reason, out var error))
        {
            logger.LogError("Unreadable poison message dropped after logging: {Error}", error);
            return;
        }

        await analysis.MarkFailedAsync(item, reason ?? "The analysis work item failed on every delivery and was moved to the poison queue.", context.CancellationToken);
    }

    private static string? Binding(FunctionContext context, string name) =>
        context.BindingContext.BindingData.TryGetValue(name, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    private static int DequeueCount(FunctionContext context) =>
        int.TryParse(Binding(context, "DequeueCount"), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 1;
}

public sealed class TransientAnalysisException(string message) : Exception(message);

public sealed class UnreadableWorkMessageException(string message) : Exception(message);
