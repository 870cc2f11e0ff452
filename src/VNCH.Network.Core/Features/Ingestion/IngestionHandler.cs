using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Diagnostics;
using VNCH.Network.Core.Features.DicomWeb;
using VNCH.Network.Core.Features.Ingestion.Budgets;
using VNCH.Network.Core.Features.Quotas;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Core.Features.Ingestion;

/// <param name="MediaType">Declared media type (HTTP part), or null for inbox files (sniffed).</param>
/// <param name="Source">"http" or "inbox:{relative path}".</param>
public sealed record IngestRequest(
    TenantId Tenant,
    Stream Content,
    string? MediaType,
    string Source,
    string Actor,
    string CorrelationId);

public enum IngestStatus
{
    Accepted,
    Duplicate,
    Failed,
}

/// <summary>Per-document answer; <see cref="ReasonCode"/> and <see cref="Message"/> are set when failed.</summary>
public sealed record IngestOutcome(
    IngestStatus Status,
    string? StudyId,
    string? InstanceUid,
    string? SopClassUid,
    string? Sha256,
    string? ReasonCode = null,
    string? Message = null);

/// <summary>
/// The one ingestion path for every channel (HTTP, inbox folder, blob trigger): store the original byte-for-byte,
/// parse, dedupe, record the study, enqueue analysis.
/// </summary>
public sealed class IngestionHandler(
    IOriginalStore originals,
    IStudyStore studies,
    IWorkQueue queue,
    IAuditSink audit,
    IEnumerable<IStudyDocumentParser> parsers,
    TimeProvider time,
    ILogger<IngestionHandler> logger,
    IDicomIndex? dicomIndex = null,
    InputBudget? budget = null,
    StorageQuota? quota = null,
    RejectedRetention? retention = null,
    IEnumerable<IStoreFailureClassifier>? storeFailures = null)
{
    private const int SniffLength = 1024;

    /// <summary>Up to this much of an upload waits in the pipe for the parser to run after the store (ADR 0116).</summary>
    internal const int ParseBesideAfterBytes = 4 * 1024 * 1024;

    private static readonly PipeOptions ParsePipeOptions = new(
        pauseWriterThreshold: ParseBesideAfterBytes, resumeWriterThreshold: ParseBesideAfterBytes / 2, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false);
    private readonly IReadOnlyList<IStudyDocumentParser> parsers = parsers.ToList();
    private readonly InputBudget budget = budget ?? InputBudget.Default;
    private readonly IReadOnlyList<IStoreFailureClassifier> storeFailures = storeFailures?.ToList() ?? [];

    public async Task<IngestOutcome> IngestAsync(IngestRequest request, CancellationToken cancellationToken)
    {
        // The hospital's storage quota (ADR 0108): checked before the upload is read, and bounding what is read.
        QuotaAllowance allowance;
        try
        {
            allowance = quota is null ? QuotaAllowance.Unlimited : await quota.AllowanceAsync(request.Tenant, cancellationToken);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            return await UnavailableAsync(request, null, ex, cancellationToken);
        }

        if (allowance.IsExhausted)
        {
            return await OverQuotaAsync(request, cancellationToken);
        }

        // One read of the upload: the store hashes and keeps it, and the same bytes go through a pipe to the parser
        // (ADR 0116). A document that fits the pipe is parsed once the store is done, on this thread, from memory: no
        // thread blocks waiting for the other (a blocked parser spun and held a pool thread on every upload). A larger
        // one is parsed beside the store from the moment it stops fitting, so memory stays bounded.
        var pipe = new Pipe(ParsePipeOptions);
        using var parsing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<ParsedDocument>? parse = null;
        void ParseBeside() => parse ??= Task.Run(() => ParseAsync(pipe.Reader, request.MediaType, parsing.Token), CancellationToken.None);
        StoredOriginal stored;
        try
        {
            // The document's size budget holds while it streams: a breach stops the store, which keeps nothing.
            var documentLimit = budget.Limits.MaxDocumentBytes(request.MediaType);
            var bounded = allowance.Bytes < documentLimit
                ? new BoundedReadStream(request.Content, allowance.Bytes, IngestReasons.StorageQuotaExceeded, "The document")
                : new BoundedReadStream(request.Content, documentLimit, BudgetReasons.DocumentTooLarge, "The document");
            await using var tee = new TeeReadStream(bounded, pipe.Writer, ParseBesideAfterBytes, ParseBeside);
            stored = await originals.PutAsync(request.Tenant, tee, cancellationToken);
            if (!stored.WasAlreadyStored)
            {
                quota?.Record(request.Tenant, 1, stored.Length);
            }
        }
        catch (InputBudgetExceededException ex) when (ex.ReasonCode == IngestReasons.StorageQuotaExceeded)
        {
            await parsing.CancelAsync();
            await ObserveAsync(parse);
            return await OverQuotaAsync(request, cancellationToken);
        }
        catch (InputBudgetExceededException ex)
        {
            await parsing.CancelAsync();
            await ObserveAsync(parse);
            await AuditAsync(request, null, AuditOutcomes.Rejected, ex.ReasonCode, cancellationToken);
            return new IngestOutcome(IngestStatus.Failed, null, null, null, null, ex.ReasonCode, ex.Message);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            await parsing.CancelAsync();
            await ObserveAsync(parse);
            return await UnavailableAsync(request, null, ex, cancellationToken);
        }
        catch
        {
            await parsing.CancelAsync();
            await ObserveAsync(parse);
            throw;
        }

        // The store completed the pipe: a parser not started yet finds the whole document in it.
        parse ??= ParseAsync(pipe.Reader, request.MediaType, parsing.Token);
        try
        {
            return await RecordVerdictAsync(request, stored, parse, cancellationToken);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            return await UnavailableAsync(request, stored.Sha256, ex, cancellationToken);
        }
    }

    /// <summary>Only a store's own failure is "retry later"; a fault of ours propagates (500 with a correlation id at the API).</summary>
    private bool IsStoreFailure(Exception ex) => ex is not OperationCanceledException && StoreFailures.IsStoreFailure(ex, storeFailures);

    /// <summary>The original is kept whatever the parser made of it; only now does its verdict count.</summary>
    private async Task<IngestOutcome> RecordVerdictAsync(
        IngestRequest request, StoredOriginal stored, Task<ParsedDocument> parse, CancellationToken cancellationToken)
    {
        ParsedDocument document;
        try
        {
            if (stored.Length == 0)
            {
                await ObserveAsync(parse);
                return await RejectAsync(request, stored, IngestReasons.EmptyDocument, "The document is empty.", cancellationToken);
            }

            document = await parse;
        }
        catch (DocumentRejectedException ex)
        {
            return await RejectAsync(request, stored, ex.ReasonCode, ex.Message, cancellationToken);
        }
        catch (InputBudgetExceededException ex)
        {
            return await RejectAsync(request, stored, ex.ReasonCode, ex.Message, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever a parser throws on hostile input is a rejection of that document, never a crash of the worker.
            // The exception is for the server log only: the sender and the audit get a generic reason and the
            // correlation id that finds the log entry (issue 13 item 11).
            logger.LogError("A parser failed unexpectedly for tenant {Tenant} ({CorrelationId}): {Exception}", request.Tenant, request.CorrelationId, ExceptionSummary.Of(ex));
            return await RejectAsync(request, stored, IngestReasons.CannotUnderstand,
                $"The document could not be understood (correlation id {request.CorrelationId}).", cancellationToken);
        }

        return await RecordAsync(request, stored, document, cancellationToken);
    }

    /// <summary>
    /// A store failed (disk full, database, queue or audit unavailable): the uploader is told to retry (503 at the
    /// API), never given an exception. Nothing half-done stays hidden: an original without a study is only bytes, a
    /// study left "received" is queued by the retry (a duplicate) or by the stalled-study recovery.
    /// </summary>
    private async Task<IngestOutcome> UnavailableAsync(IngestRequest request, string? sha256, Exception ex, CancellationToken cancellationToken)
    {
        logger.LogError("A store failed while ingesting for tenant {Tenant} ({CorrelationId}); the uploader is told to retry: {Exception}", request.Tenant, request.CorrelationId, ExceptionSummary.Of(ex));
        try
        {
            await AuditAsync(request, null, AuditOutcomes.Failed, IngestReasons.OutOfResources, cancellationToken);
        }
        catch (Exception auditEx) when (auditEx is not OperationCanceledException)
        {
            logger.LogError("The audit trail is unavailable too for tenant {Tenant}: {Exception}", request.Tenant, ExceptionSummary.Of(auditEx));
        }

        return new IngestOutcome(IngestStatus.Failed, null, null, null, sha256, IngestReasons.OutOfResources,
            "The document could not be recorded: storage is full or unavailable. Retry later; a retry is safe (what was already stored is recognised).");
    }

    /// <summary>The hospital's quota is used up (or this document would pass it): nothing of it is kept.</summary>
    private async Task<IngestOutcome> OverQuotaAsync(IngestRequest request, CancellationToken cancellationToken)
    {
        logger.LogWarning("Tenant {Tenant} reached its storage quota; a document was refused unstored ({CorrelationId})", request.Tenant, request.CorrelationId);
        await AuditAsync(request, null, AuditOutcomes.Rejected, IngestReasons.StorageQuotaExceeded, cancellationToken);
        return new IngestOutcome(IngestStatus.Failed, null, null, null, null, IngestReasons.StorageQuotaExceeded,
            "The hospital's storage quota is reached: the document was not stored. Ask the network's operators to raise the quota, then send it again.");
    }

    /// <summary>Sniffs the head (left in the pipe for the parser), picks the parser and parses the whole stream.</summary>
    private async Task<ParsedDocument> ParseAsync(PipeReader reader, string? mediaType, CancellationToken cancellationToken)
    {
        await using var content = reader.AsStream();
        var head = await reader.ReadAtLeastAsync(SniffLength, cancellationToken);
        var headBytes = head.Buffer.Slice(0, Math.Min(head.Buffer.Length, SniffLength)).ToArray();
        reader.AdvanceTo(head.Buffer.Start, head.Buffer.End);

        var parser = parsers.FirstOrDefault(p => p.CanParse(mediaType, headBytes))
            ?? throw new DocumentRejectedException(
                IngestReasons.UnsupportedMediaType,
                $"No parser understands this document (declared type '{mediaType ?? "none"}'). Send DICOM Part 10, HL7 aECG XML, an audiogram JSON document or an audiogram FHIR Bundle.");

        var document = await parser.ParseAsync(content, cancellationToken);
        if (string.IsNullOrWhiteSpace(document.StudyUid) || string.IsNullOrWhiteSpace(document.InstanceUid))
        {
            throw new DocumentRejectedException(IngestReasons.MissingIdentifier, "The document has no study or instance identifier.");
        }

        return document;
    }

    /// <summary>Waits for a parse whose verdict no longer matters (if it started), so its failure is never unobserved.</summary>
    private static async Task ObserveAsync(Task? parse)
    {
        if (parse is null)
        {
            return;
        }

        try
        {
            await parse;
        }
        catch (Exception)
        {
            // Not needed: the document is rejected or the upload failed for another reason.
        }
    }

    private async Task<IngestOutcome> RecordAsync(
        IngestRequest request, StoredOriginal stored, ParsedDocument document, CancellationToken cancellationToken)
    {
        var tenant = request.Tenant;
        if (stored.WasAlreadyStored && retention is not null)
        {
            // These bytes may be a rejected document's original (rejected under an older budget): now they are this one's too.
            await retention.ForgetAsync(tenant, stored.Sha256, cancellationToken);
        }

        var existing = await studies.FindInstanceAsync(tenant, document.InstanceUid, cancellationToken);
        if (existing is not null && existing.Sha256 != stored.Sha256)
        {
            return await ConflictAsync(request, existing, document, stored, cancellationToken);
        }

        var studyId = existing?.StudyId ?? StudyIds.Study(tenant, document.Kind, document.StudyUid);
        var now = time.GetUtcNow();
        var instance = new StudyInstance
        {
            InstanceUid = document.InstanceUid,
            SeriesInstanceUid = document.SeriesInstanceUid,
            SeriesNumber = document.SeriesNumber,
            InstanceNumber = document.InstanceNumber,
            ContentType = document.ContentType,
            Sha256 = stored.Sha256,
            Length = stored.Length,
            Metadata = document.Metadata,
            ReceivedAt = now,
            Source = request.Source,
        };

        // The verdict is decided by the write of the instance record (ADR 0106, 0110): of uploads of one instance
        // racing each other exactly one adds it ("accepted"); the others find it held ("duplicate", or
        // "instance-conflict" for other bytes). The record is written before the study document, so the document's
        // update costs the same for the 2,000th instance as for the first and racing instances only retry that update.
        var verdict = IngestStatus.Accepted;
        InstanceLocation? heldBy = null;
        var held = await studies.AddInstanceAsync(tenant, studyId, instance, cancellationToken);
        if (held is not null)
        {
            studyId = held.StudyId;
            if (held.Instance.Sha256 != stored.Sha256)
            {
                heldBy = new InstanceLocation(held.StudyId, held.Instance.Sha256);
            }

            verdict = IngestStatus.Duplicate;
        }

        // Accepted: the study takes in the instance (created with it if it is the first). Duplicate: a writer that
        // added the record but stopped before this update left the study without it; the retransmission finishes it.
        var needsQueue = false;
        var study = heldBy is not null ? null : await studies.UpdateAsync(tenant, studyId, current =>
        {
            needsQueue = false;
            if (held is not null && current is not null && current.HasTakenIn(held.Instance.ReceivedAt))
            {
                // A retransmission. It queues the study only if a crash left it stored but never queued.
                needsQueue = current.Status == StudyStatus.Received;
                return null;
            }

            var study = current ?? new Study
            {
                Id = studyId,
                Tenant = tenant,
                // From the study, not from the instance's patient: racing first writes of one study must land in one
                // Cosmos logical partition, where the second create conflicts instead of making a second document.
                SubjectKey = StudyIds.StudySubjectKey(tenant, studyId),
                Kind = document.Kind,
                StudyInstanceUid = document.StudyUid,
            };

            study.Patient ??= document.Patient;
            study.StudyDate ??= document.StudyDate;
            study.PatientAgeInDays ??= document.PatientAgeInDays;
            study.Description ??= document.Description;

            // A new document re-opens analysis (a study already queued stays queued: that item covers it). A finished
            // retransmission re-opens it without counting the instance twice (analysis recounts).
            needsQueue = held is null ? study.AddInstance(instance) : study.Receive(now);
            return study;
        }, cancellationToken);

        if (heldBy is not null)
        {
            return await ConflictAsync(request, heldBy, document, stored, cancellationToken);
        }

        if (needsQueue && study is not null)
        {
            await queue.EnqueueAsync(new AnalyseStudy(tenant, studyId), cancellationToken);
            await studies.UpdateAsync(tenant, studyId, current =>
            {
                if (current is null || current.Status != StudyStatus.Received)
                {
                    return null;
                }

                current.MarkQueued(time.GetUtcNow());
                return current;
            }, cancellationToken);
        }

        if (document.DicomIndex is { } indexed && dicomIndex is not null) // both hosts register an index; a host without one (unit tests) skips it
        {
            await dicomIndex.AddAsync(new DicomIndexEntry(tenant, studyId, stored.Sha256, stored.Length, indexed), cancellationToken);
        }

        var duplicate = verdict == IngestStatus.Duplicate;
        await AuditAsync(request, studyId, duplicate ? AuditOutcomes.Duplicate : AuditOutcomes.Success, document.InstanceUid, cancellationToken);
        return new IngestOutcome(verdict, studyId, document.InstanceUid, document.Metadata.SopClassUid, stored.Sha256);
    }

    /// <summary>The instance UID is already held with other bytes: refused, never an overwrite (both bodies stay stored).</summary>
    private async Task<IngestOutcome> ConflictAsync(
        IngestRequest request, InstanceLocation existing, ParsedDocument document, StoredOriginal stored, CancellationToken cancellationToken)
    {
        var message = $"Instance {document.InstanceUid} was already received with different content (sha256 {existing.Sha256}); it was not overwritten.";
        await AuditAsync(request, existing.StudyId, AuditOutcomes.Conflict, message, cancellationToken);
        return new IngestOutcome(IngestStatus.Failed, existing.StudyId, document.InstanceUid, document.Metadata.SopClassUid,
            stored.Sha256, IngestReasons.InstanceConflict, message);
    }

    /// <summary>An unusable document is still kept and visible: its own study, <c>rejected</c> with the reason.</summary>
    private async Task<IngestOutcome> RejectAsync(
        IngestRequest request, StoredOriginal stored, string reasonCode, string message, CancellationToken cancellationToken)
    {
        var tenant = request.Tenant;
        var studyId = StudyIds.UnparsedStudy(tenant, stored.Sha256);
        var now = time.GetUtcNow();
        var instance = new StudyInstance
        {
            InstanceUid = $"sha256:{stored.Sha256}",
            ContentType = request.MediaType ?? MediaTypes.OctetStream,
            Sha256 = stored.Sha256,
            Length = stored.Length,
            ReceivedAt = now,
            Source = request.Source,
        };
        await studies.AddInstanceAsync(tenant, studyId, instance, cancellationToken); // held already: a resend of the same bytes
        await studies.UpdateAsync(tenant, studyId, current =>
        {
            if (current is not null)
            {
                return null;
            }

            var study = new Study
            {
                Id = studyId,
                Tenant = tenant,
                SubjectKey = StudyIds.SubjectKey(tenant, null, stored.Sha256),
                Kind = StudyKind.Unknown,
            };
            study.AddInstance(instance);
            study.Reject(now, new StatusReason(reasonCode, message));
            return study;
        }, cancellationToken);

        // The message stays in the study and the audit (it may quote the document's values, a date of birth).
        logger.LogInformation("Rejected a document for tenant {Tenant}: {Reason} ({CorrelationId})", tenant, reasonCode, request.CorrelationId);
        await AuditAsync(request, studyId, AuditOutcomes.Rejected, $"{reasonCode}: {message}", cancellationToken);
        if (retention is not null)
        {
            await retention.KeepAsync(tenant, new RejectedOriginal(studyId, stored.Sha256, stored.Length, now), request.CorrelationId, cancellationToken);
        }

        return new IngestOutcome(IngestStatus.Failed, studyId, null, null, stored.Sha256, reasonCode, message);
    }

    private Task AuditAsync(IngestRequest request, string? studyId, string outcome, string? detail, CancellationToken cancellationToken) =>
        audit.WriteAsync(
            new AuditRecord(time.GetUtcNow(), request.Actor, request.Tenant, "study.ingest", "Study", studyId, outcome,
                request.CorrelationId, $"{request.Source}: {detail}"),
            cancellationToken);
}
