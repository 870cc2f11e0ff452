using System.Net.Http.Json;
using System.Text.Json;
using VNCH.Network.EndToEnd.Tests.Infrastructure;

namespace VNCH.Network.EndToEnd.Tests.Faults;

/// <summary>
/// Issue 12: a PACS sends one study over four connections at once, each connection its share in turn. Every upload
/// succeeds (never a 5xx), and the study, its detail and its FHIR ImagingStudy count every instance once (ADR 0110).
/// </summary>
public sealed class OneStudyFourClientsTests : IAsyncLifetime
{
    private const int Clients = 4;
    private const int PerClient = 15;
    private readonly EmbeddedService service = new();

    public Task InitializeAsync() => service.InitializeAsync();

    public Task DisposeAsync() => service.DisposeAsync();

    [Fact]
    public async Task Four_clients_uploading_instances_of_one_study_all_succeed_and_each_instance_is_counted_once()
    {
        var clients = Enumerable.Range(0, Clients).Select(_ => service.Client(service.TokenA)).ToList();
        try
        {
            var statuses = await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
            {
                var mine = new List<string>();
                for (var i = 0; i < PerClient; i++)
                {
                    mine.Add(await ConcurrentUploadTests.UploadAsync(client, SyntheticInstances.Create("e2e-four-clients", 1, (c * PerClient) + i)));
                }

                return mine;
            })));

            Assert.All(statuses.SelectMany(s => s), s => Assert.Equal("accepted", s));
            var study = Assert.Single(await service.WaitForFinalAsync(clients[0], 1));
            Assert.Equal(Clients * PerClient, study.GetProperty("instanceCount").GetInt32());

            var id = study.GetProperty("id").GetString();
            var detail = await clients[0].GetFromJsonAsync<JsonElement>($"/api/v1/studies/{id}");
            var uids = detail.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("instanceUid").GetString()).ToList();
            Assert.Equal(Clients * PerClient, uids.Distinct().Count());
            Assert.Equal(Clients * PerClient, detail.GetProperty("summary").GetProperty("instanceCount").GetInt32());
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
