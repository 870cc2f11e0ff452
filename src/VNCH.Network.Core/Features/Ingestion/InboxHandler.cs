using Microsoft.Extensions.Logging;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Ingestion;

public enum InboxDisposition
{
    /// <summary>Handed to ingestion (accepted, duplicate or rejected: see the outcome); the file may leave the inbox.</summary>
    Ingested,

    /// <summary>Not under a registered hospital's folder: audited, never ingested; the file is set aside untouched.</summary>
    Unattributed,

    /// <summary>The file could not be opened yet (still being written): leave it for a later pass.</summary>
    NotReady,
}

public sealed record InboxResult(InboxDisposition Disposition, IngestOutcome? Outcome = null);

/// <summary>
/// The inbox rule for both channels (the embedded inbox folder and the Azure blob container): the first folder of
/// the path names the hospital, only a registered hospital's folder is ingested, anything else is audited as
/// unattributed and left alone. The media type comes from the file name; the parsers sniff the content.
/// </summary>
public sealed class InboxHandler(IngestionHandler ingestion, ITenantDirectory tenants, IAuditSink audit, TimeProvider time, ILogger<InboxHandler> logger)
{
    public const string Actor = "system:inbox";

    /// <param name="relativePath">The path under the inbox, '/'-separated: <c>{tenant}/{any/sub/folders}/{name}</c>.</param>
    /// <param name="open">Opens the file, or returns null when it is not ready to be read.</param>
    public async Task<InboxResult> HandleAsync(
        string relativePath, Func<CancellationToken, Task<Stream?>> open, string correlationId, CancellationToken cancellationToken)
    {
        var source = $"inbox:{relativePath}";
        var tenant = await ResolveTenantAsync(relativePath, cancellationToken);
        if (tenant is null)
        {
            logger.LogWarning("An inbox file is not under a registered hospital's folder; set aside unprocessed ({CorrelationId})", correlationId);
            await audit.WriteAsync(new AuditRecord(time.GetUtcNow(), Actor, null, "study.ingest", "Study", null, AuditOutcomes.Rejected,
                correlationId, $"unattributed: {source}"), cancellationToken);
            return new InboxResult(InboxDisposition.Unattributed);
        }

        await using var content = await open(cancellationToken);
        if (content is null)
        {
            return new InboxResult(InboxDisposition.NotReady);
        }

        var outcome = await ingestion.IngestAsync(
            new IngestRequest(tenant.Value, content, MediaTypes.ForFileName(relativePath), source, Actor, correlationId), cancellationToken);
        logger.LogInformation("Inbox file ingested for {Tenant}: {Status} study {Study} {Reason}", tenant, outcome.Status, outcome.StudyId, outcome.ReasonCode);
        return new InboxResult(InboxDisposition.Ingested, outcome);
    }

    /// <summary>
    /// An inbox entry that is not a file the inbox may take (a link, a FIFO, a device, an unreadable file): audited
    /// once under the hospital whose folder holds it, and never read.
    /// </summary>
    public async Task ReportRefusedAsync(string relativePath, string reason, string correlationId, CancellationToken cancellationToken)
    {
        var tenant = await ResolveTenantAsync(relativePath, cancellationToken);
        logger.LogWarning("An inbox entry for {Tenant} was refused: {Reason} ({CorrelationId})", tenant, reason, correlationId);
        await audit.WriteAsync(new AuditRecord(time.GetUtcNow(), Actor, tenant, "study.ingest", "Study", null, AuditOutcomes.Rejected,
            correlationId, $"refused, {reason}: inbox:{relativePath}"), cancellationToken);
    }

    /// <summary>The hospital whose folder holds the file: the first path segment, if it names a registered tenant.</summary>
    public async Task<TenantId?> ResolveTenantAsync(string relativePath, CancellationToken cancellationToken)
    {
        var separator = relativePath.IndexOf('/', StringComparison.Ordinal);
        if (separator <= 0 || separator == relativePath.Length - 1 || !TenantId.TryParse(relativePath[..separator], out var tenant))
        {
            return null;
        }

        return await tenants.GetAsync(tenant, cancellationToken) is null ? null : tenant;
    }
}
