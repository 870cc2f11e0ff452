using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using VNCH.Network.Dicom;

namespace VNCH.Network.Benchmarks.Service;

/// <summary>
/// The DICOMweb read side against Orthanc on the same files in the same run, through the same HTTP client:
/// WADO-RS instances retrieved per second (multipart/related, stored transfer syntax) and rendered frames per second
/// (JPEG). Both servers must already run on loopback (tests/VNCH.Network.Benchmarks/dicomweb-orthanc.sh starts them
/// in a network namespace of their own). The corpus files of CATALOG.tsv are stored into both; only instances both
/// serve (and, for rendering, both render) are measured. Rounds alternate between the servers so drift in the
/// machine's load hits both; every request's body is read to the end.
/// Usage: dicomweb-orthanc --ours URL --token TOKEN --orthanc URL --data DIR [--requests 300] [--concurrency 4] [--rounds 2]
/// </summary>
public static class DicomWebOrthancBench
{
    private const string AnySyntax = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";

    public static int Run(string[] args)
    {
        var options = Options.Parse(args);
        return RunAsync(options).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(Options options)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
        var ours = new Server("vnch", options.Ours.TrimEnd('/') + "/api/v1/dicomweb", options.Token);
        var orthanc = new Server("orthanc", options.Orthanc.TrimEnd('/') + "/dicom-web", null);

        var files = File.ReadLines(Path.Combine(options.Data, "dicom", "CATALOG.tsv")).Skip(1)
            .Select(line => Path.Combine(options.Data, "dicom", line.Split('\t')[0]))
            .Where(File.Exists)
            .ToList();
        Console.Error.WriteLine($"storing {files.Count} corpus files into both servers…");
        var instances = new List<Instance>();
        foreach (var path in files)
        {
            var bytes = await File.ReadAllBytesAsync(path);
            var uids = Uids(bytes);
            var storedInOurs = await StoreOursAsync(http, ours, bytes);
            var orthancId = await StoreOrthancAsync(http, options.Orthanc, bytes);
            if (uids is not null && storedInOurs && orthancId is not null)
            {
                instances.Add(new Instance(uids.Value.Study, uids.Value.Series, uids.Value.Sop, orthancId, bytes.Length));
            }
        }

        instances = [.. instances.DistinctBy(i => i.Sop)];
        var retrievable = new List<Instance>();
        var renderable = new List<Instance>();
        foreach (var instance in instances)
        {
            if (await GetAsync(http, ours, RetrievePath(instance), AnySyntax) > 0 && await GetAsync(http, orthanc, RetrievePath(instance), AnySyntax) > 0)
            {
                retrievable.Add(instance);
            }

            if (await GetAsync(http, ours, RenderedPath(instance), "image/jpeg") > 0 && await GetAsync(http, orthanc, RenderedPath(instance), "image/jpeg") > 0)
            {
                renderable.Add(instance);
            }
        }

        Console.WriteLine($"dicomweb-orthanc benchmark: {files.Count} corpus files offered, {instances.Count} stored by both; " +
            $"{retrievable.Count} retrieved by both (WADO-RS instance, {AnySyntax}), {renderable.Count} rendered by both (/rendered, image/jpeg). " +
            $"{options.Requests} requests per measurement, {options.Concurrency} concurrent, {options.Rounds} alternating rounds; " +
            $"{Environment.ProcessorCount} logical CPUs shared by the client and both servers, .NET {Environment.Version}.");
        await MeasureAsync(http, "WADO-RS instances", "instances/s", retrievable, RetrievePath, AnySyntax, ours, orthanc, options);
        await MeasureAsync(http, "rendered frames", "frames/s", renderable, RenderedPath, "image/jpeg", ours, orthanc, options);
        return 0;
    }

    private static async Task MeasureAsync(HttpClient http, string what, string unit, List<Instance> set, Func<Instance, string> path, string accept,
        Server ours, Server orthanc, Options options)
    {
        if (set.Count == 0)
        {
            Console.WriteLine($"{what}: no instance both servers serve");
            return;
        }

        var rates = new Dictionary<string, List<(double Rate, double MegabytesPerSecond)>> { [ours.Name] = [], [orthanc.Name] = [] };
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var server in round % 2 == 0 ? new[] { ours, orthanc } : [orthanc, ours])
            {
                long bytes = 0;
                var clock = Stopwatch.StartNew();
                await Parallel.ForEachAsync(Enumerable.Range(0, options.Requests), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (n, _) =>
                {
                    var read = await GetAsync(http, server, path(set[n % set.Count]), accept);
                    if (read <= 0)
                    {
                        throw new InvalidOperationException($"{server.Name} failed {path(set[n % set.Count])} during the measurement");
                    }

                    Interlocked.Add(ref bytes, read);
                });
                clock.Stop();
                rates[server.Name].Add((options.Requests / clock.Elapsed.TotalSeconds, bytes / 1e6 / clock.Elapsed.TotalSeconds));
            }
        }

        string Line(string name) =>
            $"  {name,-8} {rates[name].Average(r => r.Rate),8:F1} {unit} ({rates[name].Average(r => r.MegabytesPerSecond),6:F1} MB/s); rounds: " +
            string.Join(", ", rates[name].Select(r => r.Rate.ToString("F1", CultureInfo.InvariantCulture)));
        Console.WriteLine($"{what} ({set.Count} distinct instances):");
        Console.WriteLine(Line(ours.Name));
        Console.WriteLine(Line(orthanc.Name));
        Console.WriteLine($"  ratio vnch/orthanc {rates[ours.Name].Average(r => r.Rate) / rates[orthanc.Name].Average(r => r.Rate):F2}");
    }

    private static string RetrievePath(Instance i) => $"/studies/{i.Study}/series/{i.Series}/instances/{i.Sop}";

    private static string RenderedPath(Instance i) => RetrievePath(i) + "/rendered";

    /// <summary>GETs and reads the whole body; its length, or -1 when the answer is not 200.</summary>
    private static async Task<long> GetAsync(HttpClient http, Server server, string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Base + path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (server.Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return response.IsSuccessStatusCode ? total : -1;
    }

    /// <summary>STOW-RS of one instance.</summary>
    private static async Task<bool> StoreOursAsync(HttpClient http, Server ours, byte[] bytes)
    {
        using var multipart = new MultipartContent("related", "bench-" + Guid.NewGuid().ToString("N"));
        multipart.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        multipart.Add(part);
        using var request = new HttpRequestMessage(HttpMethod.Post, ours.Base + "/studies") { Content = multipart };
        request.Headers.Accept.ParseAdd("application/dicom+json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ours.Token);
        using var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Orthanc's REST upload; its instance id, or null when refused.</summary>
    internal static async Task<string?> StoreOrthancAsync(HttpClient http, string orthanc, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        using var response = await http.PostAsync(orthanc.TrimEnd('/') + "/instances", content);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("ID", out var id) ? id.GetString() : null;
    }

    private static (string Study, string Series, string Sop)? Uids(byte[] bytes)
    {
        try
        {
            var data = DicomReader.Read(bytes, new DicomReadOptions { PixelDataMode = PixelDataMode.Reference }).Dataset;
            return data.TryGetString(DicomTags.StudyInstanceUID, out var study) && data.TryGetString(DicomTags.SeriesInstanceUID, out var series)
                && data.TryGetString(DicomTags.SOPInstanceUID, out var sop)
                ? (study.Trim('\0', ' '), series.Trim('\0', ' '), sop.Trim('\0', ' '))
                : null;
        }
        catch (Exception ex) when (ex is DicomException or EndOfStreamException or InvalidDataException)
        {
            return null;
        }
    }

    private sealed record Server(string Name, string Base, string? Token);

    private sealed record Instance(string Study, string Series, string Sop, string OrthancId, long Length);

    private sealed record Options(string Ours, string Token, string Orthanc, string Data, int Requests, int Concurrency, int Rounds)
    {
        public static Options Parse(string[] args)
        {
            var named = new NamedArguments(args);
            return new Options(named.Required("--ours"), named.Required("--token"), named.Required("--orthanc"), named.Required("--data"),
                named.Number("--requests", 300), named.Number("--concurrency", 4), named.Number("--rounds", 2));
        }
    }
}
