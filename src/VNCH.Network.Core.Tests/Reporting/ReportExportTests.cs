using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.Extensions.Options;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Contracts.Fhir;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Reporting.Disclosure;
using VNCH.Network.Core.Features.Reporting.Exports;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Tests.Reporting;

/// <summary>
/// The exchange formats of a report: IHE ADX (checked against the ADX base schema), DHIS2 dataValueSets and FHIR R4
/// MeasureReports (Firely validator). Every value they carry is a published cell of the report, in the mapping's
/// codes; a suppressed cell appears in none of them.
/// </summary>
public sealed class ReportExportTests
{
    private static readonly Dhis2Mapping Mapping = Dhis2Mapping.Load(new Dhis2ExportOptions());
    private static readonly GeneratedNetwork Network = new(300, hospitals: 5);

    // One snapshot for the tests that read the same network: a snapshot is computed once, as in the service.
    private static readonly Lazy<Task<(ReportQueries Queries, InMemoryTenantDirectory Tenants)>> Shared = new(() => QueriesAsync(Network));

    private readonly GeneratedNetwork network = Network;

    private static async Task<(ReportQueries Queries, InMemoryTenantDirectory Tenants)> QueriesAsync(GeneratedNetwork generated)
    {
        var cube = new InMemoryReportingStore();
        var key = await cube.GetOrCreatePseudonymKeyAsync(CancellationToken.None);
        await cube.ReplaceAllAsync(generated.Studies.Select(s => StudyFactProjection.Project(s, generated.Hospitals.Single(h => h.Id == s.Tenant), key)).ToList(), CancellationToken.None);
        var snapshots = new ReportSnapshots(cube, Options.Create(new DisclosureOptions { Threshold = 5 }), Options.Create(new ReportSnapshotOptions()), TimeProvider.System);
        var tenants = new InMemoryTenantDirectory([.. generated.Tenants]);
        return (new ReportQueries(snapshots, tenants, new InMemoryAuditSink(), TimeProvider.System), tenants);
    }

    private async Task<(NetworkReport Report, ReportExports Exports)> ReportAsync(NetworkReportRequest request, TenantId? caller = null)
    {
        var (queries, tenants) = await Shared.Value;
        var (status, report) = await queries.NetworkAsync(new Caller(caller ?? network.Association.Id, "analyst", new HashSet<string> { Roles.ReportsRead }, "corr"), request, CancellationToken.None);
        Assert.Equal(ReportQueryStatus.Ok, status);
        return (report!, new ReportExports(tenants, Mapping));
    }

    private static readonly NetworkReportRequest DemographyByAgeAndSex = new()
    {
        Table = ReportTables.Demography.Name,
        Grain = PeriodGrain.Year,
        GroupBy = new HashSet<string> { "ageBand", "sex" },
    };

    [Fact]
    public void The_built_in_mapping_is_complete_and_a_broken_one_is_refused_with_reasons()
    {
        Assert.Empty(Mapping.Problems());
        Assert.True(new Dhis2ExportOptionsValidation().Validate(null, new Dhis2ExportOptions()).Succeeded);

        var broken = Mapping with
        {
            IdScheme = "NAME",
            Categories = new Dictionary<string, Dhis2Category>(Mapping.Categories) { ["value"] = new() { Dimension = "shoeSize", Options = new Dictionary<string, string> { ["x"] = "" } } },
            CategoryOptionCombos = Mapping.CategoryOptionCombos.Where(c => !c.Key.Contains("SEX_F", StringComparison.Ordinal)).ToDictionary(),
        };
        var problems = broken.Problems();

        Assert.Contains(problems, p => p.Contains("idScheme", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'value' cannot be an ADX attribute name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("shoeSize", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("no category option combo for (P0D--P28D,SEX_F)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mapping_file_that_does_not_parse_or_does_not_exist_stops_the_start()
    {
        using var folder = new Testing.TempDirectory("vnch-dhis2-mapping");
        var file = Path.Combine(folder.Path, "mapping.json");
        File.WriteAllText(file, """{ "idScheme": "CODE", "dataSet": "X", "unexpected": 1 }""");

        Assert.False(new Dhis2ExportOptionsValidation().Validate(null, new Dhis2ExportOptions { MappingFile = file }).Succeeded);
        Assert.False(new Dhis2ExportOptionsValidation().Validate(null, new Dhis2ExportOptions { MappingFile = Path.Combine(folder.Path, "absent.json") }).Succeeded);
    }

    [Theory]
    [InlineData(PeriodGrain.Week, "2026-11-25", "2026-11-23/P7D", "2026W48")]
    [InlineData(PeriodGrain.Week, "2026-01-01", "2025-12-29/P7D", "2026W1")]
    [InlineData(PeriodGrain.Week, "2026-12-31", "2026-12-28/P7D", "2026W53")]
    [InlineData(PeriodGrain.Month, "2026-11-25", "2026-11-01/P1M", "202611")]
    [InlineData(PeriodGrain.Quarter, "2026-11-25", "2026-10-01/P3M", "2026Q4")]
    [InlineData(PeriodGrain.Year, "2026-11-25", "2026-01-01/P1Y", "2026")]
    public void Periods_are_written_as_adx_time_ranges_and_dhis2_period_ids(PeriodGrain grain, string day, string adx, string dhis2)
    {
        var period = ReportingPeriods.Of(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), grain);

        Assert.Equal(adx, Dhis2Exports.AdxPeriod(period));
        Assert.Equal(dhis2, Dhis2Exports.Dhis2Period(period));
        Assert.Equal(period, ReportingPeriods.Parse(grain, period.Code));
    }

    [Fact]
    public async Task Adx_is_schema_valid_and_carries_exactly_the_published_cells_in_the_mappings_codes()
    {
        var (report, exports) = await ReportAsync(DemographyByAgeAndSex);
        var export = await exports.RenderAsync(report, MediaTypes.Adx, CancellationToken.None);
        Assert.Equal(ReportExportStatus.Ok, export.Status);

        Assert.Empty(AdxSchema.Errors(export.Content));
        var adx = XDocument.Parse(export.Content);
        XNamespace ns = Dhis2Exports.AdxNamespace;
        var values = adx.Root!.Elements(ns + "group").SelectMany(g => g.Elements(ns + "dataValue").Select(v => (Group: g, Value: v))).ToList();

        var published = report.Rows.Where(r => r.Status == CellStatus.Published).ToList();
        Assert.NotEmpty(published);
        Assert.Contains(report.Rows, r => r.Status != CellStatus.Published); // the test must see suppression at work
        Assert.Equal(published.Count * 2, values.Count); // studies and children of each published cell, nothing else

        var age = Mapping.Categories["VNCH_AGE"].Options;
        var sex = Mapping.Categories["VNCH_SEX"].Options;
        foreach (var row in published)
        {
            var period = Dhis2Exports.AdxPeriod(ReportingPeriods.Parse(row.Cell.Grain, row.Cell.Period));
            var matching = values.Where(v => (string?)v.Group.Attribute("period") == period
                && (string?)v.Group.Attribute("orgUnit") == Mapping.NationalOrgUnit
                && (string?)v.Value.Attribute("VNCH_AGE") == age[row.Cell.AgeBand]
                && (string?)v.Value.Attribute("VNCH_SEX") == sex[row.Cell.Sex]).ToList();
            Assert.Equal(row.Studies, (int)matching.Single(v => (string?)v.Value.Attribute("dataElement") == "VNCH_DEMOGRAPHY_STUDIES_BY_AGE_SEX").Value.Attribute("value")!);
            Assert.Equal(row.Children, (int)matching.Single(v => (string?)v.Value.Attribute("dataElement") == "VNCH_DEMOGRAPHY_CHILDREN_BY_AGE_SEX").Value.Attribute("value")!);
        }

        // A suppressed cell's combination is absent: no value is emitted for it, not even an empty one.
        foreach (var row in report.Rows.Where(r => r.Status != CellStatus.Published))
        {
            var period = Dhis2Exports.AdxPeriod(ReportingPeriods.Parse(row.Cell.Grain, row.Cell.Period));
            Assert.DoesNotContain(values, v => (string?)v.Group.Attribute("period") == period
                && (string?)v.Group.Attribute("orgUnit") == Mapping.NationalOrgUnit
                && (string?)v.Value.Attribute("VNCH_AGE") == age[row.Cell.AgeBand]
                && (string?)v.Value.Attribute("VNCH_SEX") == sex[row.Cell.Sex]);
        }

        Assert.All(adx.Root.Elements(ns + "group"), g => Assert.Equal(Mapping.DataSet, (string?)g.Attribute("dataSet")));
        Assert.All(adx.Root.Elements(ns + "group"), g => Assert.Matches(@"^\d{4}-01-01/P1Y$", (string)g.Attribute("period")!));
    }

    [Fact]
    public void The_adx_schema_refuses_what_adx_forbids()
    {
        const string Valid = """<adx xmlns="urn:ihe:qrph:adx:2015" exported="2026-12-01T00:00:00Z"><group orgUnit="VN" period="2026-11-01/P1M"><dataValue dataElement="A" value="3"/></group></adx>""";
        Assert.Empty(AdxSchema.Errors(Valid));
        Assert.NotEmpty(AdxSchema.Errors(Valid.Replace("2026-11-01/P1M", "202611", StringComparison.Ordinal)));
        Assert.NotEmpty(AdxSchema.Errors(Valid.Replace("value=\"3\"", "value=\"suppressed\"", StringComparison.Ordinal)));
        Assert.NotEmpty(AdxSchema.Errors(Valid.Replace("<dataValue dataElement=\"A\" value=\"3\"/>", "", StringComparison.Ordinal)));
        Assert.NotEmpty(AdxSchema.Errors(Valid.Replace(" exported=\"2026-12-01T00:00:00Z\"", "", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DataValueSets_carry_the_published_cells_with_dhis2_periods_and_category_option_combos()
    {
        var request = new NetworkReportRequest { Table = ReportTables.Activity.Name, Grain = PeriodGrain.Month, GroupBy = new HashSet<string> { "kind" } };
        var (report, exports) = await ReportAsync(request);
        var export = await exports.RenderAsync(report, MediaTypes.Dhis2DataValueSets, CancellationToken.None);
        Assert.Equal(ReportExportStatus.Ok, export.Status);

        var document = JsonSerializer.Deserialize<JsonElement>(export.Content);
        Assert.Equal("CODE", document.GetProperty("idScheme").GetString());
        Assert.Equal(Mapping.DataSet, document.GetProperty("dataSet").GetString());
        var values = document.GetProperty("dataValues").EnumerateArray().ToList();
        var published = report.Rows.Where(r => r.Status == CellStatus.Published).ToList();
        Assert.NotEmpty(published);
        Assert.Equal(published.Count * 2, values.Count);
        foreach (var row in published)
        {
            var period = row.Cell.Period.Replace("-", "", StringComparison.Ordinal);
            var combo = Mapping.CategoryOptionCombos[Mapping.Categories["VNCH_KIND"].Options[row.Cell.Kind]];
            var studies = values.Single(v => v.GetProperty("period").GetString() == period && v.GetProperty("categoryOptionCombo").GetString() == combo
                && v.GetProperty("dataElement").GetString() == "VNCH_ACTIVITY_STUDIES_BY_KIND");
            Assert.Equal(row.Studies.ToString(), studies.GetProperty("value").GetString());
            Assert.Equal(Mapping.NationalOrgUnit, studies.GetProperty("orgUnit").GetString());
            Assert.Equal(Mapping.AttributeOptionCombo, studies.GetProperty("attributeOptionCombo").GetString());
        }

        Assert.All(values, v => Assert.Matches(@"^\d{6}$", v.GetProperty("period").GetString()!));
    }

    [Fact]
    public async Task A_hospital_exports_its_own_cells_under_its_facility_code()
    {
        var hospital = network.Hospitals[1];
        var (report, exports) = await ReportAsync(new NetworkReportRequest { Table = ReportTables.Activity.Name, Grain = PeriodGrain.Year }, hospital.Id);
        var export = await exports.RenderAsync(report, MediaTypes.Dhis2DataValueSets, CancellationToken.None);

        var values = JsonSerializer.Deserialize<JsonElement>(export.Content).GetProperty("dataValues").EnumerateArray().ToList();
        Assert.NotEmpty(values);
        Assert.All(values, v => Assert.Equal(hospital.FacilityCode, v.GetProperty("orgUnit").GetString()));
        Assert.All(values, v => Assert.Equal(Mapping.DefaultCategoryOptionCombo, v.GetProperty("categoryOptionCombo").GetString()));
    }

    [Fact]
    public async Task What_the_mapping_cannot_place_fails_the_whole_export_with_the_list()
    {
        // A hospital without a facility code, a province without an org unit, a breakdown with no data element.
        var generated = new GeneratedNetwork(120, hospitals: 3);
        var (queries, _) = await QueriesAsync(generated);
        var orphan = generated.Hospitals[0] with { FacilityCode = null };
        var tenants = new InMemoryTenantDirectory([orphan, .. generated.Tenants.Where(t => t.Id != orphan.Id)]);
        var exports = new ReportExports(tenants, Mapping with { ProvinceOrgUnits = new Dictionary<string, string>() });
        var caller = new Caller(generated.Association.Id, "analyst", new HashSet<string> { Roles.ReportsRead }, "corr");

        var (_, byHospital) = await queries.NetworkAsync(caller, new NetworkReportRequest { Table = "activity", Grain = PeriodGrain.Year, GroupBy = new HashSet<string> { "hospital" } }, CancellationToken.None);
        var hospitalExport = await exports.RenderAsync(byHospital!, MediaTypes.Adx, CancellationToken.None);
        Assert.Equal(ReportExportStatus.MappingIncomplete, hospitalExport.Status);
        Assert.Contains(hospitalExport.Missing, m => m.Contains($"'{orphan.Id.Value}' has no facility code", StringComparison.Ordinal));
        Assert.Equal("", hospitalExport.Content);

        var (_, byProvince) = await queries.NetworkAsync(caller, new NetworkReportRequest { Table = "modalities", Grain = PeriodGrain.Year, GroupBy = new HashSet<string> { "province" } }, CancellationToken.None);
        Assert.Contains((await exports.RenderAsync(byProvince!, MediaTypes.Dhis2DataValueSets, CancellationToken.None)).Missing, m => m.Contains("has no org unit", StringComparison.Ordinal));

        var lessElements = new ReportExports(tenants, Mapping with { DataElements = Mapping.DataElements.Where(e => e.Categories.Count != 1).ToList() });
        var (_, byKind) = await queries.NetworkAsync(caller, new NetworkReportRequest { Table = "activity", Grain = PeriodGrain.Year, GroupBy = new HashSet<string> { "kind" } }, CancellationToken.None);
        Assert.Contains((await lessElements.RenderAsync(byKind!, MediaTypes.Adx, CancellationToken.None)).Missing, m => m.Contains("No data element carries activity broken down by (kind)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_measure_report_is_valid_r4_with_a_stratum_per_published_cell()
    {
        var (report, exports) = await ReportAsync(DemographyByAgeAndSex);
        var export = await exports.RenderAsync(report, MediaTypes.FhirJson, CancellationToken.None);

        Assert.Empty(R4Validation.Errors(export.Content));
        var bundle = FhirJson.Parse<Bundle>(export.Content);
        var reports = bundle.Entry.Select(e => (MeasureReport)e.Resource!).ToList();
        Assert.Equal(report.Rows.Select(r => r.Cell.Period).Distinct().Count(), reports.Count);
        Assert.All(reports, r =>
        {
            Assert.Equal(MeasureReport.MeasureReportType.Summary, r.Type);
            Assert.Equal(MeasureReport.MeasureReportStatus.Complete, r.Status);
            Assert.Equal("https://vnch.network/fhir/Measure/demography", r.Measure);
            Assert.Equal(["studies", "children"], r.Group.Select(g => g.Code!.Coding[0].Code));
        });

        var strata = reports.SelectMany(r => r.Group[0].Stratifier.SelectMany(s => s.Stratum).Select(s => (Report: r, Stratum: s))).ToList();
        var published = report.Rows.Where(r => r.Status == CellStatus.Published).ToList();
        Assert.Equal(published.Count, strata.Count);
        foreach (var row in published)
        {
            var period = ReportingPeriods.Parse(row.Cell.Grain, row.Cell.Period);
            var stratum = strata.Single(s => s.Report.Period.Start == period.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                && s.Stratum.Component.Single(c => c.Code.Coding[0].Code == "ageBand").Value.Text == row.Cell.AgeBand
                && s.Stratum.Component.Single(c => c.Code.Coding[0].Code == "sex").Value.Coding[0].Code == row.Cell.Sex).Stratum;
            Assert.Equal(row.Studies, (int)stratum.MeasureScore!.Value!.Value);
        }

        // Age strata are ISO 8601 duration ranges (IHE mADX), e.g. P0D--P28D for the 0-27d band.
        var ages = strata.Select(s => s.Stratum.Component.Single(c => c.Code.Coding[0].Code == "ageBand").Value).ToList();
        Assert.All(ages.Where(a => a.Text != "unknown"), a => Assert.Equal(AgeBands.Iso8601Range(AgeBands.All.Single(b => AgeBands.Code(b) == a.Text)), a.Coding[0].Code));
        Assert.Contains(ages, a => a.Coding[0].Code == "P2Y--P12Y");
        Assert.Contains(strata, s => s.Stratum.Component.Any(c => c.Value.Coding[0].System == "http://hl7.org/fhir/administrative-gender"));
    }

    [Fact]
    public async Task A_national_total_is_the_groups_score_and_no_output_carries_an_identifier()
    {
        var (report, exports) = await ReportAsync(new NetworkReportRequest { Table = ReportTables.Activity.Name, Grain = PeriodGrain.Year });
        var fhir = await exports.RenderAsync(report, MediaTypes.FhirJson, CancellationToken.None);

        Assert.Empty(R4Validation.Errors(fhir.Content));
        var total = report.Rows.Where(r => r.Status == CellStatus.Published).MaxBy(r => r.Studies)!;
        var measureReport = FhirJson.Parse<Bundle>(fhir.Content).Entry.Select(e => (MeasureReport)e.Resource!)
            .Single(m => m.Period.Start == ReportingPeriods.Parse(PeriodGrain.Year, total.Cell.Period).Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(total.Studies, (int?)measureReport.Group[0].MeasureScore?.Value);
        Assert.Equal(total.Studies, measureReport.Group[0].Population.Single().Count);

        var everything = new StringBuilder(fhir.Content);
        foreach (var format in new[] { MediaTypes.Adx, MediaTypes.Dhis2DataValueSets })
        {
            everything.Append((await exports.RenderAsync(report, format, CancellationToken.None)).Content);
        }

        var text = everything.ToString();
        foreach (var patient in network.Studies.Select(s => s.Patient).OfType<Features.Studies.PatientReference>().Take(50))
        {
            Assert.DoesNotContain(patient.Id, text, StringComparison.Ordinal);
            Assert.DoesNotContain(patient.Name!, text, StringComparison.Ordinal);
        }

        Assert.DoesNotMatch(new Regex(@"\bP\d{6}\b"), text);
    }

    private async Task<(SeriesReport Series, SeriesExports Exports)> PneumoniaSeriesAsync()
    {
        var (queries, tenants) = await Shared.Value;
        var caller = new Caller(network.Association.Id, "analyst", new HashSet<string> { Roles.ReportsRead }, "corr");
        var (status, series) = await queries.SeriesAsync(caller, GeneratedNetwork.PneumoniaModel + "/result", "pneumonia", PeriodGrain.Year, null, null, CancellationToken.None);
        Assert.Equal(ReportQueryStatus.Ok, status);
        return (series!, new SeriesExports(new ReportExports(tenants, Mapping), tenants));
    }

    [Fact]
    public async Task A_series_exports_to_adx_and_data_value_sets_as_the_published_numerators_and_denominators()
    {
        var (series, exports) = await PneumoniaSeriesAsync();

        var adx = await exports.RenderAsync(series, MediaTypes.Adx, CancellationToken.None);
        Assert.Equal(ReportExportStatus.Ok, adx.Status);
        Assert.Empty(AdxSchema.Errors(adx.Content));

        var dvs = await exports.RenderAsync(series, MediaTypes.Dhis2DataValueSets, CancellationToken.None);
        Assert.Equal(ReportExportStatus.Ok, dvs.Status);
        var studies = JsonSerializer.Deserialize<JsonElement>(dvs.Content).GetProperty("dataValues").EnumerateArray()
            .Where(v => v.GetProperty("dataElement").GetString()!.StartsWith("VNCH_CXR_PNEUMONIA_STUDIES_", StringComparison.Ordinal))
            .ToDictionary(v => (v.GetProperty("dataElement").GetString()!, v.GetProperty("orgUnit").GetString()!, v.GetProperty("period").GetString()!), v => v.GetProperty("value").GetString());
        var expected = new Dictionary<(string, string, string), string?>();
        foreach (var point in series.Points)
        {
            var orgUnit = Mapping.ProvinceOrgUnits[point.Province];
            if (point.Numerator.Studies is { } numerator)
            {
                expected[("VNCH_CXR_PNEUMONIA_STUDIES_BY_CXR_RESULT", orgUnit, point.Period)] = numerator.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (point.Denominator.Studies is { } denominator)
            {
                expected[("VNCH_CXR_PNEUMONIA_STUDIES_TOTAL", orgUnit, point.Period)] = denominator.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected.OrderBy(e => e.Key), studies.OrderBy(e => e.Key));
    }

    [Fact]
    public async Task A_series_measure_report_is_valid_r4_with_numerator_denominator_and_rate_per_province()
    {
        var (series, exports) = await PneumoniaSeriesAsync();

        var export = await exports.RenderAsync(series, MediaTypes.FhirJson, CancellationToken.None);

        Assert.Equal(ReportExportStatus.Ok, export.Status);
        Assert.Empty(R4Validation.Errors(export.Content));
        var reports = FhirJson.Parse<Bundle>(export.Content).Entry.Select(e => (MeasureReport)e.Resource!).ToList();
        Assert.Equal(series.Points.Select(p => p.Period).Distinct().Count(), reports.Count);
        foreach (var point in series.Points)
        {
            var report = reports.Single(r => r.Period!.Start!.StartsWith(point.Period, StringComparison.Ordinal));
            var stratum = Assert.Single(Assert.Single(report.Group).Stratifier).Stratum.Single(s => s.Value!.Coding[0].Code == point.Province);
            Assert.Equal(point.Numerator.Studies, stratum.Population.SingleOrDefault(p => p.Code!.Coding[0].Code == "numerator")?.Count);
            Assert.Equal(point.Denominator.Studies, stratum.Population.SingleOrDefault(p => p.Code!.Coding[0].Code == "denominator")?.Count);
            Assert.Equal(point.Rate is { } rate ? decimal.Round((decimal)rate, 4) : (decimal?)null, stratum.MeasureScore?.Value);
        }

        Assert.Contains(series.Points, p => p.Rate is not null);
    }
}
