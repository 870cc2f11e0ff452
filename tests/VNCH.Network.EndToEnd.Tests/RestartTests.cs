using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hl7.Fhir.Model;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;
using Task = System.Threading.Tasks.Task;

namespace VNCH.Network.EndToEnd.Tests;

public sealed class RestartTests : IAsyncLifetime
{
    private static readonly string[] Files =
        [.. TwoHospitals.SingleFiles, .. TwoHospitals.MultipartFiles, .. TwoHospitals.InboxFiles.Take(6)];

    private readonly EmbeddedService service = new();

    public Task InitializeAsync() => service.InitializeAsync();

    public Task DisposeAsync() => service.DisposeAsync();

    [Fact]
    public async Task A_crash_mid_ingest_loses_nothing_and_duplicates_nothing()
    {
        // Hospital B's inbox fills while hospital A uploads; the server is killed after a few answers.
        var inbox = Path.Combine(service.DataPath, "inbox", EmbeddedService.TenantB);
        Directory.CreateDirectory(inbox);
        var accepted = new ConcurrentBag<string>();
        var answered = 0;
        var killed = new TaskCompletionSource();
        using (var a = service.Client(service.TokenA))
        {
            var uploads = Files.Select(async (file, i) =>
            {
                if (i % 4 == 0)
                {
                    var target = Path.Combine(inbox, $"f{i:D2}.dcm");
                    File.Copy(TestData.File(file), target + ".part");
                    File.Move(target + ".part", target);
                }

                try
                {
                    // Every third upload trickles in like a slow hospital link and holds its last bytes until the server
                    // is killed, so it is surely in flight when the server dies, however loaded the machine is.
                    using HttpContent content = i % 3 == 2
                        ? new TricklingContent(TestData.File(file), killed.Task)
                        : new StreamContent(File.OpenRead(TestData.File(file)));
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
                    using var response = await a.PostAsync("/api/v1/studies", content);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        accepted.Add(file);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
                {
                    // The connection died with the server: the client will retry.
                }

                if (Interlocked.Increment(ref answered) == 5)
                {
                    await service.KillAsync();
                    killed.SetResult();
                }
            }).ToList();
            await Task.WhenAll(uploads);
            await killed.Task;
        }

        Assert.InRange(accepted.Count, 1, Files.Length - 1);
        await service.RestartAsync();

        // A real client retries what got no answer; retrying what was accepted is harmless (duplicate).
        using var client = service.Client(service.TokenA);
        foreach (var file in Files)
        {
            using var content = new StreamContent(File.OpenRead(TestData.File(file)));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            using var response = await client.PostAsync("/api/v1/studies", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var status = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instances")[0].GetProperty("status").GetString();
            // Accepted before the crash: a duplicate now. Unanswered: stored or not before the crash, either is fine.
            Assert.Contains(status, accepted.Contains(file) ? ["duplicate"] : new[] { "accepted", "duplicate" });
        }

        var expectedStudies = Files.Length - 1; // .4.80 and .4.90 share a study
        var studies = await service.WaitForFinalAsync(client, expectedStudies);
        Assert.Equal(expectedStudies, studies.Count);
        Assert.Equal(studies.Count, studies.Select(s => s.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal(Files.Length, studies.Sum(s => s.GetProperty("instanceCount").GetInt32()));
        Assert.DoesNotContain(studies, s => s.GetProperty("status").GetString() is "failed" or "rejected");

        foreach (var study in studies)
        {
            var bundle = FhirJson.Parse<Bundle>(await client.GetStringAsync($"/api/v1/studies/{study.GetProperty("id").GetString()}/fhir"));
            Assert.Single(bundle.Entry, e => e.Resource is Patient);
            Assert.Single(bundle.Entry, e => e.Resource is ImagingStudy);
        }

        using var b = service.Client(service.TokenB);
        var dropped = Files.Where((_, i) => i % 4 == 0).Count();
        var inboxStudies = await service.WaitForFinalAsync(b, dropped);
        Assert.Equal(dropped, inboxStudies.Count);
    }

    /// <summary>A request body sent in 4 KiB pieces 20 ms apart, the last piece held until a signal.</summary>
    private sealed class TricklingContent(string path, Task holdLastChunkUntil) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var bytes = await File.ReadAllBytesAsync(path);
            for (var offset = 0; offset < bytes.Length; offset += 4096)
            {
                if (offset + 4096 >= bytes.Length)
                {
                    await holdLastChunkUntil;
                }

                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(4096, bytes.Length - offset)));
                await stream.FlushAsync();
                await Task.Delay(20);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = new FileInfo(path).Length;
            return true;
        }
    }
}
