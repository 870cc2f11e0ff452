using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded;
using VNCH.Network.Testing;

namespace VNCH.Network.Benchmarks.Layout;

/// <summary>
/// The study listing of one hospital as it grows (embedded SQLite store): studies are saved up to each size in the
/// list (default 1k, 10k, 100k), and at each size the first page, a deep page (the middle of the list, reached by
/// continuation tokens) and filtered pages (status, kind, modality, since) are timed, median of repeated reads.
/// Keyset paging on indexes makes each figure flat in the hospital's size (ADR 0110).
/// Usage: hospital-100k [MAX=100000] [PAGE=50]
/// </summary>
public static class HospitalListingBench
{
    private const int Repeats = 25;
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static int Run(string[] args)
    {
        var max = LayoutArguments.At(args, 1, 100_000);
        var pageSize = LayoutArguments.At(args, 2, 50);
        return RunAsync(max, pageSize).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int max, int pageSize)
    {
        using var data = new TempDirectory("vnch-bench-hospital");
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddVnchCore(new ConfigurationBuilder().Build()).AddVnchEmbeddedStorage(o => o.DataPath = data.Path);
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IStudyStore>();
        var tenant = TenantId.Parse("bench-hospital");
        var other = TenantId.Parse("bench-other"); // another hospital of the same size shares the database

        Console.WriteLine($"hospital listing: page size {pageSize}, median of {Repeats} reads, {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}, embedded SQLite");
        Console.WriteLine($"{"studies",9} {"first page",11} {"deep page",10} {"status=failed",14} {"kind=ecg",9} {"modality=CT",12} {"since (last 10%)",17} {"load s",7}");
        var saved = 0;
        foreach (var size in new[] { 1_000, 10_000, 100_000, 1_000_000 }.Where(s => s <= max))
        {
            var loading = Stopwatch.StartNew();
            for (; saved < size; saved++)
            {
                await store.SaveAsync(Study(tenant, saved), CancellationToken.None);
                await store.SaveAsync(Study(other, saved), CancellationToken.None);
            }

            loading.Stop();
            var deepToken = await TokenOfPageAsync(store, tenant, size / pageSize / 2, pageSize);
            var since = Start.AddMinutes(size * 0.9);
            Console.WriteLine($"{size,9} {await TimeAsync(store, tenant, new StudyQuery { PageSize = pageSize }),8:F3} ms" +
                $" {await TimeAsync(store, tenant, new StudyQuery { PageSize = pageSize, ContinuationToken = deepToken }),7:F3} ms" +
                $" {await TimeAsync(store, tenant, new StudyQuery { PageSize = pageSize, Status = StudyStatus.Failed }),11:F3} ms" +
                $" {await TimeAsync(store, tenant, new StudyQuery { PageSize = pageSize, Kind = StudyKind.Ecg }),6:F3} ms" +
                $" {await TimeAsync(store, tenant, new StudyQuery { PageSize = pageSize, Modality = "CT" }),9:F3} ms" +
                $" {await TimeAsync(store, tenant, new StudyQuery { PageSize = pageSize, Since = since }),14:F3} ms" +
                $" {loading.Elapsed.TotalSeconds,7:F1}");
        }

        return 0;
    }

    /// <summary>A finished study updated one minute after the previous; 1 in 20 failed, 1 in 10 CT, 1 in 25 an ECG.</summary>
    private static Study Study(TenantId tenant, int index)
    {
        var ecg = index % 25 == 7;
        var at = Start.AddMinutes(index);
        var study = new Study
        {
            Id = StudyIds.Uuid($"bench|{tenant}|{index}"),
            Tenant = tenant,
            SubjectKey = StudyIds.StudySubjectKey(tenant, $"{index}"),
            Kind = ecg ? StudyKind.Ecg : StudyKind.Imaging,
            StudyInstanceUid = $"1.2.826.0.1.{index}",
            Patient = new PatientReference("urn:oid:1.2.3", $"P-{index % 40_000}", "Nguyễn^Văn An", new DateOnly(2020, 1, 1), AdministrativeSex.Male),
            Modality = ecg ? "ECG" : index % 10 == 3 ? "CT" : "CR",
            InstanceCount = ecg ? 1 : index % 10 == 3 ? 300 : 2,
            FirstReceivedAt = at,
        };
        study.Receive(at);
        study.MarkQueued(at);
        study.StartAnalysis(at);
        if (index % 20 == 5)
        {
            study.Fail(at, new StatusReason("processing-failure", "bench"));
        }
        else
        {
            study.Complete(at);
        }

        return study;
    }

    private static async Task<string> TokenOfPageAsync(IStudyStore store, TenantId tenant, int page, int pageSize)
    {
        string? token = null;
        for (var i = 0; i < Math.Max(page, 1); i++)
        {
            token = (await store.QueryAsync(tenant, new StudyQuery { PageSize = pageSize, ContinuationToken = token }, CancellationToken.None)).ContinuationToken;
        }

        return token ?? throw new InvalidOperationException("The listing ended before the deep page.");
    }

    private static async Task<double> TimeAsync(IStudyStore store, TenantId tenant, StudyQuery query)
    {
        var times = new List<double>();
        for (var i = 0; i < Repeats + 3; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var page = await store.QueryAsync(tenant, query, CancellationToken.None);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (page.Items.Count == 0)
            {
                throw new InvalidOperationException("An empty page measures nothing.");
            }

            if (i >= 3)
            {
                times.Add(elapsed); // the first reads warm the statement cache
            }
        }

        return StudyLayoutBench.Median(times);
    }
}
