using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VNCH.Network.EndToEnd.Tests.Infrastructure;

namespace VNCH.Network.EndToEnd.Tests.Faults;

/// <summary>Issue 13 item 8 over HTTP: parallel uploads of one instance are acknowledged once, never lost.</summary>
public sealed class ConcurrentUploadTests : IAsyncLifetime
{
    private const int Parallel = 8;
    private readonly EmbeddedService service = new();

    public Task InitializeAsync() => service.InitializeAsync();

    public Task DisposeAsync() => service.DisposeAsync();

    [Fact]
    public async Task Parallel_uploads_of_one_instance_answer_one_accepted_and_duplicates_and_parallel_instances_of_one_study_are_all_kept()
    {
        using var client = service.Client(service.TokenA);
        var same = SyntheticInstances.Create("e2e-concurrent", 1, 0);
        var statuses = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(_ => UploadAsync(client, same)));
        Assert.Single(statuses, s => s == "accepted");
        Assert.Equal(Parallel - 1, statuses.Count(s => s == "duplicate"));

        var different = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(i => UploadAsync(client, SyntheticInstances.Create("e2e-concurrent", 2, i))));
        Assert.All(different, s => Assert.Equal("accepted", s));

        var studies = await service.WaitForFinalAsync(client, 2);
        Assert.Equal(2, studies.Count);
        Assert.Equal([1, Parallel], studies.Select(s => s.GetProperty("instanceCount").GetInt32()).Order());
    }

    /// <summary>One upload; the instance's status word ("accepted", "duplicate", "failed"), never a 5xx.</summary>
    internal static async Task<string> UploadAsync(HttpClient client, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        using var response = await client.PostAsync("/api/v1/studies", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instances")[0].GetProperty("status").GetString()!;
    }
}
