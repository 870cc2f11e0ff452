using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VNCH.Network.EndToEnd.Tests.Faults;

/// <summary>
/// kill -9 of the embedded server at random points, again and again, while hospital A uploads over HTTP and hospital
/// B's inbox fills; after the last restart (and the retries a real client makes) every file is stored exactly once,
/// every study is final, nothing is lost. Bounded: <see cref="Kills"/> rounds of a few seconds each.
/// </summary>
[Collection(KillNineCollection.Name)]
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Kills = 10;
    private const int HttpPerRound = 6;
    private const int KillWindowMs = 1500;
    private const int InboxPerRound = 3;
    private const int InstancesPerStudy = 3;
    private readonly EmbeddedService service = new();

    public Task InitializeAsync() => service.InitializeAsync();

    public Task DisposeAsync() => service.DisposeAsync();

    [Fact]
    public async Task Repeated_kill_minus_nine_during_mixed_http_and_inbox_uploads_loses_nothing_and_stores_each_file_once()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var run = $"kill9-{seed}";
        var http = Enumerable.Range(0, Kills * HttpPerRound).Select(i => SyntheticInstances.Create(run + "/a", i / InstancesPerStudy, i % InstancesPerStudy)).ToList();
        var dropped = Enumerable.Range(0, Kills * InboxPerRound).Select(i => SyntheticInstances.Create(run + "/b", i / InstancesPerStudy, i % InstancesPerStudy)).ToList();
        var answers = new ConcurrentDictionary<int, string>();
        var acceptedAnswers = new ConcurrentDictionary<int, int>();
        var inbox = Path.Combine(service.DataPath, "inbox", EmbeddedService.TenantB);
        Directory.CreateDirectory(inbox);
        var killPoints = new List<int>();
        var interrupted = new Counter();
        var inboxPendingAtKills = 0;

        for (var round = 0; round < Kills; round++)
        {
            if (round > 0)
            {
                await service.RestartAsync();
            }

            foreach (var i in Enumerable.Range(round * InboxPerRound, InboxPerRound))
            {
                var target = Path.Combine(inbox, $"b{i:D3}.dcm");
                await File.WriteAllBytesAsync(target + ".part", dropped[i]);
                File.Move(target + ".part", target);
            }

            using var client = service.Client(service.TokenA);
            // Uploads start at random moments of the kill window and each takes a while to send, so the kill finds
            // some not started, some in flight (body half sent or being ingested) and some answered.
            var uploads = Enumerable.Range(0, (round + 1) * HttpPerRound).Where(i => !answers.ContainsKey(i))
                .Select(i => TryUploadAsync(client, i, http[i], answers, acceptedAnswers, TimeSpan.FromMilliseconds(random.Next(0, KillWindowMs)), interrupted))
                .ToList();
            var killAfter = random.Next(0, KillWindowMs);
            killPoints.Add(killAfter);
            await Task.Delay(killAfter);
            await service.KillAsync();
            inboxPendingAtKills += Directory.EnumerateFiles(inbox, "*.dcm", SearchOption.AllDirectories).Count();
            await Task.WhenAll(uploads);
        }

        await service.RestartAsync();
        using (var client = service.Client(service.TokenA))
        {
            // The client retries whatever got no answer; the server is up now, so each gets one.
            await Task.WhenAll(Enumerable.Range(0, http.Count).Where(i => !answers.ContainsKey(i))
                .Select(i => TryUploadAsync(client, i, http[i], answers, acceptedAnswers, TimeSpan.Zero, interrupted)));
            Assert.Equal(http.Count, answers.Count);

            var studiesA = await service.WaitForFinalAsync(client, http.Count / InstancesPerStudy, TimeSpan.FromMinutes(3));
            AssertEachStoredOnce(studiesA, http.Count);
        }

        Assert.All(acceptedAnswers.Values, n => Assert.Equal(1, n)); // never "accepted" twice for one file
        // The inbox takes its files one at a time: a study can be final between two of its files, so first all are taken.
        for (var takenBy = DateTime.UtcNow.AddMinutes(3); Directory.EnumerateFiles(inbox, "*", SearchOption.AllDirectories).Any() && DateTime.UtcNow < takenBy;)
        {
            await Task.Delay(250);
        }

        using (var b = service.Client(service.TokenB))
        {
            var studiesB = await service.WaitForFinalAsync(b, dropped.Count / InstancesPerStudy, TimeSpan.FromMinutes(3));
            AssertEachStoredOnce(studiesB, dropped.Count);
        }

        Assert.Empty(Directory.EnumerateFiles(inbox, "*", SearchOption.AllDirectories)); // every dropped file taken

        var storedBeforeAnswer = answers.Count(a => a.Value == "duplicate"); // stored, but the kill ate the answer
        var message = $"kill -9 fault run (seed {seed}): kills {Kills} at {string.Join(',', killPoints)} ms, files {http.Count} HTTP + {dropped.Count} inbox, " +
                      $"HTTP uploads cut by a kill {interrupted.Value} (of which stored before the answer was lost {storedBeforeAnswer}), " +
                      $"inbox files still waiting at the kills {inboxPendingAtKills}, stored twice 0, lost 0";
        output.WriteLine(message);
        Console.WriteLine(message);
    }

    private static void AssertEachStoredOnce(List<JsonElement> studies, int files)
    {
        Assert.Equal(files / InstancesPerStudy, studies.Count);
        Assert.Equal(studies.Count, studies.Select(s => s.GetProperty("id").GetString()).Distinct().Count());
        Assert.All(studies, s => Assert.Equal(InstancesPerStudy, s.GetProperty("instanceCount").GetInt32()));
        Assert.All(studies, s => Assert.Equal("no-analyser", s.GetProperty("status").GetString()));
    }

    private static async Task TryUploadAsync(
        HttpClient client, int index, byte[] bytes, ConcurrentDictionary<int, string> answers, ConcurrentDictionary<int, int> accepted,
        TimeSpan startAfter, Counter interrupted)
    {
        try
        {
            await Task.Delay(startAfter);
            using var content = new SlowContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            using var response = await client.PostAsync("/api/v1/studies", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var status = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instances")[0].GetProperty("status").GetString()!;
            Assert.Contains(status, new[] { "accepted", "duplicate" });
            answers[index] = status;
            if (status == "accepted")
            {
                accepted.AddOrUpdate(index, 1, (_, n) => n + 1);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or JsonException)
        {
            // The connection died with the server: no answer, the client retries later.
            interrupted.Increment();
        }
    }

    private sealed class Counter
    {
        private int value;

        public int Value => value;

        public void Increment() => Interlocked.Increment(ref value);
    }

    /// <summary>A body sent in two halves 200 ms apart, like a slow hospital link: long enough in flight to be cut.</summary>
    private sealed class SlowContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = bytes.Length / 2;
            await stream.WriteAsync(bytes.AsMemory(0, half));
            await stream.FlushAsync();
            await Task.Delay(200);
            await stream.WriteAsync(bytes.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
