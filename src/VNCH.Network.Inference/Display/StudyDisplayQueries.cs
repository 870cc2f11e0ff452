using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Audiometry;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Dicom;
using VNCH.Network.Inference.Analysers.Clinical;
using VNCH.Network.Signals;
using VNCH.Network.Signals.Audiometry;
using VNCH.Network.Signals.Ecg;
using VNCH.Network.Signals.Ecg.Analysis;

namespace VNCH.Network.Inference.Display;

public enum DisplayStatus
{
    Ok,

    /// <summary>No such study in the caller's hospital (or another hospital's): 404 study-not-found.</summary>
    NotFound,

    /// <summary>The study holds no document of the asked kind: 404 with its own problem type.</summary>
    NotApplicable,

    /// <summary>The stored document cannot be read any more (it was analysed once; the reader now refuses it).</summary>
    Unreadable,
}

public sealed record EcgDisplay(Study Study, StudyInstance Instance, EcgRecording Recording, EcgAnalysis Analysis, AnalysisRecord? Stored);

public sealed record AudiogramDisplay(Study Study, StudyInstance Instance, AudiogramDocument Document, AudiogramAnalysis Analysis, AnalysisRecord? Stored);

public sealed record Display<T>(DisplayStatus Status, T? Value = default, string? Detail = null);

/// <summary>
/// What the portal draws that the study JSON does not hold: the ECG samples with beats and intervals, the audiogram
/// points with averages and grade. Read from the stored original with the same readers and algorithms the analysers
/// use (so the picture and the finding agree), always within the caller's hospital, every read audited.
/// </summary>
public sealed class StudyDisplayQueries(IStudyStore studies, IOriginalStore originals, IAuditSink audit, TimeProvider time)
{
    public Task<Display<EcgDisplay>> GetEcgAsync(Caller caller, string studyId, CancellationToken cancellationToken) =>
        ReadAsync(caller, studyId, "study.ecg.read", EcgAnalyser.Id,
            i => EcgAnalyser.IsEcgDocument(i.ContentType, i.Metadata.SopClassUid),
            (study, instance, stream, stored) =>
            {
                var recording = EcgAnalyser.Read(instance.ContentType, stream);
                var analysis = EcgInterpreter.Interpret(recording, study.PatientAgeInDays, AdministrativeSexCodes.ToSignals(study.Patient?.Sex ?? AdministrativeSex.Unknown));
                return new EcgDisplay(study, instance, recording, analysis, stored);
            },
            cancellationToken);

    public Task<Display<AudiogramDisplay>> GetAudiogramAsync(Caller caller, string studyId, CancellationToken cancellationToken) =>
        ReadAsync(caller, studyId, "study.audiogram.read", AudiometryAnalyser.Id,
            i => AudiogramFormats.IsAudiogram(i.ContentType),
            (study, instance, stream, stored) =>
            {
                var document = AudiogramFormats.Read(instance.ContentType, stream);
                return new AudiogramDisplay(study, instance, document, AudiogramInterpreter.Interpret(document), stored);
            },
            cancellationToken);

    private async Task<Display<T>> ReadAsync<T>(
        Caller caller,
        string studyId,
        string action,
        string analyserId,
        Func<StudyInstance, bool> applies,
        Func<Study, StudyInstance, Stream, AnalysisRecord?, T> read,
        CancellationToken cancellationToken)
    {
        var study = await studies.GetAsync(caller.Tenant, studyId, cancellationToken);
        var instance = study is null ? null : (await studies.ListInstancesAsync(caller.Tenant, studyId, cancellationToken)).FirstOrDefault(applies);
        if (study is null || instance is null)
        {
            await AuditAsync(caller, action, studyId, AuditOutcomes.NotFound, study is null ? null : "no such document in the study", cancellationToken);
            return new Display<T>(study is null ? DisplayStatus.NotFound : DisplayStatus.NotApplicable);
        }

        await using var stream = await originals.OpenAsync(caller.Tenant, instance.Sha256, cancellationToken);
        try
        {
            var value = read(study, instance, stream, study.Analyses.FirstOrDefault(a => a.Analyser.Id == analyserId));
            await AuditAsync(caller, action, studyId, AuditOutcomes.Success, instance.InstanceUid, cancellationToken);
            return new Display<T>(DisplayStatus.Ok, value);
        }
        catch (Exception ex) when (ex is SignalFormatException or DicomException)
        {
            await AuditAsync(caller, action, studyId, AuditOutcomes.Rejected, ex.Message, cancellationToken);
            return new Display<T>(DisplayStatus.Unreadable, Detail: ex.Message);
        }
    }

    private Task AuditAsync(Caller caller, string action, string studyId, string outcome, string? detail, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditRecord(time.GetUtcNow(), caller.Subject, caller.Tenant, action, "Study", studyId, outcome, caller.CorrelationId, detail), cancellationToken);
}
