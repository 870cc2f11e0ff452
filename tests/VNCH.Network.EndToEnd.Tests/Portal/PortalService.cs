using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Portal;

/// <summary>
/// The embedded server as a process with two hospitals in two provinces and the association, tokens minted by the
/// CLI for named people, and a headless chromium. The uploads of the scenario happen once, through the portal.
/// </summary>
public sealed class PortalService : IAsyncLifetime
{
    public const string TenantA = "hosp-a";
    public const string TenantB = "hosp-b";
    public const string Association = "vpa";

    public static readonly string ChestXray = "dicom/derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm";
    public static readonly string Ecg = "dicom/pydicom/src/pydicom/data/test_files/waveform_ecg.dcm";
    public static readonly string Audiogram = Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json");

    private readonly TempDirectory data = new("vnch-portal");
    private readonly SemaphoreSlim uploadGate = new(1, 1);
    private IReadOnlyDictionary<string, string>? uploaded;

    public PortalService()
    {
        // A snapshot per request: the association's charts include what the scenario uploaded a moment before.
        Server = new ServerProcess(data.Path, extraArguments: ["--Vnch:Reporting:RefreshInterval=00:00:00"]);
    }

    public ServerProcess Server { get; }

    public PortalBrowser Browser { get; } = new();

    public string TokenA { get; private set; } = "";

    public string TokenB { get; private set; } = "";

    public string TokenAssociation { get; private set; } = "";

    public async Task InitializeAsync()
    {
        foreach (var (id, name, extra) in new[]
                 {
                     (TenantA, "Bệnh viện Nhi Trung ương", new[] { "--province", "Hà Nội" }),
                     (TenantB, "Bệnh viện Nhi Đồng 1", new[] { "--province", "Hồ Chí Minh" }),
                     (Association, "Hội Nhi khoa Việt Nam", new[] { "--kind", "association" }),
                 })
        {
            var added = await BuiltProgram.RunCliAsync(["tenant", "add", id, "--name", name, .. extra, "--data-path", data.Path]);
            Assert.True(added.ExitCode == 0, added.Stderr);
        }

        var hospitalRoles = string.Join(',', Roles.All);
        TokenA = await MintAsync(TenantA, hospitalRoles, "Nguyễn Thị Lan");
        TokenB = await MintAsync(TenantB, hospitalRoles, "Trần Văn Đức");
        TokenAssociation = await MintAsync(Association, Roles.ReportsRead, "Lê Hoàng Yến");
        await Server.StartAsync();
        await Browser.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Server.DisposeAsync();
        data.Dispose();
    }

    private async Task<string> MintAsync(string tenant, string roles, string user)
    {
        var minted = await BuiltProgram.RunCliAsync("token", "--tenant", tenant, "--roles", roles, "--user", user, "--data-path", data.Path);
        Assert.True(minted.ExitCode == 0, minted.Stderr);
        return minted.Stdout.Trim();
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A new browser profile in <paramref name="locale"/>, signed in with <paramref name="token"/> through the sign-in page.</summary>
    public async Task<IPage> SignedInPageAsync(string token, string locale = "en-GB")
    {
        var page = await Browser.NewPageAsync(Server.BaseAddress, locale);
        await page.GotoAsync("/portal/");
        await page.FillAsync("#token", token);
        await page.ClickAsync("form.signin button[type=submit]");
        await page.WaitForSelectorAsync("#sign-out");
        return page;
    }

    /// <summary>
    /// The chest X-ray, the ECG and the audiogram uploaded by hospital A through the portal's upload page, once;
    /// returns study id by kind after every study reached a final state.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> UploadedAsync()
    {
        await uploadGate.WaitAsync();
        try
        {
            return uploaded ??= await UploadThroughThePortalAsync();
        }
        finally
        {
            uploadGate.Release();
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> UploadThroughThePortalAsync()
    {
        var page = await SignedInPageAsync(TokenA);
        await page.ClickAsync("nav a[href='#/upload']");
        await page.WaitForSelectorAsync("#drop-zone");
        await page.SetInputFilesAsync("#upload-files", [TestData.File(ChestXray), TestData.File(Ecg), Audiogram]);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.upload-table .study-link').length === 3");
        var links = await page.EvalOnSelectorAllAsync<string[]>(".upload-table .study-link", "links => links.map(a => a.getAttribute('href'))");
        await PortalPages.CheckInBothLanguagesAsync(Browser, page, "upload");
        Assert.Equal(3, await page.Locator(".upload-table .study-link").CountAsync()); // the language switch redraws, the uploads stay
        await page.Context.CloseAsync();

        using var client = Client(TokenA);
        var byKind = new Dictionary<string, string>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        foreach (var id in links.Select(l => Uri.UnescapeDataString(l["#/studies/".Length..])))
        {
            while (true)
            {
                var study = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{id}");
                var summary = study.GetProperty("summary");
                if (EmbeddedService.FinalStatuses.Contains(summary.GetProperty("status").GetString()))
                {
                    byKind[summary.GetProperty("kind").GetString()!] = id;
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"Study {id} did not reach a final state:\n{Server.RecentOutput}");
                await Task.Delay(250);
            }
        }

        return byKind;
    }
}

/// <summary>One server, one browser and one upload for every portal test class.</summary>
[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalService>
{
    public const string Name = "portal";
}
