using Microsoft.Extensions.Options;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Reporting.Disclosure;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Tests.Reporting;

/// <summary>The report read path: a hospital sees only its own cells, the association the network, every request audited.</summary>
public sealed class ReportQueriesTests
{
    private readonly GeneratedNetwork network = new(80, hospitals: 5);
    private readonly InMemoryAuditSink audit = new();

    private async Task<ReportQueries> QueriesAsync()
    {
        var cube = new InMemoryReportingStore();
        var key = await cube.GetOrCreatePseudonymKeyAsync(CancellationToken.None);
        await cube.ReplaceAllAsync(network.Studies.Select(s => StudyFactProjection.Project(s, network.Hospitals.Single(h => h.Id == s.Tenant), key)).ToList(), CancellationToken.None);
        var snapshots = new ReportSnapshots(cube, Options.Create(new DisclosureOptions { Threshold = 5 }), Options.Create(new ReportSnapshotOptions()), TimeProvider.System);
        return new ReportQueries(snapshots, new InMemoryTenantDirectory([.. network.Tenants]), audit, TimeProvider.System);
    }

    private static Caller CallerOf(TenantId tenant) => new(tenant, "analyst", new HashSet<string> { Roles.ReportsRead }, "corr-1");

    [Fact]
    public async Task A_hospital_sees_only_its_own_hospital_and_the_association_sees_the_network()
    {
        var queries = await QueriesAsync();
        var request = new NetworkReportRequest { Table = "activity", Grain = PeriodGrain.Year, GroupBy = new HashSet<string> { "kind" } };

        var (status, own) = await queries.NetworkAsync(CallerOf(network.Hospitals[0].Id), request with { Filters = new Dictionary<string, string> { ["hospital"] = network.Hospitals[1].Id.Value } }, CancellationToken.None);
        Assert.Equal(ReportQueryStatus.Ok, status);
        Assert.NotEmpty(own!.Rows);
        Assert.All(own.Rows, r => Assert.Equal(network.Hospitals[0].Id.Value, r.Cell.Hospital));

        var (_, national) = await queries.NetworkAsync(CallerOf(network.Association.Id), request, CancellationToken.None);
        Assert.All(national!.Rows, r => Assert.Equal((ReportTables.Total, ReportTables.Total), (r.Cell.Province, r.Cell.Hospital)));
        Assert.Contains(national.Rows, r => r.Studies > 0);
        Assert.All(national.Rows.Where(r => r.Status != CellStatus.Published), r => Assert.Null(r.Studies));
    }

    [Fact]
    public async Task Every_report_request_is_audited_with_its_filters_and_unknown_tables_are_refused()
    {
        var queries = await QueriesAsync();
        await queries.NetworkAsync(CallerOf(network.Association.Id), new NetworkReportRequest { Table = "demography", Filters = new Dictionary<string, string> { ["sex"] = "female" } }, CancellationToken.None);
        var (status, _) = await queries.NetworkAsync(CallerOf(network.Association.Id), new NetworkReportRequest { Table = "no-such-table" }, CancellationToken.None);

        Assert.Equal(ReportQueryStatus.UnknownTable, status);
        Assert.Contains(audit.All, r => r.Action == "report.network" && r.ResourceId == "demography" && r.Detail!.Contains("sex=female", StringComparison.Ordinal) && r.Tenant == network.Association.Id);
        Assert.Contains(audit.All, r => r.Action == "report.network" && r.ResourceId == "no-such-table" && r.Outcome == "not-found");
    }

    [Fact]
    public async Task A_series_gives_numerator_denominator_and_a_rate_only_over_20()
    {
        var queries = await QueriesAsync();
        var (status, series) = await queries.SeriesAsync(CallerOf(network.Association.Id), GeneratedNetwork.PneumoniaModel + "/result", "pneumonia", PeriodGrain.Year, null, null, CancellationToken.None);

        Assert.Equal(ReportQueryStatus.Ok, status);
        Assert.NotEmpty(series!.Points);
        Assert.All(series.Points, p => Assert.Equal(p.Rate is not null, p.Numerator.Studies is not null && p.Denominator.Studies >= 20));
        Assert.Contains(audit.All, r => r.Action == "report.series");
    }
}
