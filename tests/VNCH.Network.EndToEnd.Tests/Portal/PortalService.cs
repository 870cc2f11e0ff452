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
    public static readonly string DroppedXray = "dicom/derived_pediatric_cxr/peds_cxr_normal_NORMAL2-IM-0092-0001_jpegbaseline.dcm";

    private readonly TempDirectory data = new("vnch-portal");
    private readonly SemaphoreSlim uploadGate = new(1, 1);
    private IReadOnlyDictionary<string, string>? uploaded;
    private DroppedFile? dropped;

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
                     // The province as officially named, the name the DHIS2 mapping knows (its one spelling of each province).
                     (TenantB, "Bệnh viện Nhi Đồng 1", new[] { "--province", "Thành phố Hồ Chí Minh" }),
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

    /// <summary>
    /// A new browser profile in <paramref name="locale"/>, signed in with <paramref name="token"/> through the sign-in
    /// page of this service's server or of <paramref name="server"/> (another fixture's).
    /// </summary>
    public async Task<IPage> SignedInPageAsync(string token, string locale = "en-GB", Uri? server = null)
    {
        var page = await Browser.NewPageAsync(server ?? Server.BaseAddress, locale);
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

    /// <summary>
    /// A second chest X-ray dropped on hospital A's upload page, once: its bytes in a <c>DataTransfer</c> carried by
    /// dragenter, dragover and drop events dispatched on the drop zone, as the browser does for a file dragged from
    /// the desktop. Returns the study once analysed and what the page did with each event.
    /// </summary>
    public async Task<DroppedFile> DroppedAsync()
    {
        await uploadGate.WaitAsync();
        try
        {
            return dropped ??= await DropThroughThePortalAsync();
        }
        finally
        {
            uploadGate.Release();
        }
    }

    private async Task<DroppedFile> DropThroughThePortalAsync()
    {
        var page = await SignedInPageAsync(TokenA);
        await page.ClickAsync("nav a[href='#/upload']");
        await page.WaitForSelectorAsync("#drop-zone");
        var path = TestData.File(DroppedXray);
        var events = await page.EvaluateAsync<JsonElement>(
            """
            ({ name, base64 }) => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const transfer = new DataTransfer();
              transfer.items.add(new File([bytes], name));
              const zone = document.querySelector('#drop-zone');
              // dispatchEvent is false when the page cancelled the event: for dragenter/dragover that accepts the drop.
              const fire = type => !zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
              const enter = fire('dragenter');
              const over = fire('dragover');
              const highlighted = zone.classList.contains('over');
              const drop = fire('drop');
              return { enter, over, highlighted, drop, files: transfer.files.length };
            }
            """,
            new { name = Path.GetFileName(path), base64 = Convert.ToBase64String(await File.ReadAllBytesAsync(path)) });
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.upload-table .study-link').length === 1");
        var link = await page.GetAttributeAsync(".upload-table .study-link", "href");
        var row = await page.InnerTextAsync(".upload-table tbody tr");
        var progress = await page.EvalOnSelectorAsync<double>(".upload-table tbody progress", "p => p.value");
        await PortalPages.CheckInBothLanguagesAsync(Browser, page, "upload-dropped");
        await page.Context.CloseAsync();
        var id = Uri.UnescapeDataString(link!["#/studies/".Length..]);
        await WaitFinalAsync(id);
        return new DroppedFile(id, path, row, progress, events);
    }

    private async Task<JsonElement> WaitFinalAsync(string id)
    {
        using var client = Client(TokenA);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var study = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{id}");
            if (EmbeddedService.FinalStatuses.Contains(study.GetProperty("summary").GetProperty("status").GetString()))
            {
                return study;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Study {id} did not reach a final state:\n{Server.RecentOutput}");
            await Task.Delay(250);
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

        var byKind = new Dictionary<string, string>();
        foreach (var id in links.Select(l => Uri.UnescapeDataString(l["#/studies/".Length..])))
        {
            var study = await WaitFinalAsync(id);
            byKind[study.GetProperty("summary").GetProperty("kind").GetString()!] = id;
        }

        return byKind;
    }
}

/// <summary>The dropped file's study, the upload table's row and progress bar for it, and the page's answer to each drag event.</summary>
public sealed record DroppedFile(string StudyId, string Path, string UploadRow, double Progress, JsonElement Events);

/// <summary>One server, one browser and one upload for every portal test class.</summary>
[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalService>
{
    public const string Name = "portal";
}
