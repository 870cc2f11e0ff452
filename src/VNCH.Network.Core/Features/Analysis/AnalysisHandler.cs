using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Core.Features.Analysis;

public sealed class AnalysisOptions
{
    /// <summary>Deliveries of one work item before the study is marked failed.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;
}

public enum AnalysisDisposition
{
    /// <summary>Done with the message (whatever the study's final state).</summary>
    Done,

    /// <summary>A transient failure: deliver again later.</summary>
    Retry,
}

/// <summary>
/// The queue-triggered stage: routes the study to the analysers that apply, writes FHIR records, moves the study
/// to its final state. Idempotent: a second delivery of a finished item does nothing.
/// </summary>
public sealed class AnalysisHandler(
    IStudyStore studies,
    IOriginalStore originals,
    IRecordStore records,
    IAnalyserRegistry registry,
    IEventPublisher events,
    IAuditSink audit,
    IOptions<AnalysisOptions> options,
    TimeProvider time,
    ILogger<AnalysisHandler> logger)
{
    public const string Actor = "system:analysis";

    public async Task<AnalysisDisposition> HandleAsync(AnalyseStudy item, int dequeueCount, CancellationToken cancellationToken)
    {
        var correlationId = $"analyse:{item.StudyId}:{dequeueCount}";
        var study = await studies.UpdateAsync(item.Tenant, item.StudyId, current =>
        {
            if (current is null || current.Status is not (StudyStatus.Queued or StudyStatus.Analysing or StudyStatus.Received))
            {
                return null;
            }

            var now = time.GetUtcNow();
            if (current.Status == StudyStatus.Received)
            {
                // The worker won the race with ingestion's own "queued" update: the item was queued all the same.
                current.StatusTimes.TryAdd(StudyStatus.Queued, now);
            }

            current.MoveTo(StudyStatus.Analysing, now);
            return current;
        }, cancellationToken);

        if (study is null || study.Status != StudyStatus.Analysing)
        {
            logger.LogInformation("Nothing to analyse for {Tenant}/{Study} (status {Status})", item.Tenant, item.StudyId, study?.Status);
            return AnalysisDisposition.Done;
        }

        try
        {
            var final = await AnalyseAsync(study, cancellationToken);
            await FinishAsync(study, final.Status, final.Reason, final.Analyses, correlationId, cancellationToken);
            return AnalysisDisposition.Done;
        }
        catch (AnalysisRejectedException ex)
        {
            await FinishAsync(study, StudyStatus.Rejected, new StatusReason(ex.ReasonCode, ex.Message), [], correlationId, cancellationToken);
            return AnalysisDisposition.Done;
        }
        catch (ConcurrencyConflictException)
        {
            // New instances arrived while analysing: the study is queued again and the next delivery redoes it.
            return AnalysisDisposition.Done;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (dequeueCount < options.Value.MaxAttempts)
            {
                logger.LogWarning(ex, "Analysis of {Tenant}/{Study} failed (attempt {Attempt}); will retry", item.Tenant, item.StudyId, dequeueCount);
                return AnalysisDisposition.Retry;
            }

            logger.LogError(ex, "Analysis of {Tenant}/{Study} failed after {Attempts} attempts", item.Tenant, item.StudyId, dequeueCount);
            await FinishAsync(study, StudyStatus.Failed,
                new StatusReason(IngestReasons.ProcessingFailure, $"Analysis failed after {dequeueCount} attempts: {ex.GetType().Name}: {ex.Message}"),
                [], correlationId, cancellationToken);
            return AnalysisDisposition.Done;
        }
    }

    /// <summary>Marks a study failed when its message is poisoned outside the handler (e.g. the host crashed on it).</summary>
    public Task MarkFailedAsync(AnalyseStudy item, string reason, CancellationToken cancellationToken) =>
        studies.UpdateAsync(item.Tenant, item.StudyId, current =>
        {
            if (current is null || current.IsFinal)
            {
                return null;
            }

            current.MoveTo(StudyStatus.Failed, time.GetUtcNow(), new StatusReason(IngestReasons.ProcessingFailure, reason));
            return current;
        }, cancellationToken);

    private async Task<(StudyStatus Status, StatusReason? Reason, List<AnalysisRecord> Analyses)> AnalyseAsync(
        Study study, CancellationToken cancellationToken)
    {
        if (study.Kind == StudyKind.Unknown)
        {
            return (StudyStatus.Rejected, study.Reason ?? new StatusReason(IngestReasons.CannotUnderstand, "The study was never parsed."), []);
        }

        var subject = ToSubject(study);
        var applicable = registry.For(subject);
        if (applicable.Count == 0)
        {
            return (StudyStatus.NoAnalyser, new StatusReason("no-analyser",
                $"No analyser applies to this study ({study.Kind}, modality {study.Modality ?? "none"}); no result was produced."), []);
        }

        var analyses = new List<AnalysisRecord>();
        foreach (var analyser in applicable)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await analyser.AnalyseAsync(subject, cancellationToken);
            if (result.Duration == TimeSpan.Zero)
            {
                result = result with { Duration = Stopwatch.GetElapsedTime(started) };
            }

            analyses.Add(new AnalysisRecord(analyser.Descriptor, result, time.GetUtcNow()));
        }

        return (StudyStatus.Completed, null, analyses);
    }

    private async Task FinishAsync(
        Study study, StudyStatus status, StatusReason? reason, List<AnalysisRecord> analyses, string correlationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        study.Analyses = analyses;
        if (study.Kind != StudyKind.Unknown)
        {
            // Records first, then the status: a crash in between re-runs the analysis and rewrites the same ids.
            await records.ReplaceForStudyAsync(study.Tenant, study.Id, FhirStudyMapper.ToRecords(study, FhirStudyMapper.Map(study, now)), cancellationToken);
        }

        study.MoveTo(status, now, reason);
        await studies.SaveAsync(study, cancellationToken);
        await events.PublishAsync(new StudyResultEvent(study.Tenant, study.Id, status, study.Kind, now), cancellationToken);
        await audit.WriteAsync(new AuditRecord(now, Actor, study.Tenant, "study.analyse", "Study", study.Id,
            status is StudyStatus.Failed ? AuditOutcomes.Failed : status is StudyStatus.Rejected ? AuditOutcomes.Rejected : AuditOutcomes.Success,
            correlationId, $"{status}: {string.Join(", ", analyses.Select(a => $"{a.Analyser.Id}@{a.Analyser.Version}"))}"), cancellationToken);
    }

    private AnalysisSubject ToSubject(Study study) =>
        new(
            study.Kind,
            study.Instances.Select(i => new SubjectInstance(
                i.InstanceUid,
                i.ContentType,
                i.Metadata,
                ct => originals.OpenAsync(study.Tenant, i.Sha256, ct))).ToList(),
            study.PatientAgeInDays,
            study.Patient?.Sex ?? AdministrativeSex.Unknown);
}
