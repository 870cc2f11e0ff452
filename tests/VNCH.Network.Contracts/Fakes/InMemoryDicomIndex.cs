using VNCH.Network.Core.Features.DicomWeb;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Contracts.Fakes;

/// <summary>The DICOMweb index in memory, matching with <see cref="DicomMatch.Matches"/> as the real adapters do.</summary>
public sealed class InMemoryDicomIndex : IDicomIndex
{
    private readonly List<DicomIndexEntry> entries = [];
    private readonly Lock gate = new();

    public Task AddAsync(DicomIndexEntry entry, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!entries.Any(e => e.Tenant == entry.Tenant && e.Attributes.SopInstanceUid == entry.Attributes.SopInstanceUid))
            {
                entries.Add(entry);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DicomStudyMatch>> SearchStudiesAsync(TenantId tenant, DicomQuery query, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var studies = Studies(tenant).Where(s => query.Matches.All(m => Matches(m, s))).Reverse();
            return Task.FromResult<IReadOnlyList<DicomStudyMatch>>([.. studies.Skip(query.Offset).Take(query.Limit).Select(Study)]);
        }
    }

    public Task<IReadOnlyList<DicomSeriesMatch>> SearchSeriesAsync(TenantId tenant, DicomQuery query, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var series = Studies(tenant).AsEnumerable().Reverse()
                .SelectMany(s => SeriesOf(s).Select(se => (Study: s, Series: se)))
                .Where(x => query.Matches.All(m => Matches(m, x.Study, x.Series)));
            return Task.FromResult<IReadOnlyList<DicomSeriesMatch>>([.. series.Skip(query.Offset).Take(query.Limit).Select(x => Series(x.Series, Study(x.Study)))]);
        }
    }

    public Task<IReadOnlyList<DicomInstanceMatch>> SearchInstancesAsync(TenantId tenant, DicomQuery query, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var instances = Studies(tenant).AsEnumerable().Reverse()
                .SelectMany(s => SeriesOf(s).SelectMany(se => se.Select(i => (Study: s, Series: se, Instance: i))))
                .Where(x => query.Matches.All(m => Matches(m, x.Study, x.Series, x.Instance)));
            return Task.FromResult<IReadOnlyList<DicomInstanceMatch>>([.. instances.Skip(query.Offset).Take(query.Limit)
                .Select(x => new DicomInstanceMatch(x.Instance.Attributes.SopInstanceUid, x.Instance.Attributes.Json, Series(x.Series, Study(x.Study))))]);
        }
    }

    public Task<IReadOnlyList<DicomStoredInstance>> GetInstancesAsync(
        TenantId tenant, string studyInstanceUid, string? seriesInstanceUid, string? sopInstanceUid, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var study = Studies(tenant).FirstOrDefault(s => s[0].Attributes.StudyInstanceUid == studyInstanceUid);
            IReadOnlyList<DicomStoredInstance> found = study is null
                ? []
                : [.. SeriesOf(study).SelectMany(se => se)
                    .Where(e => (seriesInstanceUid is null || e.Attributes.SeriesInstanceUid == seriesInstanceUid)
                        && (sopInstanceUid is null || e.Attributes.SopInstanceUid == sopInstanceUid))
                    .Select(e => new DicomStoredInstance(e.Attributes.StudyInstanceUid, e.Attributes.SeriesInstanceUid, e.Attributes.SopInstanceUid,
                        e.Attributes.SopClassUid, e.Attributes.TransferSyntaxUid, e.StudyId, e.Sha256, e.Length, e.Attributes.NumberOfFrames))];
            return Task.FromResult(found);
        }
    }

    /// <summary>The tenant's studies in the order they were first indexed, each as its instances in arrival order.</summary>
    private List<List<DicomIndexEntry>> Studies(TenantId tenant) =>
        [.. entries.Where(e => e.Tenant == tenant).GroupBy(e => e.Attributes.StudyInstanceUid).Select(g => g.ToList())];

    private static List<List<DicomIndexEntry>> SeriesOf(List<DicomIndexEntry> study) =>
        [.. study.GroupBy(e => e.Attributes.SeriesInstanceUid).Select(g => g.OrderBy(e => e.Attributes.InstanceNumber ?? int.MaxValue).ToList())
            .OrderBy(s => s[0].Attributes.SeriesNumber ?? int.MaxValue)];

    private static DicomStudyMatch Study(List<DicomIndexEntry> study) =>
        new(study[0].Attributes.StudyInstanceUid, study[0].StudyId, study[0].Attributes.Json, SeriesOf(study).Count, study.Count,
            [.. study.Select(e => e.Attributes.Modality).OfType<string>().Distinct().Order(StringComparer.Ordinal)]);

    private static DicomSeriesMatch Series(List<DicomIndexEntry> series, DicomStudyMatch study) =>
        new(series[0].Attributes.SeriesInstanceUid, series.MinBy(e => e.Attributes.InstanceNumber ?? int.MaxValue)!.Attributes.Json, series.Count, study);

    private static bool Matches(DicomMatch match, List<DicomIndexEntry> study, List<DicomIndexEntry>? series = null, DicomIndexEntry? instance = null)
    {
        var first = study[0].Attributes;
        var a = match.Info.Level switch
        {
            DicomQueryLevel.Study => first,
            DicomQueryLevel.Series => series?[0].Attributes,
            _ => instance?.Attributes,
        } ?? throw new ArgumentException($"{match.Info.Name} cannot be matched at this level.", nameof(match));
        return match.Key switch
        {
            DicomIndexKey.ModalitiesInStudy => study.Any(e => match.Matches(e.Attributes.Modality)),
            DicomIndexKey.StudyDate => match.Matches(a.StudyDate),
            DicomIndexKey.StudyTime => match.Matches(a.StudyTime),
            DicomIndexKey.AccessionNumber => match.Matches(a.AccessionNumber),
            DicomIndexKey.ReferringPhysicianName => match.Matches(a.ReferringPhysicianName),
            DicomIndexKey.PatientName => match.Matches(a.PatientName),
            DicomIndexKey.PatientId => match.Matches(a.PatientId),
            DicomIndexKey.StudyInstanceUid => match.Matches(a.StudyInstanceUid),
            DicomIndexKey.StudyIdentifier => match.Matches(a.StudyIdentifier),
            DicomIndexKey.Modality => match.Matches(a.Modality),
            DicomIndexKey.SeriesInstanceUid => match.Matches(a.SeriesInstanceUid),
            DicomIndexKey.SeriesNumber => match.Matches(a.SeriesNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            DicomIndexKey.PerformedProcedureStepStartDate => match.Matches(a.PerformedProcedureStepStartDate),
            DicomIndexKey.PerformedProcedureStepStartTime => match.Matches(a.PerformedProcedureStepStartTime),
            DicomIndexKey.ScheduledProcedureStepId => match.Matches(a.ScheduledProcedureStepId),
            DicomIndexKey.RequestedProcedureId => match.Matches(a.RequestedProcedureId),
            DicomIndexKey.SopClassUid => match.Matches(a.SopClassUid),
            DicomIndexKey.SopInstanceUid => match.Matches(a.SopInstanceUid),
            DicomIndexKey.InstanceNumber => match.Matches(a.InstanceNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            _ => false,
        };
    }
}
