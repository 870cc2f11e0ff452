using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Work;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.Work;

/// <summary>Plays the queue trigger: N loops receive work items and hand them to the analysis handler.</summary>
public sealed class AnalysisWorker(
    SqliteWorkQueue queue,
    AnalysisHandler handler,
    StalledStudyRecovery recovery,
    IOptions<EmbeddedStorageOptions> storage,
    ILogger<AnalysisWorker> logger) : BackgroundService
{
    private static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // This process owns the data folder: deliveries held by a previous (dead) process are released now,
        // and studies that were stored but never queued are queued.
        var released = await queue.RecoverInFlightAsync(stoppingToken);
        var requeued = await recovery.RequeueStalledAsync(TimeSpan.Zero, stoppingToken);
        logger.LogInformation("Analysis worker started: {Released} in-flight item(s) released, {Requeued} stalled study(ies) queued", released, requeued);
        await Task.WhenAll(Enumerable.Range(0, storage.Value.AnalysisWorkers).Select(_ => RunLoopAsync(stoppingToken)));
    }

    private async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Idle: woken by the next enqueue in this process, or after the delay (items released for a retry
                // become visible by time, not by an enqueue).
                var arrival = queue.NextArrival;
                if (!await ProcessNextAsync(stoppingToken))
                {
                    await Task.WhenAny(arrival, Task.Delay(IdleDelay, stoppingToken));
                    stoppingToken.ThrowIfCancellationRequested();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Work queue loop error");
                await Task.Delay(IdleDelay, stoppingToken);
            }
        }
    }

    /// <summary>Handles one message if one is visible; false when the queue was empty.</summary>
    public async Task<bool> ProcessNextAsync(CancellationToken cancellationToken)
    {
        var message = await queue.ReceiveAsync(storage.Value.VisibilityTimeout, cancellationToken);
        if (message is null)
        {
            return false;
        }

        // The handler owns retry and poison (ADR 0006): this host only acknowledges what it decided.
        var disposition = await handler.HandleAsync(message, cancellationToken);
        switch (disposition)
        {
            case var completed when completed == WorkDisposition.Completed:
                break; // deleted with the study's finish (ADR 0117)
            case WorkDisposition.Retry retry:
                await queue.ReleaseAsync(message, retry.Delay, cancellationToken);
                break;
            case WorkDisposition.Poison poison:
                await queue.PoisonAsync(message, poison.Reason, cancellationToken);
                break;
            default:
                await queue.CompleteAsync(message, cancellationToken);
                break;
        }

        return true;
    }
}
