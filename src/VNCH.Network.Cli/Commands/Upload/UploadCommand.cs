using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Cli.Commands.Remote;
using VNCH.Network.Core;

namespace VNCH.Network.Cli.Commands.Upload;

/// <summary>
/// `vnch upload`: sends every study found under the given files and folders through the public API
/// (POST /api/v1/studies; DICOM batched as STOW-RS multipart), in parallel, with retries, a resumable journal and a
/// summary. Exit code 0 only when nothing was rejected or failed.
/// </summary>
public sealed class UploadCommand : AsyncCommand<UploadCommand.Settings>
{
    private const long MaxBatchBytes = 64L << 20;

    // Up to this much of a batch is read once into memory, hashed and sent from the same buffer; the rest is
    // streamed from disk (read twice: hash, then send) so --parallel never holds more than this per request.
    private const long InMemoryBatchBytes = 16L << 20;

    public sealed class Settings : ServerSettings
    {
        [CommandArgument(0, "<PATHS>")]
        [Description("Files and folders (searched recursively); studies are recognised by content, not by extension.")]
        public string[] Paths { get; init; } = [];

        [CommandOption("--parallel <N>")]
        [Description("Requests in flight at once (default 4).")]
        public int Parallel { get; init; } = 4;

        [CommandOption("--batch <N>")]
        [Description("DICOM instances per STOW-RS multipart request (default 20, at most 64 MiB).")]
        public int Batch { get; init; } = 20;

        [CommandOption("--retries <N>")]
        [Description("Retries of a request on 429, 5xx or a lost connection, with exponential backoff (default 5).")]
        public int Retries { get; init; } = 5;

        [CommandOption("--journal <FILE>")]
        [Description("The resume journal (JSON lines); default: one per server under the user's local application data.")]
        public string? Journal { get; init; }

        [CommandOption("--plain")]
        [Description("Plain progress lines even on a terminal.")]
        public bool Plain { get; init; }

        public override ValidationResult Validate() =>
            Paths.Length == 0 ? ValidationResult.Error("Give at least one file or folder.")
            : Parallel is < 1 or > 64 ? ValidationResult.Error("--parallel must be between 1 and 64.")
            : Batch is < 1 or > 1000 ? ValidationResult.Error("--batch must be between 1 and 1000.")
            : Retries is < 0 or > 20 ? ValidationResult.Error("--retries must be between 0 and 20.")
            : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var found = StudyFileScanner.Expand(settings.Paths).Select(StudyFileScanner.Recognise).ToList();
        var studies = found.Where(f => f.MediaType is not null).ToList();
        var results = new ConcurrentBag<UploadResult>(
            found.Where(f => f.MediaType is null).Select(f => new UploadResult(f.Path, UploadResult.Skipped, f.Length, Message: f.SkipReason)));

        using var http = new VnchHttp(settings, RetryOptions.Default with { Retries = settings.Retries });
        using var journal = new UploadJournal(settings.Journal ?? UploadJournal.DefaultPath(http.BaseUrl), http.BaseUrl);
        var status = settings.Json ? Console.Error : Console.Out;
        foreach (var skipped in results)
        {
            status.WriteLine($"skipped   {skipped.Path} ({skipped.Message})");
        }

        var live = !settings.Plain && !settings.Json && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        string? fatal = null;
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await UploadProgressDisplay.RunAsync(live, status, studies.Count, studies.Sum(f => f.Length), async progress =>
        {
            void Complete(UploadResult result)
            {
                results.Add(result);
                progress.Completed(result);
            }

            var options = new ParallelOptions { MaxDegreeOfParallelism = settings.Parallel, CancellationToken = abort.Token };
            try
            {
                await System.Threading.Tasks.Parallel.ForEachAsync(Batches(studies, settings.Batch), options, async (batch, ct) =>
                {
                    var toSend = new List<PreparedFile>();
                    long inMemory = 0;
                    foreach (var file in batch)
                    {
                        var content = inMemory + file.Length <= InMemoryBatchBytes ? await File.ReadAllBytesAsync(file.Path, ct) : null;
                        inMemory += content?.Length ?? 0;
                        var sha = content is null ? await HashAsync(file.Path, ct) : Convert.ToHexStringLower(SHA256.HashData(content));
                        if (journal.Find(sha) is { } known)
                        {
                            // The server gave its verdict on this content before: not sent again.
                            Complete(new UploadResult(file.Path, known.Status, file.Length, file.MediaType, sha, known.StudyId, known.Reason, known.Message, FromJournal: true));
                        }
                        else
                        {
                            toSend.Add(new PreparedFile(file, sha, content));
                        }
                    }

                    if (toSend.Count > 0)
                    {
                        foreach (var result in await SendAsync(http, toSend, journal, ct))
                        {
                            Complete(result);
                        }
                    }
                });
            }
            catch (ApiException ex) when (ex.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                fatal = ex.Message;
            }
        });

        var sent = results.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var file in studies.Where(f => !sent.Contains(f.Path)))
        {
            results.Add(new UploadResult(file.Path, UploadResult.Failed, file.Length, file.MediaType, Reason: "not-sent", Message: fatal ?? "The run stopped before this file was sent."));
        }

        var ordered = results.OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
        var summary = UploadSummary.From(ordered, clock.Elapsed);
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { server = http.BaseUrl, journal = journal.Path, summary, files = ordered }, JsonOutput.Options));
        }
        else
        {
            UploadSummary.Write(summary, ordered, journal.Path);
        }

        if (fatal is not null)
        {
            await Console.Error.WriteLineAsync($"error: the server refused the credentials: {fatal}");
        }

        return summary.Rejected + summary.Failed == 0 ? 0 : 1;
    }

    /// <summary>DICOM instances travel in STOW-RS multipart batches; every other document alone.</summary>
    private static IEnumerable<List<FoundFile>> Batches(IReadOnlyList<FoundFile> files, int batchSize)
    {
        var batch = new List<FoundFile>();
        long bytes = 0;
        foreach (var file in files)
        {
            if (file.MediaType != MediaTypes.Dicom)
            {
                yield return [file];
                continue;
            }

            if (batch.Count > 0 && (batch.Count >= batchSize || bytes + file.Length > MaxBatchBytes))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }

            batch.Add(file);
            bytes += file.Length;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <summary>A file about to be sent: its content hash and, when small enough, its bytes (read once).</summary>
    private sealed record PreparedFile(FoundFile File, string Sha256, byte[]? Content);

    private static async Task<IReadOnlyList<UploadResult>> SendAsync(
        VnchHttp http, List<PreparedFile> files, UploadJournal journal, CancellationToken cancellationToken)
    {
        UploadResult Result(PreparedFile f, string status, string? studyId = null, string? reason = null, string? message = null) =>
            new(f.File.Path, status, f.File.Length, f.File.MediaType, f.Sha256, studyId, reason, message);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(() => Request(files), cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return files.Select(f => Result(f, UploadResult.Failed, reason: "unreachable", message: ex.Message)).ToList();
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new ApiException(response.StatusCode, await ApiException.DescribeAsync(response, cancellationToken));
            }

            var instances = await InstancesAsync(response, cancellationToken);
            if (instances is null || instances.Count != files.Count)
            {
                // No per-document verdict (a problem for the whole request, or retries spent): nothing to journal.
                var status = VnchHttp.IsTransient(response.StatusCode) ? UploadResult.Failed : UploadResult.Rejected;
                var message = await ApiException.DescribeAsync(response, cancellationToken);
                return files.Select(f => Result(f, status, reason: $"http-{(int)response.StatusCode}", message: message)).ToList();
            }

            var results = new List<UploadResult>();
            var verdicts = new List<JournalEntry>();
            foreach (var (file, instance) in files.Zip(instances))
            {
                var verdict = instance.GetProperty("status").GetString() switch
                {
                    "accepted" => UploadResult.Accepted,
                    "duplicate" => UploadResult.Duplicate,
                    _ => UploadResult.Rejected,
                };
                var studyId = Text(instance, "studyId");
                var reason = Text(instance, "reason");
                var message = Text(instance, "message");
                verdicts.Add(journal.Entry(file.Sha256, file.File.Path, file.File.Length, verdict, studyId, reason, message));
                results.Add(Result(file, verdict, studyId, reason, message));
            }

            journal.Record(verdicts); // one write and flush per request, not per file
            return results;
        }
    }

    private static HttpRequestMessage Request(IReadOnlyList<PreparedFile> files)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/studies");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.Json));
        if (files.Count == 1)
        {
            request.Content = FileContent(files[0]);
            return request;
        }

        var multipart = new MultipartContent("related", $"vnch-{Guid.NewGuid():N}");
        multipart.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", $"\"{MediaTypes.Dicom}\""));
        foreach (var file in files)
        {
            multipart.Add(FileContent(file));
        }

        request.Content = multipart;
        return request;
    }

    private static HttpContent FileContent(PreparedFile file)
    {
        HttpContent content = file.Content is { } bytes
            ? new ByteArrayContent(bytes)
            : new StreamContent(new FileStream(file.File.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));
        content.Headers.ContentType = new MediaTypeHeaderValue(file.File.MediaType!);
        return content;
    }

    private static async Task<List<JsonElement>?> InstancesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.Conflict))
        {
            return null;
        }

        try
        {
            var body = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(cancellationToken));
            return body.TryGetProperty("instances", out var instances) ? instances.EnumerateArray().ToList() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
