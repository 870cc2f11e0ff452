using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using VNCH.Network.Dicom;

namespace VNCH.Network.Benchmarks.Service;

/// <summary>
/// Ingestion beside Orthanc in one run, through the same HTTP client (C parallel uploads): per round, N unique instances made from
/// one template (SOP Instance and Study Instance UIDs rewritten: one study each) are stored by Orthanc
/// (<c>POST /instances</c>) and uploaded to our server (<c>POST /api/v1/studies</c>, application/dicom). Prints Orthanc's
/// store rate, our acknowledged rate, our rate to every study final (analysed, FHIR records written: the last final
/// study's <c>updatedAt</c>, found by polling the study list), both ratios and our server's peak RSS (/proc). Then the
/// results API under a fixed request rate from wrk (<c>GET /studies</c>, <c>/studies/{id}</c>, <c>/studies/{id}/fhir</c>)
/// while one client keeps uploading beside it: p50/p99/max and errors. Both servers must run on loopback
/// (tests/VNCH.Network.Benchmarks/ingest-orthanc.sh starts them in a network namespace of their own).
/// Usage: ingest-orthanc --ours URL --token T --orthanc URL --template FILE --server-pid PID --wrk-script FILE
///        [--instances 300] [--rounds 2] [--concurrency 4] [--load-rate 500] [--load-seconds 60 (0: no results-API load)] [--load-connections 50] [--load-uploads 1 (0: the read load alone)]
/// </summary>
public static class IngestOrthancBench
{
    private static readonly HashSet<string> FinalStatuses = ["completed", "reviewed", "rejected", "failed", "no-analyser"];

    public static int Run(string[] args) => RunAsync(Options.Parse(args)).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(Options options)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
        var ours = options.Ours.TrimEnd('/');
        var orthanc = options.Orthanc.TrimEnd('/');
        var template = await File.ReadAllBytesAsync(options.Template);
        var uids = TemplateUids(template);
        var nextExtra = options.Instances * options.Rounds;
        byte[] Extra() => IngestBench.WithUniqueUids(template, Interlocked.Increment(ref nextExtra), uids);

        using var memory = new PeakMemory(options.ServerPid);
        // Warm-up of both (JIT, connections, databases): a few instances outside the measured set.
        for (var i = 0; i < 4; i++)
        {
            var warm = Extra();
            await StoreOrthancAsync(http, orthanc, warm);
            await UploadOursAsync(http, ours, options.Token, warm);
        }

        await WaitFinalAsync(http, ours, options.Token, DateTimeOffset.MinValue, 4);

        // Rounds alternate which server goes first, each with instances of its own, so drift in the machine's load
        // hits both; our next round starts once every study of the last one is final.
        var rounds = new List<Round>();
        FinalState? final = null;
        for (var round = 0; round < options.Rounds; round++)
        {
            var instances = Enumerable.Range(round * options.Instances, options.Instances).Select(i => IngestBench.WithUniqueUids(template, i, uids)).ToList();
            double orthancRate = 0, ackRate = 0, finalRate = 0, orthancCpu = 0, ackCpu = 0, finalCpu = 0, clientCpu = 0;
            var orthancLatencies = new ConcurrentBag<double>();
            var ourLatencies = new ConcurrentBag<double>();
            foreach (var orthancTurn in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                if (orthancTurn)
                {
                    var clock = Stopwatch.StartNew();
                    var orthancCpuBefore = ProcessCpu.Milliseconds(options.OrthancPid);
                    await Parallel.ForEachAsync(instances, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
                        async (bytes, _) => orthancLatencies.Add(await TimedAsync(() => StoreOrthancAsync(http, orthanc, bytes))));
                    orthancRate = options.Instances / clock.Elapsed.TotalSeconds;
                    orthancCpu = (ProcessCpu.Milliseconds(options.OrthancPid) - orthancCpuBefore) / options.Instances;
                    continue;
                }

                var started = DateTimeOffset.UtcNow;
                var ackClock = Stopwatch.StartNew();
                var ourCpuBefore = ProcessCpu.Milliseconds(options.ServerPid);
                var clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
                await Parallel.ForEachAsync(instances, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
                    async (bytes, _) => ourLatencies.Add(await TimedAsync(() => UploadOursAsync(http, ours, options.Token, bytes))));
                ackRate = options.Instances / ackClock.Elapsed.TotalSeconds;
                ackCpu = (ProcessCpu.Milliseconds(options.ServerPid) - ourCpuBefore) / options.Instances;
                clientCpu = (Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - clientCpuBefore) / options.Instances;
                final = await WaitFinalAsync(http, ours, options.Token, started, options.Instances);
                finalRate = options.Instances / (final.LastFinal - started).TotalSeconds;
                finalCpu = (ProcessCpu.Milliseconds(options.ServerPid) - ourCpuBefore) / options.Instances;
            }

            rounds.Add(new Round(orthancRate, ackRate, finalRate, orthancLatencies, ourLatencies, final!.Statuses, orthancCpu, ackCpu, finalCpu, clientCpu));
        }

        string Rates(Func<Round, double> rate) =>
            $"{rounds.Average(rate),8:F1} instances/s  (rounds {string.Join(", ", rounds.Select(r => rate(r).ToString("F1", CultureInfo.InvariantCulture)))})";
        var orthancMean = rounds.Average(r => r.Orthanc);
        Console.WriteLine($"ingest-orthanc benchmark: {options.Rounds} rounds of {options.Instances} unique instances of {template.Length / 1024} KiB ({Path.GetFileName(options.Template)}, one study each), " +
            $"{options.Concurrency} concurrent uploads from one .NET HttpClient, rounds alternating which server goes first; {Environment.ProcessorCount} logical CPUs shared by the client and both servers, .NET {Environment.Version}");
        Console.WriteLine($"orthanc stored        {Rates(r => r.Orthanc)}; store call p50 {IngestBench.Percentile(rounds.SelectMany(r => r.OrthancLatencies), 0.5):F1} ms, p99 {IngestBench.Percentile(rounds.SelectMany(r => r.OrthancLatencies), 0.99):F1} ms");
        Console.WriteLine($"vnch acknowledged     {Rates(r => r.Acknowledged)}; upload call p50 {IngestBench.Percentile(rounds.SelectMany(r => r.OurLatencies), 0.5):F1} ms, p99 {IngestBench.Percentile(rounds.SelectMany(r => r.OurLatencies), 0.99):F1} ms");
        Console.WriteLine($"vnch final (analysed) {Rates(r => r.Final)}; last round {string.Join(", ", rounds[^1].Statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}"))}");
        Console.WriteLine($"ratio acknowledged / orthanc {rounds.Average(r => r.Acknowledged) / orthancMean:F2} (rounds {string.Join(", ", rounds.Select(r => (r.Acknowledged / r.Orthanc).ToString("F2", CultureInfo.InvariantCulture)))})   " +
            $"ratio final / orthanc {rounds.Average(r => r.Final) / orthancMean:F2} (rounds {string.Join(", ", rounds.Select(r => (r.Final / r.Orthanc).ToString("F2", CultureInfo.InvariantCulture)))})");
        Console.WriteLine($"process CPU per instance: orthanc storing {rounds.Average(r => r.OrthancCpuMs):F2} ms; vnch until acknowledged {rounds.Average(r => r.AckCpuMs):F2} ms, " +
            $"until final {rounds.Average(r => r.FinalCpuMs):F2} ms (the list polling included); this client during our uploads {rounds.Average(r => r.ClientCpuMs):F2} ms");
        Console.WriteLine($"vnch peak RSS during ingestion {memory.PeakMegabytes:F0} MB");

        if (options.LoadSeconds > 0) // 0: the ingest part only
        {
            await LoadTestAsync(http, options, final!.StudyIds, Extra);
        }

        Console.WriteLine($"vnch peak RSS over the whole run {memory.PeakMegabytes:F0} MB (VmHWM {memory.HighWaterMarkMegabytes():F0} MB)");
        return 0;
    }

    /// <summary>wrk at a fixed rate (calibrated in a short first run) while one client keeps uploading.</summary>
    private static async Task LoadTestAsync(HttpClient http, Options options, IReadOnlyList<string> studyIds, Func<byte[]> extra)
    {
        var paths = studyIds.Take(20).SelectMany(id => new[] { "/api/v1/studies", $"/api/v1/studies/{id}", $"/api/v1/studies/{id}/fhir" }).ToList();
        var calibration = await RunWrkAsync(options, paths, options.LoadRate, 5);
        var asked = Math.Clamp(options.LoadRate * options.LoadRate / calibration.Rate, options.LoadRate, options.LoadRate * 3.0);

        using var stop = new CancellationTokenSource();
        var uploads = 0;
        var uploadFailures = 0;
        var uploader = Task.Run(async () =>
        {
            while (options.LoadUploads && !stop.IsCancellationRequested)
            {
                try
                {
                    await UploadOursAsync(http, options.Ours.TrimEnd('/'), options.Token, extra());
                    Interlocked.Increment(ref uploads);
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref uploadFailures);
                }
            }
        });
        var result = await RunWrkAsync(options, paths, asked, options.LoadSeconds);
        await stop.CancelAsync();
        await uploader;
        Console.WriteLine($"results API under wrk ({options.LoadConnections} connections, 2 threads, fixed-rate.lua waits between requests; asked {asked:F0}/s after a 5 s calibration), " +
            $"GET /studies, /studies/{{id}}, /studies/{{id}}/fhir over {Math.Min(20, studyIds.Count)} studies, {options.LoadSeconds} s, {(options.LoadUploads ? "one client uploading beside it" : "no uploads beside it (--load-uploads 0)")}:");
        Console.WriteLine($"  {result.Rate:F1} requests/s ({result.Requests} requests)   p50 {result.P50Ms:F2} ms   p99 {result.P99Ms:F2} ms   max {result.MaxMs:F1} ms   " +
            $"errors {result.Errors} (connect/read/write/status/timeout {result.ErrorDetail})");
        Console.WriteLine($"  uploads beside it: {uploads} acknowledged ({uploads / (double)options.LoadSeconds:F1}/s), {uploadFailures} failed");
    }

    private static async Task<WrkResult> RunWrkAsync(Options options, IReadOnlyList<string> paths, double rate, int seconds)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     "-t2", $"-c{options.LoadConnections}", $"-d{seconds}s", "--timeout", "5s", "-s", options.WrkScript,
                     "-H", $"Authorization: Bearer {options.Token}", options.Ours, "--",
                     rate.ToString("F0", CultureInfo.InvariantCulture), options.LoadConnections.ToString(CultureInfo.InvariantCulture),
                 }.Concat(paths))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start");
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result: {output}{errors}");
        var values = line[7..].Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
        return new WrkResult(values["requests"], values["requests"] / (values["duration_us"] / 1e6), values["p50_us"] / 1e3, values["p99_us"] / 1e3, values["max_us"] / 1e3,
            values["connect"] + values["read"] + values["write"] + values["status"] + values["timeout"],
            $"{values["connect"]}/{values["read"]}/{values["write"]}/{values["status"]}/{values["timeout"]}");
    }

    /// <summary>Polls the study list until <paramref name="count"/> studies created since <paramref name="since"/> are final.</summary>
    private static async Task<FinalState> WaitFinalAsync(HttpClient http, string ours, string token, DateTimeOffset since, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var studies = new List<(string Id, string Status, DateTimeOffset Updated)>();
            string? continuation = null;
            do
            {
                var url = $"{ours}/api/v1/studies?pageSize=200" + (continuation is null ? "" : "&continuationToken=" + Uri.EscapeDataString(continuation));
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
                foreach (var item in json.RootElement.GetProperty("items").EnumerateArray())
                {
                    if (item.GetProperty("createdAt").GetDateTimeOffset() >= since)
                    {
                        studies.Add((item.GetProperty("id").GetString()!, item.GetProperty("status").GetString()!, item.GetProperty("updatedAt").GetDateTimeOffset()));
                    }
                }

                continuation = json.RootElement.TryGetProperty("continuationToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            }
            while (continuation is not null);

            var final = studies.Where(s => FinalStatuses.Contains(s.Status)).ToList();
            if (final.Count >= count)
            {
                return new FinalState(final.Max(s => s.Updated), final.Select(s => s.Id).ToList(),
                    final.GroupBy(s => s.Status).ToDictionary(g => g.Key, g => g.Count()));
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(15))
            {
                throw new TimeoutException($"Only {final.Count} of {count} studies final after 15 minutes.");
            }

            await Task.Delay(250);
        }
    }

    private static async Task<double> TimedAsync(Func<Task> call)
    {
        var started = Stopwatch.GetTimestamp();
        await call();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task UploadOursAsync(HttpClient http, string ours, string token, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        using var request = new HttpRequestMessage(HttpMethod.Post, ours + "/api/v1/studies") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"vnch refused an upload: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task StoreOrthancAsync(HttpClient http, string orthanc, byte[] bytes)
    {
        if (await DicomWebOrthancBench.StoreOrthancAsync(http, orthanc, bytes) is null)
        {
            throw new InvalidOperationException("Orthanc refused an instance");
        }
    }

    internal static string[] TemplateUids(byte[] template)
    {
        var data = DicomReader.Read(template, new DicomReadOptions { PixelDataMode = PixelDataMode.Reference }).Dataset;
        return [.. new[] { DicomTags.SOPInstanceUID, DicomTags.StudyInstanceUID }.Select(tag =>
            data.TryGetString(tag, out var uid) ? uid.Trim('\0', ' ') : throw new InvalidDataException("The template has no SOP Instance or Study Instance UID."))];
    }

    /// <summary>Samples the server's resident set every 100 ms (VmRSS) and reads its high-water mark (VmHWM).</summary>
    internal sealed class PeakMemory : IDisposable
    {
        private readonly int pid;
        private readonly Timer timer;
        private long peakKilobytes;

        public PeakMemory(int pid)
        {
            this.pid = pid;
            timer = new Timer(_ => Interlocked.Exchange(ref peakKilobytes, Math.Max(Interlocked.Read(ref peakKilobytes), Field("VmRSS:"))), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        }

        public double PeakMegabytes => Interlocked.Read(ref peakKilobytes) / 1024.0;

        public double HighWaterMarkMegabytes() => Field("VmHWM:") / 1024.0;

        public void Dispose() => timer.Dispose();

        private long Field(string name)
        {
            try
            {
                var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
                return line is null ? 0 : long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }

    private sealed record Round(double Orthanc, double Acknowledged, double Final, IEnumerable<double> OrthancLatencies, IEnumerable<double> OurLatencies,
        IReadOnlyDictionary<string, int> Statuses, double OrthancCpuMs, double AckCpuMs, double FinalCpuMs, double ClientCpuMs);

    /// <summary>A process's user + system CPU time from <c>/proc/{pid}/stat</c> (clock ticks of 10 ms on Linux).</summary>
    private static class ProcessCpu
    {
        public static double Milliseconds(int pid)
        {
            if (pid <= 0)
            {
                return double.NaN;
            }

            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the command: state is field 3, utime 14 and stime 15 (proc(5)), so indexes 11 and 12 here.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
        }
    }

    private sealed record FinalState(DateTimeOffset LastFinal, IReadOnlyList<string> StudyIds, IReadOnlyDictionary<string, int> Statuses);

    private sealed record WrkResult(long Requests, double Rate, double P50Ms, double P99Ms, double MaxMs, long Errors, string ErrorDetail);

    private sealed record Options(string Ours, string Token, string Orthanc, string Template, int ServerPid, int OrthancPid, string WrkScript,
        int Instances, int Rounds, int Concurrency, int LoadRate, int LoadSeconds, int LoadConnections, bool LoadUploads)
    {
        public static Options Parse(string[] args)
        {
            var named = new NamedArguments(args);
            return new Options(named.Required("--ours"), named.Required("--token"), named.Required("--orthanc"), named.Required("--template"),
                int.Parse(named.Required("--server-pid"), CultureInfo.InvariantCulture), named.Number("--orthanc-pid", 0), named.Required("--wrk-script"),
                named.Number("--instances", 300), named.Number("--rounds", 2), named.Number("--concurrency", 4), named.Number("--load-rate", 500),
                named.Number("--load-seconds", 60), named.Number("--load-connections", 50), named.Number("--load-uploads", 1) != 0);
        }
    }
}
