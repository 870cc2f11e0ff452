using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Core.Tests.Fakes;

/// <summary>The Core handlers wired to in-memory ports, with a fake clock.</summary>
public sealed class Pipeline
{
    public static readonly TenantId TenantA = TenantId.Parse("hosp-a");
    public static readonly TenantId TenantB = TenantId.Parse("hosp-b");

    public Pipeline(params IAnalyser[] analysers)
        : this(new AnalysisOptions(), analysers)
    {
    }

    public Pipeline(AnalysisOptions analysis, params IAnalyser[] analysers)
        : this(analysis, NullLogger<AnalysisHandler>.Instance, analysers)
    {
    }

    public Pipeline(AnalysisOptions analysis, Microsoft.Extensions.Logging.ILogger<AnalysisHandler> analysisLog, params IAnalyser[] analysers)
    {
        Ingestion = new IngestionHandler(Originals, Studies, Queue, Audit, [new DicomDocumentParser(), new AecgDocumentParser(), new AudiogramDocumentParser(), new FhirAudiogramBundleParser()], Time, NullLogger<IngestionHandler>.Instance, DicomIndex);
        Analysis = new AnalysisHandler(Studies, Originals, new StepwiseAnalysisFinish(Records, Studies, Audit), new AnalyserRegistry(analysers), Events, Audit,
            new WorkRetryPolicy(Options.Create(new WorkRetryOptions { MaxAttempts = 3 })), Time, Compute, analysisLog, Options.Create(analysis));
        Queries = new StudyQueries(Studies, Records, Audit, Time);
    }

    // One set of analysis threads for every pipeline of the test run (they live as long as the process).
    private static readonly AnalysisCompute Compute = new(Options.Create(new AnalysisOptions()));

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));

    public InMemoryStudyStore Studies { get; } = new();

    public InMemoryOriginalStore Originals { get; } = new();

    public InMemoryRecordStore Records { get; } = new();

    public InMemoryAuditSink Audit { get; } = new();

    public InMemoryDicomIndex DicomIndex { get; } = new();

    public RecordingEventPublisher Events { get; } = new();

    public InMemoryWorkQueue Queue => queue ??= new InMemoryWorkQueue(Time);

    public IngestionHandler Ingestion { get; }

    public AnalysisHandler Analysis { get; }

    public StudyQueries Queries { get; }

    private InMemoryWorkQueue? queue;

    public Task<IngestOutcome> IngestAsync(TenantId tenant, byte[] bytes, string? mediaType = "application/dicom") =>
        Ingestion.IngestAsync(new IngestRequest(tenant, new MemoryStream(bytes), mediaType, "http", "tester", "corr-1"), CancellationToken.None);

    public Task<IngestOutcome> IngestFileAsync(TenantId tenant, string path, string? mediaType = "application/dicom") =>
        IngestAsync(tenant, File.ReadAllBytes(path), mediaType);

    /// <summary>Runs the queue until empty (as the worker would), releasing retries immediately.</summary>
    public async Task<int> DrainAsync()
    {
        var handled = 0;
        while (await Queue.ReceiveAsync(TimeSpan.FromMinutes(5), CancellationToken.None) is { } message)
        {
            handled++;
            var disposition = await Analysis.HandleAsync(message.Item, message.DequeueCount, CancellationToken.None);
            switch (disposition)
            {
                case WorkDisposition.Retry:
                    await Queue.ReleaseAsync(message, TimeSpan.Zero, CancellationToken.None);
                    break;
                case WorkDisposition.Poison poison:
                    await Queue.PoisonAsync(message, poison.Reason, CancellationToken.None);
                    break;
                default:
                    await Queue.CompleteAsync(message, CancellationToken.None);
                    break;
            }
        }

        return handled;
    }

    public Caller Caller(TenantId tenant) => new(tenant, $"dev:{tenant}", new HashSet<string>(Roles.All), "corr-q");
}

/// <summary>A scriptable analyser for handler tests.</summary>
public sealed class FakeAnalyser(Func<AnalysisSubject, AnalyserResult>? analyse = null, Func<AnalysisSubject, bool>? appliesTo = null, string id = "fake-cxr") : IAnalyser
{
    public AnalyserDescriptor Descriptor { get; } = new(id, "1.2.3", AnalyserKind.Model, new string('c', 64), "Fake chest X-ray model");

    public int Calls { get; private set; }

    public List<AnalysisSubject> Subjects { get; } = [];

    public bool AppliesTo(AnalysisSubject subject) => appliesTo?.Invoke(subject) ?? subject.Modality == "CR";

    public Task<AnalyserResult> AnalyseAsync(AnalysisSubject subject, CancellationToken cancellationToken)
    {
        Calls++;
        Subjects.Add(subject);
        return Task.FromResult(analyse?.Invoke(subject) ?? new AnalyserResult
        {
            Findings =
            [
                new Finding
                {
                    Code = new CodedConcept(CodeSystems.SnomedCt, "233604007", "Pneumonia"),
                    Value = new ScoreValue(0.91),
                    Interpretation = new CodedConcept(CodeSystems.ObservationInterpretation, "POS", "Positive"),
                },
            ],
            Conclusion = "Findings suggest pneumonia.",
            ConclusionCode = new CodedConcept(CodeSystems.SnomedCt, "233604007", "Pneumonia"),
            Scores = new Dictionary<string, double> { ["pneumonia"] = 0.91, ["normal"] = 0.09 },
            Threshold = 0.5,
            Label = "pneumonia",
        });
    }
}
