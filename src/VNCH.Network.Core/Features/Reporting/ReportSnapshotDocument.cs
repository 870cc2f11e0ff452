using System.Text.Json;
using VNCH.Network.Core.Features.Reporting.Disclosure;

namespace VNCH.Network.Core.Features.Reporting;

/// <summary>The one serialized form of a <see cref="ReportSnapshot"/> (stores keep it as an opaque document).</summary>
public static class ReportSnapshotDocument
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static StoredSnapshot ToStored(ReportSnapshot snapshot) =>
        new(Header(snapshot), JsonSerializer.Serialize(new Document(
            snapshot.Id, snapshot.AsOf, snapshot.Rules, [.. snapshot.Tables], snapshot.Cells.Select(c => new CellEntry(c.Key, c.Value)).ToList(),
            new(snapshot.Hospitals), new(snapshot.DateSources), new(snapshot.PeriodDigests), [.. snapshot.RevisedPeriods], snapshot.PreviousId, [.. snapshot.Facts]), Options));

    public static SnapshotHeader Header(ReportSnapshot snapshot) => new(snapshot.Id, snapshot.AsOf, snapshot.PreviousId, snapshot.RevisedPeriods);

    public static ReportSnapshot FromDocument(string document)
    {
        var d = JsonSerializer.Deserialize<Document>(document, Options) ?? throw new InvalidDataException("Empty snapshot document.");
        return new ReportSnapshot
        {
            Id = d.Id,
            AsOf = d.AsOf,
            Rules = d.Rules,
            Tables = d.Tables,
            Cells = d.Cells.ToDictionary(c => c.Cell, c => c.Value),
            Hospitals = d.Hospitals,
            DateSources = d.DateSources,
            PeriodDigests = d.PeriodDigests,
            RevisedPeriods = d.RevisedPeriods,
            PreviousId = d.PreviousId,
            Facts = d.Facts,
        };
    }

    private sealed record CellEntry(ReportCell Cell, CellValue Value);

    private sealed record Document(
        string Id,
        DateTimeOffset AsOf,
        DisclosureOptions Rules,
        List<ReportTable> Tables,
        List<CellEntry> Cells,
        Dictionary<string, string> Hospitals,
        Dictionary<string, string> DateSources,
        Dictionary<string, string> PeriodDigests,
        List<string> RevisedPeriods,
        string? PreviousId,
        List<StudyFact> Facts);
}
