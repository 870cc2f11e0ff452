using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Diagnostics;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Core.Features.Analysis;

/// <summary>
/// The queue-triggered stage: routes the study to the analysers that apply, writes FHIR records, moves the study
/// to its final state. Idempotent: a second delivery of a finished item does nothing.
/// </summary>
public sealed class AnalysisHandler(
    IStudyStore studies,
    IOriginalStore originals,
    IAnalysisFinish finish,
    IAnalyserRegistry registry,
    IEventPublisher events,
    IAuditSink audit,
    WorkRetryPolicy retry,
    TimeProvider time,
    AnalysisCompute compute,
    ILogger<AnalysisHandler> logger,
    IOptions<AnalysisOptions> analysisOptions)
{
    private readonly AnalysisOptions options = analysisOptions.Value;

    public const string Actor = "system:analysis";

    /// <summary>
    /// Handles one delivery (<paramref name="attempt"/> = the queue's dequeue count, 1 on the first) and says what the
    /// host must do with the message. Nothing escapes but cancellation: any failure, including the stores', is
    /// turned into a retry or, on the last attempt, a poisoned item whose study is marked failed with the reason.
    /// </summary>
    public Task<WorkDisposition> HandleAsync(AnalyseStudy item, int attempt, CancellationToken cancellationToken) =>
        HandleAsync(item, attempt, null, cancellationToken);

    /// <summary>
    /// As above, for a host whose finish may complete <paramref name="delivery"/> in its own commit (the embedded queue,
    /// ADR 0117): <see cref="WorkDisposition.Completed"/> then says the message is gone already.
    /// </summary>
    public Task<WorkDisposition> HandleAsync(WorkMessage delivery, CancellationToken cancellationToken) =>
        HandleAsync(delivery.Item, delivery.DequeueCount, delivery, cancellationToken);

    private async Task<WorkDisposition> HandleAsync(AnalyseStudy item, int attempt, WorkMessage? delivery, CancellationToken cancellationToken)
    {
        try
        {
            return await AnalyseAsync(item, attempt, delivery, cancellationToken) ? WorkDisposition.Completed : WorkDisposition.Done;
        }
        catch (ConcurrencyConflictException)
        {
            // New instances arrived while analysing: the study is queued again and that delivery redoes it.
            return WorkDisposition.Done;
        }
        catch (InvalidAnalyserResultException ex)
        {
            // The same input gives the same NaN: retrying cannot help, so the study fails now, with the reason.
            logger.LogError("Analysis of {Tenant}/{Study} produced an invalid result: {Reason}", item.Tenant, item.StudyId, ex.Message);
            try
            {
                await MarkFailedAsync(item, IngestReasons.InvalidAnalyserResult, ex.Message, cancellationToken);
                return WorkDisposition.Done;
            }
            catch (Exception markEx) when (markEx is not OperationCanceledException)
            {
                logger.LogError("Could not mark {Tenant}/{Study} failed; the item stays in the queue: {Exception}", item.Tenant, item.StudyId, ExceptionSummary.Of(markEx));
                return new WorkDisposition.Retry(retry.Backoff(attempt), ex.Message);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception is for the server log only (its types and stack, never its message: issue 13 item 11). The
            // study, its result event and the queue get a generic reason with the correlation id that finds the log.
            var correlationId = CorrelationId(item, attempt);
            var disposition = retry.AfterFailure(attempt, ex is AnalyserTimeoutException ? ex.Message : $"The analysis failed unexpectedly (correlation id {correlationId}).");
            if (disposition is not WorkDisposition.Poison poison)
            {
                logger.LogWarning("Analysis of {Tenant}/{Study} failed (attempt {Attempt}, {CorrelationId}); will retry: {Exception}", item.Tenant, item.StudyId, attempt, correlationId, ExceptionSummary.Of(ex));
                return disposition;
            }

            logger.LogError("Analysis of {Tenant}/{Study} failed on its last attempt ({Attempt}, {CorrelationId}): {Exception}", item.Tenant, item.StudyId, attempt, correlationId, ExceptionSummary.Of(ex));
            try
            {
                await MarkFailedAsync(item, poison.Reason, cancellationToken);
                return poison;
            }
            catch (Exception markEx) when (markEx is not OperationCanceledException)
            {
                // The failure could not be recorded (the store is down): poisoning now would hide it, so try again later.
                logger.LogError("Could not mark {Tenant}/{Study} failed; the item stays in the queue: {Exception}", item.Tenant, item.StudyId, ExceptionSummary.Of(markEx));
                return new WorkDisposition.Retry(retry.Backoff(attempt), poison.Reason);
            }
        }
    }

    /// <summary>
    /// Marks the study failed with the reason, unless it is already final. Called for an item poisoned here, and by
    /// a host for one its queue poisoned by itself (a worker that died on every delivery).
    /// </summary>
    public Task MarkFailedAsync(AnalyseStudy item, string reason, CancellationToken cancellationToken) =>
        MarkFailedAsync(item, IngestReasons.ProcessingFailure, reason, cancellationToken);

    private async Task MarkFailedAsync(AnalyseStudy item, string reasonCode, string reason, CancellationToken cancellationToken)
    {
        var failedNow = false;
        var study = await studies.UpdateAsync(item.Tenant, item.StudyId, current =>
        {
            failedNow = current is { IsFinal: false };
            if (!failedNow)
            {
                return null;
            }

            current!.Fail(time.GetUtcNow(), new StatusReason(reasonCode, reason));
            return current;
        }, cancellationToken);
        if (failedNow && study is not null)
        {
            await PublishAsync(study, $"analyse:{item.StudyId}:poison", cancellationToken);
        }
    }

    /// <summary>True when the finish completed <paramref name="delivery"/> itself.</summary>
    private async Task<bool> AnalyseAsync(AnalyseStudy item, int attempt, WorkMessage? delivery, CancellationToken cancellationToken)
    {
        var correlationId = CorrelationId(item, attempt);
        var study = await studies.UpdateAsync(item.Tenant, item.StudyId, current =>
        {
            if (current is null || current.IsFinal)
            {
                return null;
            }

            current.StartAnalysis(time.GetUtcNow());
            return current;
        }, cancellationToken);

        if (study is null || study.Status != StudyStatus.Analysing)
        {
            logger.LogInformation("Nothing to analyse for {Tenant}/{Study} (status {Status})", item.Tenant, item.StudyId, study?.Status);
            return false;
        }

        // Read once the study is analysing: an instance arriving from now on re-opens it (ADR 0110).
        var instances = await studies.ListInstancesAsync(item.Tenant, item.StudyId, cancellationToken);
        AnalysisOutcome outcome;
        try
        {
            outcome = await RunAnalysersAsync(study, instances, cancellationToken);
        }
        catch (AnalysisRejectedException ex)
        {
            outcome = new AnalysisOutcome(StudyStatus.Rejected, new StatusReason(ex.ReasonCode, ex.Message), []);
        }

        return await FinishAsync(study, instances, outcome, correlationId, delivery, cancellationToken);
    }

    private async Task<AnalysisOutcome> RunAnalysersAsync(Study study, IReadOnlyList<StudyInstance> instances, CancellationToken cancellationToken)
    {
        if (study.Kind == StudyKind.Unknown)
        {
            return new AnalysisOutcome(StudyStatus.Rejected, study.Reason ?? new StatusReason(IngestReasons.CannotUnderstand, "The study was never parsed."), []);
        }

        var subject = ToSubject(study, instances);
        var applicable = registry.For(subject);
        if (applicable.Count == 0)
        {
            return new AnalysisOutcome(StudyStatus.NoAnalyser, new StatusReason(IngestReasons.NoAnalyser,
                $"No analyser applies to this study ({study.Kind}, modality {study.Modality ?? "none"}); no result was produced."), []);
        }

        var analyses = new List<AnalysisRecord>();
        foreach (var analyser in applicable)
        {
            // Timed here and only here, for every analyser alike.
            var started = Stopwatch.GetTimestamp();
            var result = await RunWithinTimeoutAsync(analyser, subject, cancellationToken);
            if (NonFinite(result) is { } invalid)
            {
                throw new InvalidAnalyserResultException($"Analyser {analyser.Descriptor.Id} {analyser.Descriptor.Version} returned an invalid result: {invalid}.");
            }

            analyses.Add(new AnalysisRecord(analyser.Descriptor, result with { Duration = Stopwatch.GetElapsedTime(started) }, time.GetUtcNow()));
        }

        return new AnalysisOutcome(StudyStatus.Completed, null, analyses);
    }

    /// <summary>
    /// The analyser's token is cancelled at the timeout and the wait ends then too, so one that ignores its token is
    /// abandoned instead of holding the worker. Timed by the wall clock: a hung analyser hangs in real time.
    /// </summary>
    private async Task<AnalyserResult> RunWithinTimeoutAsync(IAnalyser analyser, AnalysisSubject subject, CancellationToken cancellationToken)
    {
        var timeout = options.AnalyserTimeout;
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        watchdog.CancelAfter(timeout);
        var analysis = compute.RunAsync(() => analyser.AnalyseAsync(subject, watchdog.Token), watchdog.Token);
        try
        {
            return await analysis.WaitAsync(timeout, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested
            && ((ex is TimeoutException && !analysis.IsCompleted) || (ex is OperationCanceledException && watchdog.IsCancellationRequested)))
        {
            // Only the watchdog's own timeout is reworded; an analyser's TimeoutException keeps its message.
            throw new AnalyserTimeoutException($"Analyser {analyser.Descriptor.Id} {analyser.Descriptor.Version} did not finish within {timeout}.", ex);
        }
    }

    private static string CorrelationId(AnalyseStudy item, int attempt) => $"analyse:{item.StudyId}:{attempt}";

    /// <summary>The watchdog's own timeout: its message is ours (analyser id, version, limit), so it may be the study's reason.</summary>
    private sealed class AnalyserTimeoutException(string message, Exception innerException) : TimeoutException(message, innerException);

    /// <summary>What in a result is not a finite number (NaN or infinity), or null when all are.</summary>
    private static string? NonFinite(AnalyserResult result)
    {
        static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);
        foreach (var (label, score) in result.Scores.Where(s => !double.IsFinite(s.Value)))
        {
            return $"score '{label}' is {Show(score)}";
        }

        if (result.Threshold is { } threshold && !double.IsFinite(threshold))
        {
            return $"threshold is {Show(threshold)}";
        }

        return result.Findings.FirstOrDefault(f => f.Value is ScoreValue s && !double.IsFinite(s.Value)) is { Value: ScoreValue bad } finding
            ? $"finding {finding.Code.System}|{finding.Code.Code} is {Show(bad.Value)}"
            : null;
    }

    private async Task<bool> FinishAsync(Study study, IReadOnlyList<StudyInstance> instances, AnalysisOutcome outcome, string correlationId, WorkMessage? delivery, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        study.Analyses = outcome.Analyses;

        // The count ingestion keeps is exact unless a writer stopped between an instance record and the study update.
        study.InstanceCount = instances.Count;
        var records = study.Kind == StudyKind.Unknown ? null : FhirStudyMapper.ToRecords(study, FhirStudyMapper.Map(study, instances, now));
        switch (outcome.Status)
        {
            case StudyStatus.Completed:
                study.Complete(now);
                break;
            case StudyStatus.NoAnalyser:
                study.FinishWithoutAnalyser(now, outcome.Reason!);
                break;
            default:
                study.Reject(now, outcome.Reason!);
                break;
        }

        // Records, study, reporting contribution, audit (and the embedded queue's completion) in one unit of work
        // (ADR 0117); the event only once committed.
        var completed = await finish.CommitAsync(new FinishedAnalysis(study, records, AuditOf(study, correlationId), delivery), cancellationToken);
        await PublishEventAsync(study, cancellationToken);
        return completed;
    }

    /// <summary>The result event and the audit record of a study that reached a final state.</summary>
    private async Task PublishAsync(Study study, string correlationId, CancellationToken cancellationToken)
    {
        await PublishEventAsync(study, cancellationToken);
        await audit.WriteAsync(AuditOf(study, correlationId), cancellationToken);
    }

    private Task PublishEventAsync(Study study, CancellationToken cancellationToken) =>
        events.PublishAsync(new StudyResultEvent(study.Tenant, study.Id, study.Status, study.Kind, study.UpdatedAt), cancellationToken);

    private static AuditRecord AuditOf(Study study, string correlationId) =>
        new(study.UpdatedAt, Actor, study.Tenant, "study.analyse", "Study", study.Id,
            study.Status switch
            {
                StudyStatus.Failed => AuditOutcomes.Failed,
                StudyStatus.Rejected => AuditOutcomes.Rejected,
                _ => AuditOutcomes.Success,
            },
            correlationId, $"{study.Status}: {string.Join(", ", study.Analyses.Select(a => $"{a.Analyser.Id}@{a.Analyser.Version}"))}");

    private AnalysisSubject ToSubject(Study study, IReadOnlyList<StudyInstance> instances) =>
        new(
            study.Kind,
            instances.Select(i => new SubjectInstance(
                i.InstanceUid,
                i.ContentType,
                i.Metadata,
                ct => originals.OpenAsync(study.Tenant, i.Sha256, ct))).ToList(),
            study.PatientAgeInDays,
            study.Patient?.Sex ?? AdministrativeSex.Unknown);
}

/// <summary>Where a run of the analysers leaves the study.</summary>
internal sealed record AnalysisOutcome(StudyStatus Status, StatusReason? Reason, List<AnalysisRecord> Analyses);

/// <summary>An analyser's result holds a number that is not finite; deterministic, so never retried.</summary>
internal sealed class InvalidAnalyserResultException(string message) : Exception(message);
