using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Reporting;

/// <summary>What a report request may ask: one published table, a grain, a date range and selections of its cells.</summary>
public sealed record NetworkReportRequest
{
    public string Table { get; init; } = ReportTables.Activity.Name;

    public PeriodGrain Grain { get; init; } = PeriodGrain.Month;

    public DateOnly? From { get; init; }

    public DateOnly? To { get; init; }

    /// <summary>Dimensions broken down (others are totals); geography by <c>province</c> or <c>hospital</c>.</summary>
    public IReadOnlySet<string> GroupBy { get; init; } = new HashSet<string>();

    /// <summary>Selections: dimension name → value (hospital, province, kind, modality, outcome, ageBand, sex, category).</summary>
    public IReadOnlyDictionary<string, string> Filters { get; init; } = new Dictionary<string, string>();

    /// <summary>The representation served (a media type), recorded in the audit trail with the question.</summary>
    public string Format { get; init; } = MediaTypes.Json;
}

/// <summary>One row of a report: a cell and, only when published, its counts.</summary>
public sealed record ReportRow(ReportCell Cell, int? Studies, int? Children, CellStatus Status);

public sealed record NetworkReport(ReportSnapshot Snapshot, ReportTable Table, NetworkReportRequest Request, IReadOnlyList<ReportRow> Rows);

/// <param name="Rate">Numerator / denominator, only when both are published and the denominator is large enough.</param>
public sealed record SeriesPoint(string Period, string Province, ReportRow Numerator, ReportRow Denominator, double? Rate);

public sealed record SeriesReport(ReportSnapshot Snapshot, string Indicator, string Category, PeriodGrain Grain, IReadOnlyList<SeriesPoint> Points);

public enum ReportQueryStatus
{
    Ok,
    UnknownTable,
    InvalidGroupBy,
    NotAReportingTenant,
}

/// <summary>
/// The report read path. Every answer is a selection of cells of the current snapshot (no new sums are formed, so
/// overlapping or differenced requests reveal nothing the snapshot's audit did not clear); a hospital sees only its
/// own hospital's cells; every request is audited.
/// </summary>
public sealed class ReportQueries(ReportSnapshots snapshots, ITenantDirectory tenants, IAuditSink audit, TimeProvider time)
{
    public const string Geography = "geography";
    private static readonly string[] GeographyLevels = ["province", "hospital"];

    public async Task<(ReportQueryStatus Status, NetworkReport? Report)> NetworkAsync(Caller caller, NetworkReportRequest request, CancellationToken cancellationToken)
    {
        var (status, snapshot, ownHospital) = await PrepareAsync(caller, cancellationToken);
        if (status != ReportQueryStatus.Ok)
        {
            return (status, null);
        }

        var table = snapshot!.Table(request.Table);
        if (table is null)
        {
            await AuditAsync(caller, "report.network", request.Table, AuditOutcomes.NotFound, Describe(request), cancellationToken);
            return (ReportQueryStatus.UnknownTable, null);
        }

        var dimensions = table.Dimensions.Where(d => d != ReportDimension.Geography).Select(ReportTables.Name).ToHashSet();
        if (request.GroupBy.Any(g => !dimensions.Contains(g) && !GeographyLevels.Contains(g)))
        {
            return (ReportQueryStatus.InvalidGroupBy, null);
        }

        if (ownHospital is not null)
        {
            // A hospital's own cells only: its hospital-level breakdown, never a province or the nation.
            request = request with
            {
                GroupBy = request.GroupBy.Append("hospital").ToHashSet(),
                Filters = new Dictionary<string, string>(request.Filters) { ["hospital"] = ownHospital },
            };
        }

        var rows = Select(snapshot, table, request).ToList();
        ReportResponseGuard.Check(snapshot, rows);
        await AuditAsync(caller, "report.network", table.Name, AuditOutcomes.Success, $"{Describe(request)}; {rows.Count} rows; snapshot {snapshot.Id}", cancellationToken);
        return (ReportQueryStatus.Ok, new NetworkReport(snapshot, table, request, rows));
    }

    public async Task<(ReportQueryStatus Status, SeriesReport? Report)> SeriesAsync(
        Caller caller, string indicator, string category, PeriodGrain grain, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        var (status, snapshot, ownHospital) = await PrepareAsync(caller, cancellationToken);
        if (status != ReportQueryStatus.Ok)
        {
            return (status, null);
        }

        var table = snapshot!.Table(ReportTables.FindingsPrefix + indicator);
        var detail = $"indicator={indicator}; category={category}; grain={ReportingPeriods.Name(grain)}; from={from}; to={to}";
        if (table is null)
        {
            await AuditAsync(caller, "report.series", indicator, AuditOutcomes.NotFound, detail, cancellationToken);
            return (ReportQueryStatus.UnknownTable, null);
        }

        var request = new NetworkReportRequest
        {
            Table = table.Name,
            Grain = grain,
            From = from,
            To = to,
            GroupBy = new HashSet<string> { ownHospital is null ? "province" : "hospital" },
            Filters = ownHospital is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["hospital"] = ownHospital },
        };
        var totals = Select(snapshot, table, request).ToDictionary(r => (r.Cell.Period, r.Cell.Province));
        var numerators = Select(snapshot, table, request with { GroupBy = request.GroupBy.Append("category").ToHashSet(), Filters = new Dictionary<string, string>(request.Filters) { ["category"] = category } })
            .ToDictionary(r => (r.Cell.Period, r.Cell.Province));
        var points = new List<SeriesPoint>();
        foreach (var ((period, province), denominator) in totals.OrderBy(t => t.Key.Period, StringComparer.Ordinal).ThenBy(t => t.Key.Province, StringComparer.Ordinal))
        {
            var numerator = numerators.GetValueOrDefault((period, province))
                ?? new ReportRow(denominator.Cell with { Category = category }, 0, 0, CellStatus.Published); // absent = zero
            var rate = numerator.Studies is { } n && denominator.Studies is { } d && d >= snapshot.Rules.RateMinimumDenominator ? (double)n / d : (double?)null;
            points.Add(new SeriesPoint(period, province, numerator, denominator, rate));
        }

        ReportResponseGuard.Check(snapshot, points.SelectMany(p => new[] { p.Numerator, p.Denominator }).Where(r => r.Studies != 0).ToList());
        await AuditAsync(caller, "report.series", table.Name, AuditOutcomes.Success, $"{detail}; {points.Count} points; snapshot {snapshot.Id}", cancellationToken);
        return (ReportQueryStatus.Ok, new SeriesReport(snapshot, indicator, category, grain, points));
    }

    /// <summary>The cells of the table at the request's level of detail, periods overlapping [from, to].</summary>
    private static IEnumerable<ReportRow> Select(ReportSnapshot snapshot, ReportTable table, NetworkReportRequest request)
    {
        const string T = ReportTables.Total;
        var byHospital = request.GroupBy.Contains("hospital");
        var byProvince = byHospital || request.GroupBy.Contains("province");
        foreach (var (cell, value) in snapshot.CellsOf(table.Name, request.Grain))
        {
            if ((cell.Hospital != T) != byHospital || (cell.Province != T) != byProvince)
            {
                continue;
            }

            var period = ReportingPeriods.Parse(cell.Grain, cell.Period);
            if ((request.From is { } from && period.End <= from) || (request.To is { } to && period.Start > to))
            {
                continue;
            }

            var matches = true;
            foreach (var dimension in table.Dimensions.Where(d => d != ReportDimension.Geography))
            {
                var name = ReportTables.Name(dimension);
                var value2 = cell.Value(dimension);
                matches &= request.GroupBy.Contains(name) ? value2 != T : value2 == T;
                if (request.Filters.TryGetValue(name, out var wanted))
                {
                    matches &= string.Equals(value2, wanted, StringComparison.OrdinalIgnoreCase);
                }
            }

            matches &= !request.Filters.TryGetValue("hospital", out var hospital) || cell.Hospital == hospital;
            matches &= !request.Filters.TryGetValue("province", out var province) || string.Equals(cell.Province, province, StringComparison.OrdinalIgnoreCase);
            if (matches)
            {
                yield return value.IsPublished
                    ? new ReportRow(cell, value.Studies, value.Children, value.Status)
                    : new ReportRow(cell, null, null, value.Status);
            }
        }
    }

    private async Task<(ReportQueryStatus, ReportSnapshot?, string?)> PrepareAsync(Caller caller, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(caller.Tenant, cancellationToken);
        if (tenant is null)
        {
            return (ReportQueryStatus.NotAReportingTenant, null, null);
        }

        var snapshot = await snapshots.CurrentAsync(cancellationToken);
        return (ReportQueryStatus.Ok, snapshot, tenant.Kind == TenantKind.Association ? null : tenant.Id.Value);
    }

    private static string Describe(NetworkReportRequest request) =>
        $"table={request.Table}; format={request.Format}; grain={ReportingPeriods.Name(request.Grain)}; from={request.From}; to={request.To}; groupBy={string.Join(',', request.GroupBy.Order())}; " +
        string.Join("; ", request.Filters.OrderBy(f => f.Key).Select(f => $"{f.Key}={f.Value}"));

    private Task AuditAsync(Caller caller, string action, string resource, string outcome, string detail, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditRecord(time.GetUtcNow(), caller.Subject, caller.Tenant, action, "Report", resource, outcome, caller.CorrelationId, detail), cancellationToken);
}

/// <summary>
/// The last check on every response: each row is a cell of the audited snapshot, carries the snapshot's numbers
/// exactly when the snapshot publishes it, and none otherwise. The snapshot's own audit proved that nothing it
/// suppresses follows from everything it publishes, so any selection of its published cells is safe.
/// </summary>
public static class ReportResponseGuard
{
    public static void Check(ReportSnapshot snapshot, IReadOnlyList<ReportRow> rows)
    {
        foreach (var row in rows)
        {
            var value = snapshot.Cells.GetValueOrDefault(row.Cell)
                ?? throw new Disclosure.DisclosureAuditException($"Response row {row.Cell} is not a cell of snapshot {snapshot.Id}.");
            var consistent = value.IsPublished
                ? row.Studies == value.Studies && row.Children == value.Children
                : row.Studies is null && row.Children is null;
            if (!consistent)
            {
                throw new Disclosure.DisclosureAuditException($"Response row {row.Cell} does not carry what snapshot {snapshot.Id} publishes.");
            }
        }
    }
}
