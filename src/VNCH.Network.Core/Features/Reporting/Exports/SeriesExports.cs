using Hl7.Fhir.Model;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Reporting.Exports;

/// <summary>
/// A series (an indicator's rate per period and province or hospital) in the exchange formats. DHIS2 receives the
/// counts behind each rate, as the data values they are in the network report (the findings table by category for
/// the numerator, its total for the denominator: national systems compute rates themselves). FHIR receives one
/// proportion MeasureReport per period: a stratum per place with its numerator and denominator populations and,
/// where the report shows one, the rate as the stratum's score.
/// </summary>
public sealed class SeriesExports(ReportExports exports, ITenantDirectory tenants)
{
    public async Task<ReportExport> RenderAsync(SeriesReport series, string mediaType, CancellationToken cancellationToken)
    {
        if (mediaType != MediaTypes.FhirJson)
        {
            return await exports.RenderAsync(AsNetworkReport(series), mediaType, cancellationToken);
        }

        var hospitals = (await tenants.ListAsync(cancellationToken)).ToDictionary(t => t.Id.Value, StringComparer.Ordinal);
        return new(ReportExportStatus.Ok, FhirJson.Serialize(Build(series, hospitals)), []);
    }

    /// <summary>The cells behind the series (numerators and denominators) as a report of the indicator's findings table.</summary>
    public static NetworkReport AsNetworkReport(SeriesReport series)
    {
        var table = series.Snapshot.Table(ReportTables.FindingsPrefix + series.Indicator)
            ?? throw new ArgumentException($"'{series.Indicator}' is not an indicator of snapshot {series.Snapshot.Id}.", nameof(series));
        var rows = series.Points.SelectMany(p => new[] { p.Numerator, p.Denominator }).ToList();
        return new NetworkReport(series.Snapshot, table, new NetworkReportRequest { Table = table.Name, Grain = series.Grain }, rows);
    }

    public static Bundle Build(SeriesReport series, IReadOnlyDictionary<string, Tenant> hospitals)
    {
        var table = ReportTables.FindingsPrefix + series.Indicator;
        var bundle = new Bundle { Type = Bundle.BundleType.Collection, Timestamp = series.Snapshot.AsOf };
        foreach (var points in series.Points.GroupBy(p => p.Period).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var period = ReportingPeriods.Parse(series.Grain, points.Key);
            var identifier = $"{series.Snapshot.Id}/{table}/{series.Category}/{period.Code}";
            var byHospital = points.Any(p => p.Denominator.Cell.Hospital != ReportTables.Total);
            var place = byHospital ? "hospital" : "province";
            var stratifier = new MeasureReport.StratifierComponent { Code = [MeasureReportExport.Concept(MeasureReportExport.DimensionSystem, place, null)] };
            foreach (var point in points.OrderBy(p => p.Province, StringComparer.Ordinal).ThenBy(p => p.Denominator.Cell.Hospital, StringComparer.Ordinal))
            {
                var stratum = new MeasureReport.StratifierGroupComponent { Value = MeasureReportExport.Value(place, point.Denominator.Cell, hospitals) };
                AddPopulation(stratum, "numerator", point.Numerator.Studies);
                AddPopulation(stratum, "denominator", point.Denominator.Studies);
                if (point.Rate is { } rate)
                {
                    stratum.MeasureScore = new Quantity { Value = decimal.Round((decimal)rate, 4), Unit = "1", System = "http://unitsofmeasure.org", Code = "1" };
                }

                stratifier.Stratum.Add(stratum);
            }

            var measureReport = MeasureReportExport.Summary(identifier, identifier, MeasureReportExport.MeasureUrl(table) + "-" + MeasureReportExport.Slug(series.Category), series.Snapshot, period);
            measureReport.Group =
            [
                new MeasureReport.GroupComponent
                {
                    Code = MeasureReportExport.Concept(MeasureReportExport.ValueSystemBase + "category", series.Category, $"{series.Category} among studies assessed on {series.Indicator}"),
                    Stratifier = [stratifier],
                },
            ];
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:" + measureReport.Id, Resource = measureReport });
        }

        return bundle;
    }

    /// <summary>A suppressed count is no population at all (never a number the report withholds).</summary>
    private static void AddPopulation(MeasureReport.StratifierGroupComponent stratum, string code, int? count)
    {
        if (count is { } value)
        {
            stratum.Population.Add(new MeasureReport.StratifierGroupPopulationComponent { Code = MeasureReportExport.Concept(MeasureReportExport.MeasurePopulation, code, null), Count = value });
        }
    }
}
