using System.Net.Http.Headers;
using System.Text.Json;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Cli;

/// <summary>
/// `vnch report network|series` as a process against the embedded server: the JSON and CSV are the API's own answers,
/// the table shows the same cells, other representations pass through as Accept and are refused when not served.
/// </summary>
public sealed class CliReportTests(EmbeddedService service) : IClassFixture<EmbeddedService>
{
    private const int Audiograms = 12; // above the suppression threshold (10) in studies and in children

    private string[] Server(string token) => ["--server", service.Server.BaseAddress.ToString(), "--token", token];

    [Fact]
    public async Task Report_commands_print_the_apis_answers_as_json_csv_and_tables_and_pass_other_formats_through()
    {
        await UploadAudiogramsAsync();
        using var api = service.Client(service.TokenA);

        // JSON: the API's document (same snapshot: one is cut per refresh interval).
        var cli = await BuiltProgram.RunCliAsync(["report", "network", "--group-by", "kind", "--json", .. Server(service.TokenA)]);
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        var report = CliProcess.Parse(cli.Stdout, cli.Stderr);
        var direct = await api.GetStringAsync("/api/v1/reports/network?groupBy=kind");
        Assert.Equal(JsonSerializer.Serialize(JsonSerializer.Deserialize<JsonElement>(direct).GetProperty("rows")), JsonSerializer.Serialize(report.GetProperty("rows")));
        var audiograms = report.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "audiogram");
        Assert.Equal(Audiograms, audiograms.GetProperty("studies").GetInt32());
        Assert.Equal("published", audiograms.GetProperty("status").GetString());

        // CSV: byte for byte what the API gives with Accept: text/csv; a media type given verbatim is the same request.
        var csv = await BuiltProgram.RunCliAsync(["report", "network", "--group-by", "kind", "--csv", .. Server(service.TokenA)]);
        Assert.True(csv.ExitCode == 0, csv.Stderr);
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reports/network?groupBy=kind");
        csvRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var csvAnswer = await api.SendAsync(csvRequest);
        Assert.Equal(await csvAnswer.Content.ReadAsStringAsync(), csv.Stdout);
        Assert.EndsWith($",{Audiograms},{Audiograms},published", csv.Stdout.Split('\n').Single(l => l.Contains(",audiogram,", StringComparison.Ordinal)), StringComparison.Ordinal);
        var verbatim = await BuiltProgram.RunCliAsync(["report", "network", "--group-by", "kind", "--format", "text/csv", .. Server(service.TokenA)]);
        Assert.Equal(csv.Stdout, verbatim.Stdout);

        // Table: the same cells for people.
        var table = await BuiltProgram.RunCliAsync(["report", "network", "--group-by", "kind", .. Server(service.TokenA)]);
        Assert.True(table.ExitCode == 0, table.Stderr);
        var line = table.Stdout.Split('\n').Single(l => l.Contains("audiogram", StringComparison.Ordinal));
        Assert.Contains($" {Audiograms} ", line, StringComparison.Ordinal);
        Assert.Contains("published", line, StringComparison.Ordinal);
        Assert.Contains("activity by month", table.Stdout, StringComparison.Ordinal);

        // A representation the API does not serve is an error, never JSON passed off as it.
        var notServed = await BuiltProgram.RunCliAsync(["report", "network", "--format", "image/png", .. Server(service.TokenA)]);
        Assert.Equal(1, notServed.ExitCode);
        Assert.Contains("does not serve image/png", notServed.Stderr, StringComparison.Ordinal);
        Assert.Equal("", notServed.Stdout);
    }

    [Fact]
    public async Task Series_prints_the_indicator_per_period_with_numerator_and_denominator()
    {
        await UploadAudiogramsAsync();
        var findings = await BuiltProgram.RunCliAsync(["report", "network", "--finding", "audiometry/result", "--group-by", "category", "--json", .. Server(service.TokenA)]);
        Assert.True(findings.ExitCode == 0, findings.Stderr);
        var category = CliProcess.Parse(findings.Stdout, findings.Stderr).GetProperty("rows").EnumerateArray()
            .Select(r => r.GetProperty("category").GetString()).First(c => c is not null and not "*")!;

        var json = await BuiltProgram.RunCliAsync(["report", "series", "--indicator", "audiometry/result", "--category", category, "--json", .. Server(service.TokenA)]);
        Assert.True(json.ExitCode == 0, json.Stderr);
        var series = CliProcess.Parse(json.Stdout, json.Stderr);
        using var api = service.Client(service.TokenA);
        var direct = JsonSerializer.Deserialize<JsonElement>(await api.GetStringAsync($"/api/v1/reports/series?indicator=audiometry%2Fresult&category={Uri.EscapeDataString(category)}"));
        Assert.Equal(JsonSerializer.Serialize(direct.GetProperty("points")), JsonSerializer.Serialize(series.GetProperty("points")));
        var point = series.GetProperty("points").EnumerateArray().First(p => p.GetProperty("denominator").GetProperty("studies").ValueKind == JsonValueKind.Number);

        var table = await BuiltProgram.RunCliAsync(["report", "series", "--indicator", "audiometry/result", "--category", category, .. Server(service.TokenA)]);
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Contains(point.GetProperty("period").GetString()!, table.Stdout, StringComparison.Ordinal);
        Assert.Contains($" {point.GetProperty("denominator").GetProperty("studies").GetInt32()} ", table.Stdout, StringComparison.Ordinal);

        var missing = await BuiltProgram.RunCliAsync(["report", "series", "--category", "x", .. Server(service.TokenA)]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--indicator", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_reports_role_the_server_refuses_and_the_exit_code_is_1()
    {
        var uploader = await service.MintAsync(EmbeddedService.TenantA, "Studies.Upload,Studies.Read");

        var result = await BuiltProgram.RunCliAsync(["report", "network", .. Server(uploader)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("403", result.Stderr, StringComparison.Ordinal);
    }

    private static readonly SemaphoreSlim Uploaded = new(1, 1);
    private static bool done;

    /// <summary>Twelve audiograms of twelve children at hospital A, uploaded with the CLI once per fixture, all final.</summary>
    private async Task UploadAudiogramsAsync()
    {
        await Uploaded.WaitAsync();
        try
        {
            if (done)
            {
                return;
            }

            using var folder = new TempDirectory("vnch-cli-report");
            var example = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json"));
            for (var i = 0; i < Audiograms; i++)
            {
                File.WriteAllText(Path.Combine(folder.Path, $"audiogram-{i:00}.json"), example.Replace("VNCH-000123", $"VNCH-REPORT-{i:00}", StringComparison.Ordinal));
            }

            var upload = await BuiltProgram.RunCliAsync(["upload", folder.Path, "--json", "--journal", Path.Combine(folder.Path, "journal.jsonl"), .. Server(service.TokenA)]);
            Assert.True(upload.ExitCode == 0, upload.Stderr + upload.Stdout);
            using var api = service.Client(service.TokenA);
            await service.WaitForFinalAsync(api, Audiograms);
            done = true;
        }
        finally
        {
            Uploaded.Release();
        }
    }
}
