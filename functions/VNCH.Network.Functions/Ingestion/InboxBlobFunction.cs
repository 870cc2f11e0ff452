using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Functions.Ingestion;

/// <summary>
/// A file dropped in <c>inbox/{tenant}/...</c> goes through the same ingestion handler as an HTTP upload. The
/// folder names the tenant; only a tenant the directory knows is accepted (storage RBAC decides who may write
/// where). Event Grid source: Flex Consumption has no container polling.
/// </summary>
public sealed class InboxBlobFunction(IngestionHandler ingestion, ITenantDirectory tenants, IAuditSink audit, TimeProvider time, ILogger<InboxBlobFunction> logger)
{
    public const string Actor = "system:inbox";

    [Function("IngestInboxBlob")]
    public async Task Run(
        [BlobTrigger("inbox/{tenant}/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] Stream content,
        string tenant,
        string name,
        FunctionContext context)
    {
        var source = $"inbox:{tenant}/{name}";
        var correlationId = $"inbox:{context.InvocationId}";
        if (!TenantId.TryParse(tenant, out var tenantId) || await tenants.GetAsync(tenantId, context.CancellationToken) is null)
        {
            logger.LogWarning("Inbox blob {Source} is under no known tenant; left unprocessed", source);
            await audit.WriteAsync(new AuditRecord(time.GetUtcNow(), Actor, null, "study.ingest", "Study", null, AuditOutcomes.Rejected,
                correlationId, $"unknown tenant folder: {source}"), context.CancellationToken);
            return;
        }

        var outcome = await ingestion.IngestAsync(new IngestRequest(tenantId, content, null, source, Actor, correlationId), context.CancellationToken);
        logger.LogInformation("Inbox blob {Source}: {Status} study {Study} {Reason}", source, outcome.Status, outcome.StudyId, outcome.ReasonCode);
    }
}
