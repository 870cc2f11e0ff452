using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using VNCH.Network.Benchmarks.Service;
using VNCH.Network.Testing;

namespace VNCH.Network.Benchmarks.Cli;

/// <summary>
/// `vnch upload --parallel P` against a plain parallel HttpClient uploader, in one run, on loopback, against the same
/// embedded server process: each side sends its own N distinct DICOM instances (same template, same sizes, unique
/// UIDs, so neither is answered "duplicate") as STOW-RS multipart batches of 20 with P requests in flight. The order
/// alternates per repetition and the server's queue is drained between runs, so neither side inherits the other's
/// background work. The server runs without models (every study ends `no-analyser`): the bench measures the upload
/// path, not inference. Prints files/s and MB/s of each and the ratio CLI / plain, per repetition.
/// Usage: cli-upload [N=300] [P=4] [R=3]
/// </summary>
public static class UploadThroughputBench
{
    private const int Batch = 20;
    private const string Tenant = "bench-upload";

    // The vnch.dll to measure; default: the ReadyToRun publish hospitals install (docs/cli.md), else the Release build.
    private const string CliVariable = "VNCH_BENCH_CLI";

    public static int Run(string[] args)
    {
        var count = Argument(args, 1, 300);
        var parallel = Argument(args, 2, 4);
        var repetitions = Argument(args, 3, 3);
        return RunAsync(count, parallel, repetitions).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int count, int parallel, int repetitions)
    {
        using var root = new TempDirectory("vnch-upload-bench");
        var data = Path.Combine(root.Path, "data");
        var noModels = Directory.CreateDirectory(Path.Combine(root.Path, "no-models")).FullName;
        await Vnch("tenant", "add", Tenant, "--name", "Upload bench", "--data-path", data);
        var token = (await Vnch("token", "--tenant", Tenant, "--roles", "Studies.Upload,Studies.Read", "--data-path", data)).Trim();
        var port = FreePort();
        var serverUrl = $"http://127.0.0.1:{port}";
        using var serverProcess = Start(Built("VNCH.Network.Server", "VNCH.Network.Server.dll"),
            "--urls", serverUrl, "--data-path", data, $"--Inference:ModelsPath={noModels}", "--Logging:LogLevel:Default=Warning");
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { BaseAddress = new Uri(serverUrl), Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await WaitHealthyAsync(http);

            var template = await File.ReadAllBytesAsync(TestData.File(IngestBench.Template));
            var next = 0;
            string WriteSet(string name, int files)
            {
                var folder = Directory.CreateDirectory(Path.Combine(root.Path, name)).FullName;
                for (var i = 0; i < files; i++)
                {
                    // No extension: recognised by content, as PACS exports often are.
                    File.WriteAllBytes(Path.Combine(folder, $"IM{i:00000}"), IngestBench.WithUniqueUids(template, next++));
                }

                return folder;
            }

            // Warm-up of both paths (JIT and SQLite of the server, the CLI's first run), not timed.
            await PlainUploadAsync(http, WriteSet("warm-plain", Batch * 2), parallel);
            await CliUploadAsync(serverUrl, token, WriteSet("warm-cli", Batch * 2), parallel, Path.Combine(root.Path, "warm.jsonl"));
            await WaitIdleAsync(http);

            var bytes = (long)template.Length * count;
            Console.WriteLine($"cli: {CliDll()}");
            Console.WriteLine($"cli-upload: {count} DICOM files of {template.Length / 1024.0:0.0} KiB ({bytes / 1e6:0.0} MB) per side, --parallel {parallel}, batches of {Batch}, {Environment.ProcessorCount} cores");
            Console.WriteLine("rep  first  plain files/s  plain MB/s  cli files/s  cli MB/s  cli(in-command) files/s  ratio cli/plain  ratio in-command/plain  client CPU s plain/cli  server CPU s plain/cli");
            var ratios = new List<(double Wall, double InCommand)>();
            for (var r = 0; r < repetitions; r++)
            {
                var plainSet = WriteSet($"plain-{r}", count);
                var cliSet = WriteSet($"cli-{r}", count);
                double plain = 0, cliWall = 0, cliInCommand = 0;
                TimeSpan plainCpu = default, cliCpu = default, plainServerCpu = default, cliServerCpu = default;
                async Task Plain()
                {
                    var (clientStart, serverStart) = (Process.GetCurrentProcess().TotalProcessorTime, ServerCpu());
                    plain = await PlainUploadAsync(http, plainSet, parallel);
                    (plainCpu, plainServerCpu) = (Process.GetCurrentProcess().TotalProcessorTime - clientStart, ServerCpu() - serverStart);
                    await WaitIdleAsync(http);
                }

                async Task Cli()
                {
                    var (clientStart, serverStart) = (ChildProcesses.Cpu(), ServerCpu());
                    (cliWall, cliInCommand) = await CliUploadAsync(serverUrl, token, cliSet, parallel, Path.Combine(root.Path, $"journal-{r}.jsonl"));
                    (cliCpu, cliServerCpu) = (ChildProcesses.Cpu() - clientStart, ServerCpu() - serverStart);
                    await WaitIdleAsync(http);
                }

                TimeSpan ServerCpu()
                {
                    serverProcess.Refresh();
                    return serverProcess.TotalProcessorTime;
                }

                var plainFirst = r % 2 == 0;
                await (plainFirst ? Plain() : Cli());
                await (plainFirst ? Cli() : Plain());
                ratios.Add((plain / cliWall, plain / cliInCommand));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r + 1,3}  {(plainFirst ? "plain" : "cli"),5}  {count / plain,13:0.0}  {bytes / 1e6 / plain,10:0.00}  {count / cliWall,11:0.0}  {bytes / 1e6 / cliWall,8:0.00}  {count / cliInCommand,23:0.0}  {plain / cliWall,15:0.00}  {plain / cliInCommand,22:0.00}  {plainCpu.TotalSeconds,11:0.00}/{cliCpu.TotalSeconds:0.00}  {plainServerCpu.TotalSeconds,11:0.00}/{cliServerCpu.TotalSeconds:0.00}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median ratio cli/plain (throughput): {Median(ratios.Select(r => r.Wall)):0.00} with the CLI's process start, {Median(ratios.Select(r => r.InCommand)):0.00} in-command; target >= 0.90"));
            return 0;
        }
        finally
        {
            serverProcess.Kill(entireProcessTree: true);
            await serverProcess.WaitForExitAsync();
        }
    }

    /// <summary>The plain client: every file read into memory, the same STOW-RS batches, P requests in flight. Returns seconds.</summary>
    private static async Task<double> PlainUploadAsync(HttpClient http, string folder, int parallel)
    {
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(files.Chunk(Batch), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (batch, ct) =>
        {
            var multipart = new MultipartContent("related", $"plain-{Guid.NewGuid():N}");
            multipart.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
            foreach (var file in batch)
            {
                var part = new ByteArrayContent(await File.ReadAllBytesAsync(file, ct));
                part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
                multipart.Add(part);
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/studies") { Content = multipart };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var accepted = JsonSerializer.Deserialize<JsonElement>(body).GetProperty("instances").EnumerateArray().Count(i => i.GetProperty("status").GetString() == "accepted");
            if (!response.IsSuccessStatusCode || accepted != batch.Length)
            {
                throw new InvalidOperationException($"The plain upload was not accepted ({(int)response.StatusCode}): {body}");
            }
        });
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>`vnch upload` as a process (plain progress lines, output redirected). Returns wall seconds and the CLI's own reported seconds.</summary>
    private static async Task<(double Wall, double InCommand)> CliUploadAsync(string server, string token, string folder, int parallel, string journal)
    {
        var watch = Stopwatch.StartNew();
        var output = await Vnch("upload", folder, "--server", server, "--token", token, "--parallel", parallel.ToString(CultureInfo.InvariantCulture),
            "--journal", journal, "--json");
        var wall = watch.Elapsed.TotalSeconds;
        var summary = JsonSerializer.Deserialize<JsonElement>(output).GetProperty("summary");
        var files = Directory.GetFiles(folder).Length;
        if (summary.GetProperty("accepted").GetInt32() != files)
        {
            throw new InvalidOperationException($"The CLI did not have every file accepted: {summary}");
        }

        return (wall, summary.GetProperty("seconds").GetDouble());
    }

    /// <summary>Waits until no study of the bench hospital is still received, queued or analysing.</summary>
    private static async Task WaitIdleAsync(HttpClient http)
    {
        foreach (var status in new[] { "received", "queued", "analysing" })
        {
            while (true)
            {
                var page = JsonSerializer.Deserialize<JsonElement>(await http.GetStringAsync($"/api/v1/studies?pageSize=1&status={status}"));
                if (page.GetProperty("items").GetArrayLength() == 0)
                {
                    break;
                }

                await Task.Delay(200);
            }
        }
    }

    internal static async Task WaitHealthyAsync(HttpClient http)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                if ((await http.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The server did not become healthy.");
    }

    internal static async Task<string> Vnch(params string[] args)
    {
        using var process = Start(CliDll(), args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"vnch {args[0]} exited with {process.ExitCode}: {await stderr}");
    }

    internal static Process Start(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        if (Path.GetFileName(dll) != "vnch.dll")
        {
            // The server's log is not read: keep its pipes from filling up.
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        return process;
    }

    private static string CliDll()
    {
        if (Environment.GetEnvironmentVariable(CliVariable) is { Length: > 0 } chosen)
        {
            return Path.GetFullPath(chosen);
        }

        var published = Path.Combine(TestData.RepositoryRoot, "src", "VNCH.Network.Cli", "bin", "Release", "net10.0", "linux-x64", "publish", "vnch.dll");
        return File.Exists(published) ? published : Built("VNCH.Network.Cli", "vnch.dll");
    }

    /// <summary>The Release build of a host, built beside this project (ProjectReference without the assembly).</summary>
    internal static string Built(string project, string dll)
    {
        var path = Path.Combine(TestData.RepositoryRoot, "src", project, "bin", "Release", "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} in Release first.", path);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int Argument(string[] args, int index, int fallback) =>
        args.Length > index && int.TryParse(args[index], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
