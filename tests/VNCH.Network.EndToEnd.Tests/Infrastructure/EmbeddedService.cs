using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A data folder with two hospitals registered through the CLI, the server running on it, and tokens minted by
/// the CLI — exactly the automation interface the README documents.
/// </summary>
public class EmbeddedService : IAsyncLifetime
{
    public const string TenantA = "hosp-a";
    public const string TenantB = "hosp-b";
    public static readonly string AllRoles = string.Join(',', Roles.All);

    private readonly TempDirectory data = new("vnch-e2e");

    public EmbeddedService()
    {
        Server = new ServerProcess(data.Path);
    }

    public string DataPath => data.Path;

    public ServerProcess Server { get; private set; }

    /// <summary>Kills the server without warning; <see cref="RestartAsync"/> brings a new process up.</summary>
    public Task KillAsync() => Server.KillAsync();

    public async Task RestartAsync(bool samePort = false)
    {
        await Server.DisposeAsync();
        Server = new ServerProcess(DataPath, samePort ? Server.Port : null);
        await Server.StartAsync();
    }

    public string TokenA { get; private set; } = "";

    public string TokenB { get; private set; } = "";

    public virtual async Task InitializeAsync()
    {
        foreach (var (id, name) in new[] { (TenantA, "Bệnh viện Nhi A"), (TenantB, "Bệnh viện Nhi B") })
        {
            var added = await BuiltProgram.RunCliAsync("tenant", "add", id, "--name", name, "--data-path", DataPath);
            Assert.True(added.ExitCode == 0, added.Stderr);
        }

        TokenA = await MintAsync(TenantA, AllRoles);
        TokenB = await MintAsync(TenantB, AllRoles);
        await Server.StartAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        data.Dispose();
    }

    public static async Task<string> MintAsync(string tenant, string roles, string dataPath)
    {
        var minted = await BuiltProgram.RunCliAsync("token", "--tenant", tenant, "--roles", roles, "--data-path", dataPath);
        Assert.True(minted.ExitCode == 0, minted.Stderr);
        var token = minted.Stdout.Trim();
        Assert.Equal(3, token.Split('.').Length); // stdout carries the token and nothing else
        return token;
    }

    public Task<string> MintAsync(string tenant, string roles) => MintAsync(tenant, roles, DataPath);

    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>All studies of the caller's tenant, following continuation tokens.</summary>
    public static async Task<List<JsonElement>> ListAllAsync(HttpClient client, string query = "")
    {
        var items = new List<JsonElement>();
        string? token = null;
        do
        {
            var url = $"/api/v1/studies?pageSize=7{query}" + (token is null ? "" : $"&continuationToken={Uri.EscapeDataString(token)}");
            var page = await client.GetFromJsonAsync<JsonElement>(url);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            token = page.GetProperty("continuationToken").GetString();
        }
        while (token is not null);

        return items;
    }

    public static readonly string[] FinalStatuses = ["completed", "rejected", "failed", "no-analyser"];

    /// <summary>Polls until the tenant has at least <paramref name="count"/> studies and all are final.</summary>
    public async Task<List<JsonElement>> WaitForFinalAsync(HttpClient client, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        List<JsonElement> studies;
        do
        {
            studies = await ListAllAsync(client);
            if (studies.Count >= count && studies.All(s => FinalStatuses.Contains(s.GetProperty("status").GetString())))
            {
                return studies;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException(
            $"Expected {count} final studies, have: {string.Join(", ", studies.Select(s => s.GetProperty("status").GetString()))}\n{Server.RecentOutput}");
    }
}
