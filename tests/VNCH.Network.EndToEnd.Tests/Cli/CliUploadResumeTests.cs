using System.Text.Json;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Cli;

/// <summary>
/// A hospital pushes a 316-file export with `vnch upload` while the server dies: the interrupted run reports what it
/// could not deliver, the resumed run sends only the rest, every study file ends accepted exactly once, rejected
/// files are listed with the server's reasons, and the exit codes say so.
/// </summary>
public sealed class CliUploadResumeTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly EmbeddedService service = new();
    private readonly MixedStudyFolder folder = new(syntheticDicom: 300);
    private readonly TempDirectory scratch = new("vnch-journal");

    public Task InitializeAsync() => service.InitializeAsync();

    public async Task DisposeAsync()
    {
        await service.DisposeAsync();
        folder.Dispose();
        scratch.Dispose();
    }

    [Fact]
    public async Task An_upload_interrupted_by_a_server_crash_resumes_and_every_file_is_accepted_exactly_once()
    {
        Assert.True(folder.Count >= 300);
        var journal = Path.Combine(scratch.Path, "journal.jsonl");
        string[] Upload(int retries) =>
        [
            "upload", folder.Root, "--json", "--journal", journal, "--parallel", "2", "--batch", "5", "--retries", retries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--server", service.Server.BaseAddress.ToString(), "--token", service.TokenA,
        ];

        // Run 1: the server is killed once 40 verdicts are journaled; no retries, so the run ends with what it could not send.
        (int ExitCode, JsonElement Report, string Stderr) first;
        using (var run = CliProcess.Start(Upload(retries: 0)))
        {
            while (JournalLines(journal) < 40)
            {
                Assert.False(run.HasExited, "The upload finished before the server could be killed mid-run.");
                await Task.Delay(10);
            }

            await service.KillAsync();
            var (exitCode, stdout, stderr) = await run.WaitAsync(Timeout);
            first = (exitCode, CliProcess.Parse(stdout, stderr), stderr);
        }

        Assert.Equal(1, first.ExitCode);
        var firstFiles = Files(first.Report);
        Assert.Equal(folder.Count, firstFiles.Count);
        var delivered = firstFiles.Where(f => f.Value.Status is "accepted" or "duplicate" or "rejected").Select(f => f.Key).ToHashSet();
        var undelivered = firstFiles.Where(f => f.Value.Status == "failed").Select(f => f.Key).ToHashSet();
        Assert.InRange(delivered.Count, 40, folder.Count - folder.Skipped.Count - 1);
        Assert.Equal(folder.Count - folder.Skipped.Count, delivered.Count + undelivered.Count);
        Assert.All(undelivered, f => Assert.False(string.IsNullOrEmpty(firstFiles[f].Message)));
        AssertSummary(first.Report, firstFiles);

        // Run 2, after the restart: resumes from the journal, sends only what was not delivered.
        await service.RestartAsync(samePort: true);
        var second = await CliProcess.RunJsonAsync(Timeout, Upload(retries: 5));

        Assert.True(second.ExitCode == 1, second.Stderr); // two files are rejected, so not 0
        var files = Files(second.Report);
        Assert.Equal(folder.Count, files.Count);
        AssertSummary(second.Report, files);
        Assert.Equal(0, second.Report.GetProperty("summary").GetProperty("failed").GetInt32());
        Assert.All(folder.Skipped, f => Assert.Equal("skipped", files[f].Status));
        Assert.All(folder.Rejected, f =>
        {
            Assert.Equal("rejected", files[f].Status);
            Assert.False(string.IsNullOrEmpty(files[f].Reason));
            Assert.False(string.IsNullOrEmpty(files[f].Message));
        });

        foreach (var file in folder.Accepted)
        {
            var (status, _, _, fromJournal) = files[file];
            if (delivered.Contains(file))
            {
                // Not sent again: the journal holds run 1's verdict.
                Assert.True(fromJournal, file);
                Assert.Equal("accepted", status);
            }
            else
            {
                // Sent in run 2: accepted, or "duplicate" only when run 1's request reached the server before it died.
                Assert.False(fromJournal, file);
                Assert.Contains(status, new[] { "accepted", "duplicate" });
                Assert.True(status == "accepted" || undelivered.Contains(file), file);
            }
        }

        // The server holds each accepted file once: one instance per file, in non-rejected studies.
        using var client = service.Client(service.TokenA);
        var studies = await EmbeddedService.ListAllAsync(client);
        Assert.Equal(folder.Accepted.Count, studies.Where(s => s.GetProperty("status").GetString() != "rejected").Sum(s => s.GetProperty("instanceCount").GetInt32()));

        // Run 3 without the rejected files: everything is known, nothing is sent, exit code 0.
        foreach (var rejected in folder.Rejected)
        {
            File.Delete(rejected);
        }

        var third = await CliProcess.RunJsonAsync(Timeout, Upload(retries: 5));
        Assert.True(third.ExitCode == 0, third.Stderr);
        Assert.Equal(folder.Accepted.Count, third.Report.GetProperty("summary").GetProperty("fromJournal").GetInt32());
        Assert.Equal(0, third.Report.GetProperty("summary").GetProperty("bytes").GetInt64());
    }

    private static int JournalLines(string journal)
    {
        try
        {
            using var stream = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Count(c => c == '\n');
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }

    private static Dictionary<string, (string Status, string? Reason, string? Message, bool FromJournal)> Files(JsonElement report) =>
        report.GetProperty("files").EnumerateArray().ToDictionary(
            f => f.GetProperty("path").GetString()!,
            f => (f.GetProperty("status").GetString()!, f.GetProperty("reason").GetString(), f.GetProperty("message").GetString(), f.GetProperty("fromJournal").GetBoolean()));

    private static void AssertSummary(JsonElement report, Dictionary<string, (string Status, string? Reason, string? Message, bool FromJournal)> files)
    {
        var summary = report.GetProperty("summary");
        Assert.Equal(files.Count, summary.GetProperty("files").GetInt32());
        foreach (var status in new[] { "accepted", "duplicate", "rejected", "failed", "skipped" })
        {
            Assert.Equal(files.Values.Count(f => f.Status == status), summary.GetProperty(status).GetInt32());
        }

        Assert.Equal(files.Values.Count(f => f.FromJournal), summary.GetProperty("fromJournal").GetInt32());
    }
}
