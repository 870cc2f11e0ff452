using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using VNCH.Network.Api.Problems;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Reporting.Exports;

namespace VNCH.Network.Api.Features.Reports;

/// <summary>GET /api/v1/reports/network: cells of one published table (JSON, or CSV with Accept: text/csv).</summary>
public static class NetworkReportEndpoint
{
    private static readonly string[] FilterNames = ["hospital", "province", "kind", "modality", "outcome", "ageBand", "sex", "category"];

    public static async Task<IResult> Handle(ApiRequestContext context)
    {
        var q = context.Http.Request.Query;
        if (!ReportRequestParsing.TryCommon(q, out var grain, out var from, out var to, out var error))
        {
            return ApiProblems.InvalidRequest(error);
        }

        if (ReportNegotiation.Choose(context.Http.Request, ReportFormats.Network, out var notAcceptable) is not { } format)
        {
            return notAcceptable!;
        }

        var table = q["table"].ToString() is { Length: > 0 } name ? name : ReportTables.Activity.Name;
        if (q["finding"].ToString() is { Length: > 0 } finding)
        {
            table = ReportTables.FindingsPrefix + finding;
        }

        var request = new NetworkReportRequest
        {
            Table = table,
            Grain = grain,
            From = from,
            To = to,
            GroupBy = q["groupBy"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(),
            Filters = FilterNames.Where(f => q[f].ToString().Length > 0).ToDictionary(f => f, f => q[f].ToString()),
            Format = format,
        };
        var (status, report) = await context.Service<ReportQueries>().NetworkAsync(context.Caller, request, context.Aborted);
        return status switch
        {
            ReportQueryStatus.UnknownTable => ApiProblems.Problem(StatusCodes.Status404NotFound, "report-table-not-found", "No such published table",
                $"'{table}' is not a published table of the current snapshot; see docs/reporting.md."),
            ReportQueryStatus.InvalidGroupBy => ApiProblems.InvalidRequest($"groupBy must name dimensions of table '{table}' (province, hospital and its other dimensions)."),
            ReportQueryStatus.NotAReportingTenant => ApiProblems.TenantNotMapped(),
            _ when format == MediaTypes.Json => Results.Json(Json(report!)),
            _ when format == MediaTypes.Csv => Results.Text(Csv(report!), MediaTypes.Csv, Encoding.UTF8),
            _ => await ExportAsync(context, report!, format),
        };
    }

    /// <summary>FHIR MeasureReports, ADX or dataValueSets: published cells only, in the mapping's codes (docs/reporting.md).</summary>
    private static async Task<IResult> ExportAsync(ApiRequestContext context, NetworkReport report, string format) =>
        ExportResult(await context.Service<ReportExports>().RenderAsync(report, format, context.Aborted), format);

    /// <summary>An export as the response: the document, or why there is none (both report routes).</summary>
    internal static IResult ExportResult(ReportExport export, string format) =>
        export.Status switch
        {
            ReportExportStatus.MappingIncomplete => ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "export-mapping-incomplete", "The DHIS2 mapping cannot place these cells",
                $"Nothing was exported; complete the mapping (docs/reporting.md) or choose another breakdown: {string.Join(" ", export.Missing.Take(20))}"),
            ReportExportStatus.NothingPublished => ApiProblems.Problem(StatusCodes.Status404NotFound, "nothing-published", "No published value to export",
                "Every cell of this selection is suppressed or zero, and an ADX message needs at least one value."),
            _ => Results.Text(export.Content, format, Encoding.UTF8),
        };

    private static object Json(NetworkReport report) => new
    {
        snapshot = ReportRequestParsing.Snapshot(report.Snapshot),
        table = new { name = report.Table.Name, description = report.Table.Description, dimensions = report.Table.Dimensions.Select(ReportTables.Name) },
        grain = ReportingPeriods.Name(report.Request.Grain),
        rows = report.Rows
            .OrderBy(r => r.Cell.Period, StringComparer.Ordinal).ThenBy(r => r.Cell.Province, StringComparer.Ordinal).ThenBy(r => r.Cell.Hospital, StringComparer.Ordinal)
            .ThenBy(r => r.Cell.ToString(), StringComparer.Ordinal)
            .Select(r => new
            {
                period = r.Cell.Period,
                dateSource = report.Snapshot.DateSources.GetValueOrDefault(ReportSnapshot.PeriodKey(r.Cell.Grain, r.Cell.Period)),
                province = r.Cell.Province,
                hospital = r.Cell.Hospital,
                kind = r.Cell.Kind,
                modality = r.Cell.Modality,
                outcome = r.Cell.Outcome,
                ageBand = r.Cell.AgeBand,
                sex = r.Cell.Sex,
                category = r.Cell.Category,
                studies = r.Studies,
                children = r.Children,
                status = ReportRequestParsing.Status(r.Status),
            }),
    };

    private static string Csv(NetworkReport report)
    {
        var csv = new StringBuilder("period,date_source,province,hospital,kind,modality,outcome,age_band,sex,category,studies,children,status\n");
        foreach (var r in report.Rows.OrderBy(r => r.Cell.Period, StringComparer.Ordinal).ThenBy(r => r.Cell.ToString(), StringComparer.Ordinal))
        {
            var c = r.Cell;
            string[] fields = [c.Period, report.Snapshot.DateSources.GetValueOrDefault(ReportSnapshot.PeriodKey(c.Grain, c.Period)) ?? "", c.Province, c.Hospital,
                c.Kind, c.Modality, c.Outcome, c.AgeBand, c.Sex, c.Category, Number(r.Studies), Number(r.Children), ReportRequestParsing.Status(r.Status)];
            csv.AppendJoin(',', fields.Select(ReportRequestParsing.CsvField)).Append('\n');
        }

        return csv.ToString();
    }

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}

/// <summary>GET /api/v1/reports/series: an indicator's rate per consecutive period and province, with numerator and denominator.</summary>
public static class SeriesReportEndpoint
{
    public static async Task<IResult> Handle(ApiRequestContext context)
    {
        var q = context.Http.Request.Query;
        if (!ReportRequestParsing.TryCommon(q, out var grain, out var from, out var to, out var error))
        {
            return ApiProblems.InvalidRequest(error);
        }

        if (ReportNegotiation.Choose(context.Http.Request, ReportFormats.Series, out var notAcceptable) is not { } format)
        {
            return notAcceptable!;
        }

        var indicator = q["indicator"].ToString();
        var category = q["category"].ToString();
        if (indicator.Length == 0 || category.Length == 0)
        {
            return ApiProblems.InvalidRequest("'indicator' (e.g. pediatric-cxr-pneumonia/result) and 'category' (e.g. pneumonia) are required.");
        }

        var (status, report) = await context.Service<ReportQueries>().SeriesAsync(context.Caller, indicator, category, grain, from, to, context.Aborted);
        if (status != ReportQueryStatus.Ok)
        {
            return status == ReportQueryStatus.NotAReportingTenant
                ? ApiProblems.TenantNotMapped()
                : ApiProblems.Problem(StatusCodes.Status404NotFound, "report-table-not-found", "No such indicator", $"'{indicator}' is not an indicator of the current snapshot.");
        }

        if (format == MediaTypes.Csv)
        {
            var csv = new StringBuilder("period,province,numerator,numerator_status,denominator,denominator_status,rate\n");
            foreach (var p in report!.Points)
            {
                string[] fields = [p.Period, p.Province, Number(p.Numerator.Studies), ReportRequestParsing.Status(p.Numerator.Status),
                    Number(p.Denominator.Studies), ReportRequestParsing.Status(p.Denominator.Status), p.Rate?.ToString("0.####", CultureInfo.InvariantCulture) ?? ""];
                csv.AppendJoin(',', fields.Select(ReportRequestParsing.CsvField)).Append('\n');
            }

            return Results.Text(csv.ToString(), MediaTypes.Csv, Encoding.UTF8);
        }

        if (format != MediaTypes.Json)
        {
            return NetworkReportEndpoint.ExportResult(await context.Service<SeriesExports>().RenderAsync(report!, format, context.Aborted), format);
        }

        return Results.Json(new
        {
            snapshot = ReportRequestParsing.Snapshot(report!.Snapshot),
            indicator = report.Indicator,
            category = report.Category,
            grain = ReportingPeriods.Name(report.Grain),
            rateMinimumDenominator = report.Snapshot.Rules.RateMinimumDenominator,
            points = report.Points.Select(p => new
            {
                period = p.Period,
                province = p.Province,
                hospital = p.Denominator.Cell.Hospital,
                numerator = new { studies = p.Numerator.Studies, status = ReportRequestParsing.Status(p.Numerator.Status) },
                denominator = new { studies = p.Denominator.Studies, status = ReportRequestParsing.Status(p.Denominator.Status) },
                rate = p.Rate,
            }),
        });
    }

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}

/// <summary>Parameters and shapes both report endpoints share.</summary>
internal static class ReportRequestParsing
{
    public static bool TryCommon(IQueryCollection q, out PeriodGrain grain, out DateOnly? from, out DateOnly? to, out string error)
    {
        (grain, from, to, error) = (PeriodGrain.Month, null, null, "");
        if (q["grain"].ToString() is { Length: > 0 } g && !ReportingPeriods.TryParseGrain(g, out grain))
        {
            error = $"Unknown grain '{g}'. Use week, month, quarter or year.";
            return false;
        }

        return TryDate(q, "from", out from, ref error) && TryDate(q, "to", out to, ref error);
    }

    public static object Snapshot(ReportSnapshot snapshot) => new
    {
        id = snapshot.Id,
        asOf = snapshot.AsOf,
        previous = snapshot.PreviousId,
        revisedPeriods = snapshot.RevisedPeriods,
        threshold = snapshot.Rules.Threshold,
        note = "Suppressed cells count 1 to threshold-1 studies or children, or are withheld so that none of those can be computed; " +
               "combinations not listed count 0. Totals are published cells of their own, not sums of the rows shown.",
    };

    public static string Status(CellStatus status) => status switch
    {
        CellStatus.Published => "published",
        CellStatus.Suppressed => "suppressed",
        _ => "suppressed-secondary",
    };

    public static string CsvField(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    private static bool TryDate(IQueryCollection q, string name, out DateOnly? date, ref string error)
    {
        date = null;
        if (q[name].ToString() is not { Length: > 0 } text)
        {
            return true;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            error = $"'{name}' must be a date (yyyy-MM-dd), not '{text}'.";
            return false;
        }

        date = parsed;
        return true;
    }
}
