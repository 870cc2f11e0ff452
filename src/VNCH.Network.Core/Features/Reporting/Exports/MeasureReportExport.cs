using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Reporting.Exports;

/// <summary>
/// A report as FHIR R4 MeasureReports laid out as IHE mADX does: a collection Bundle with one summary MeasureReport
/// per period, one group per measure (studies, children) of the table's indicator, and, when the report breaks the
/// counts down, one stratifier whose strata carry a component per dimension (age bands as ISO 8601 ranges such as
/// <c>P0D--P28D</c>, sex in FHIR administrative gender, hospitals by facility code). Suppressed cells are left out;
/// a suppressed total leaves its group without a score.
/// </summary>
public static class MeasureReportExport
{
    public const string MeasureBase = "https://vnch.network/fhir/Measure/";
    public const string MeasureGroupSystem = "https://vnch.network/fhir/CodeSystem/report-measure";
    public const string DimensionSystem = "https://vnch.network/fhir/CodeSystem/report-dimension";
    public const string ValueSystemBase = "https://vnch.network/fhir/CodeSystem/report-";
    public const string AgeRangeSystem = "https://vnch.network/fhir/CodeSystem/age-band-iso8601";
    public const string AdministrativeGender = "http://hl7.org/fhir/administrative-gender";
    public const string FacilitySystem = "https://vnch.network/fhir/sid/facility-code";
    public const string TenantSystem = "https://vnch.network/fhir/sid/tenant";
    public const string SnapshotSystem = "https://vnch.network/fhir/sid/report-snapshot";
    public const string MeasurePopulation = "http://terminology.hl7.org/CodeSystem/measure-population";

    /// <summary>The canonical URL of a table's Measure, e.g. …/Measure/findings-pediatric-cxr-pneumonia-result.</summary>
    public static string MeasureUrl(string table) => MeasureBase + Slug(table);

    public static Bundle Build(NetworkReport report, IReadOnlyDictionary<string, Tenant> hospitals)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Collection, Timestamp = report.Snapshot.AsOf };
        foreach (var period in report.Rows.GroupBy(r => r.Cell.Period).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var measureReport = Build(report, ReportingPeriods.Parse(report.Request.Grain, period.Key), period.ToList(), hospitals);
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:" + measureReport.Id, Resource = measureReport });
        }

        return bundle;
    }

    /// <summary>A complete summary MeasureReport of one snapshot and period, named from <paramref name="idSeed"/>; the caller adds its groups.</summary>
    internal static MeasureReport Summary(string idSeed, string identifier, string measure, ReportSnapshot snapshot, ReportPeriod period) => new()
    {
        Id = NameBasedId(idSeed),
        Identifier = [new Identifier(SnapshotSystem, identifier)],
        Status = MeasureReport.MeasureReportStatus.Complete,
        Type = MeasureReport.MeasureReportType.Summary,
        Measure = measure,
        Date = snapshot.AsOf.ToString("o", CultureInfo.InvariantCulture),
        Period = new Period(
            new FhirDateTime(period.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new FhirDateTime(period.End.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
    };

    private static MeasureReport Build(NetworkReport report, ReportPeriod period, IReadOnlyList<ReportRow> rows, IReadOnlyDictionary<string, Tenant> hospitals)
    {
        var identifier = $"{report.Snapshot.Id}/{report.Table.Name}/{period.Code}";
        var measureReport = Summary(identifier + "/" + string.Join(',', rows.Select(r => r.Cell.ToString())), identifier, MeasureUrl(report.Table.Name), report.Snapshot, period);

        foreach (var measure in new[] { Dhis2Mapping.StudiesMeasure, Dhis2Mapping.ChildrenMeasure })
        {
            var group = new MeasureReport.GroupComponent { Code = Concept(MeasureGroupSystem, measure, $"{measure} ({report.Table.Name})") };
            var broken = BrokenDown(report.Table, rows[0].Cell);
            if (broken.Count == 0)
            {
                if (Count(rows[0], measure) is { } total)
                {
                    group.Population.Add(new MeasureReport.PopulationComponent { Code = Concept(MeasurePopulation, "initial-population", null), Count = total });
                    group.MeasureScore = new Quantity { Value = total };
                }
            }
            else
            {
                var stratifier = new MeasureReport.StratifierComponent { Code = broken.Select(d => Concept(DimensionSystem, d, null)).ToList() };
                foreach (var row in rows.Where(r => Count(r, measure) is not null))
                {
                    stratifier.Stratum.Add(new MeasureReport.StratifierGroupComponent
                    {
                        Component = broken.Select(d => new MeasureReport.ComponentComponent { Code = Concept(DimensionSystem, d, null), Value = Value(d, row.Cell, hospitals) }).ToList(),
                        MeasureScore = new Quantity { Value = Count(row, measure) },
                    });
                }

                group.Stratifier.Add(stratifier);
            }

            measureReport.Group.Add(group);
        }

        return measureReport;
    }

    private static int? Count(ReportRow row, string measure) => measure == Dhis2Mapping.StudiesMeasure ? row.Studies : row.Children;

    /// <summary>The dimensions a row breaks down (geography as province or hospital), in table order.</summary>
    private static List<string> BrokenDown(ReportTable table, ReportCell cell)
    {
        var names = new List<string>();
        if (cell.Province != ReportTables.Total)
        {
            names.Add(cell.Hospital != ReportTables.Total ? "hospital" : "province");
        }

        names.AddRange(table.Dimensions.Where(d => d != ReportDimension.Geography && cell.Value(d) != ReportTables.Total).Select(ReportTables.Name));
        return names;
    }

    /// <summary>A stratum's value: the code in its system, and the report's own value as text (what the JSON and CSV show).</summary>
    internal static CodeableConcept Value(string dimension, ReportCell cell, IReadOnlyDictionary<string, Tenant> hospitals) => dimension switch
    {
        "hospital" => hospitals.GetValueOrDefault(cell.Hospital)?.FacilityCode is { Length: > 0 } facility
            ? Concept(FacilitySystem, facility, cell.Hospital)
            : Concept(TenantSystem, cell.Hospital, cell.Hospital),
        "province" => Concept(ValueSystemBase + "province", cell.Province, cell.Province),
        "sex" => Concept(AdministrativeGender, cell.Sex, cell.Sex), // male, female, other, unknown: the same codes
        "ageBand" => AgeBands.All.FirstOrDefault(b => AgeBands.Code(b) == cell.AgeBand) is var band && AgeBands.Iso8601Range(band) is { } range
            ? Concept(AgeRangeSystem, range, cell.AgeBand)
            : Concept(ValueSystemBase + "age-band", cell.AgeBand, cell.AgeBand),
        _ => Concept(ValueSystemBase + dimension.ToLowerInvariant(), cell.Value(Enum.Parse<ReportDimension>(dimension, ignoreCase: true)), null),
    };

    internal static CodeableConcept Concept(string system, string code, string? text) =>
        new() { Coding = [new Coding(system, code)], Text = text ?? code };

    internal static string Slug(string table) =>
        new string(table.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? char.ToLowerInvariant(c) : '-').ToArray());

    /// <summary>A stable id (UUID form) from the report's content, so the same snapshot and question give the same resources.</summary>
    internal static string NameBasedId(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5-style, name-based
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }
}
