using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Inbox;
using VNCH.Network.Embedded.Tests.Contracts;
using VNCH.Network.Testing;

namespace VNCH.Network.Embedded.Tests.Inbox;

/// <summary>
/// Issue 13, items 1 and 2: the inbox is a tenant boundary. Hospital A's folder may hold links, FIFOs and sockets
/// that point at or stand in for hospital B's data; none of them is ever read or moved, each is reported once, and
/// none of them stops the inbox for anyone else.
/// </summary>
public sealed class InboxHostileEntriesTests : InboxFixture
{
    private static readonly TenantId A = TenantId.Parse("hosp-a");
    private static readonly TenantId B = TenantId.Parse("hosp-b");
    private readonly InMemoryAuditSink audit = new();

    [Fact]
    public async Task A_symbolic_link_to_another_hospitals_original_is_refused_and_the_original_stays()
    {
        await using var services = await ServicesAsync();
        var original = await StoreOriginalForBAsync(services);
        File.CreateSymbolicLink(Path.Combine(InboxOf(A), "evil.dcm"), original);

        await services.GetRequiredService<InboxWatcher>().ScanOnceAsync(CancellationToken.None);

        await AssertNothingTakenAsync(services, original);
        Assert.Contains(Refusals(), r => r.Tenant == A && r.Detail == "refused, a symbolic link: inbox:hosp-a/evil.dcm");
        Assert.True(new FileInfo(Path.Combine(InboxOf(A), "evil.dcm")).LinkTarget is not null, "the link itself is left where it is");
    }

    [Fact]
    public async Task A_symbolic_link_to_another_hospitals_folder_is_never_followed()
    {
        await using var services = await ServicesAsync();
        var original = await StoreOriginalForBAsync(services);
        var bFolder = Path.GetDirectoryName(Path.GetDirectoryName(original))!;
        Directory.CreateSymbolicLink(Path.Combine(InboxOf(A), "b-store"), bFolder);

        await services.GetRequiredService<InboxWatcher>().ScanOnceAsync(CancellationToken.None);

        await AssertNothingTakenAsync(services, original);
        Assert.Contains(Refusals(), r => r.Detail == "refused, a symbolic link: inbox:hosp-a/b-store");
    }

    [Fact]
    public async Task A_hard_link_to_another_hospitals_original_is_refused()
    {
        await using var services = await ServicesAsync();
        var original = await StoreOriginalForBAsync(services);
        Run("ln", original, Path.Combine(InboxOf(A), "hard.dcm"));

        await services.GetRequiredService<InboxWatcher>().ScanOnceAsync(CancellationToken.None);

        await AssertNothingTakenAsync(services, original);
        Assert.Contains(Refusals(), r => r.Detail == "refused, a hard link to a file elsewhere: inbox:hosp-a/hard.dcm");
    }

    [Fact]
    public async Task A_fifo_and_a_socket_cost_only_themselves_and_are_reported_once()
    {
        await using var services = await ServicesAsync();
        Run("mkfifo", Path.Combine(InboxOf(A), "a-fifo"));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(InboxOf(A), "a-socket")));
        File.Copy(TestData.File("dicom/dicomParser/testImages/CT1_UNC.explicit_little_endian.dcm"), Path.Combine(InboxOf(B), "good.dcm"));
        var watcher = services.GetRequiredService<InboxWatcher>();

        // A FIFO with no writer must not hang the scan; B's file is taken all the same.
        Assert.Equal(1, await watcher.ScanOnceAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await watcher.ScanOnceAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

        var page = await services.GetRequiredService<IStudyStore>().QueryAsync(B, new StudyQuery(), CancellationToken.None);
        Assert.Single(page.Items);
        Assert.Equal(
            ["refused, a FIFO: inbox:hosp-a/a-fifo", "refused, a socket: inbox:hosp-a/a-socket"],
            Refusals().Select(r => r.Detail!).Order(StringComparer.Ordinal));
    }

    private async Task<ServiceProvider> ServicesAsync()
    {
        var provider = InboxServices(audit);
        foreach (var tenant in new[] { A, B })
        {
            await provider.GetRequiredService<ITenantDirectory>().UpsertAsync(
                new Tenant { Id = tenant, Name = tenant.Value, Mappings = [new(TenantMappingKind.HospitalClaim, tenant.Value)] }, CancellationToken.None);
            Directory.CreateDirectory(InboxOf(tenant));
        }

        return provider;
    }

    /// <summary>Hospital B sends a study through its own inbox; returns the path of the original kept for it.</summary>
    private async Task<string> StoreOriginalForBAsync(ServiceProvider services)
    {
        File.Copy(TestData.File("dicom/dicomParser/testImages/CT1_UNC.explicit_little_endian.dcm"), Path.Combine(InboxOf(B), "b.dcm"));
        Assert.Equal(1, await services.GetRequiredService<InboxWatcher>().ScanOnceAsync(CancellationToken.None));
        var store = services.GetRequiredService<IStudyStore>();
        var study = Assert.Single((await store.QueryAsync(B, new StudyQuery(), CancellationToken.None)).Items);
        var sha256 = Assert.Single(await store.ListInstancesAsync(B, study.Id, CancellationToken.None)).Sha256;
        return Path.Combine(Folder.Originals, B.Value, sha256[..2], sha256);
    }

    private async Task AssertNothingTakenAsync(ServiceProvider services, string bOriginal)
    {
        Assert.Empty((await services.GetRequiredService<IStudyStore>().QueryAsync(A, new StudyQuery(), CancellationToken.None)).Items);
        Assert.True(File.Exists(bOriginal), "hospital B's original is where it was");
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Folder.Processed, "*", SearchOption.AllDirectories),
            p => p.Contains("hosp-a", StringComparison.Ordinal));
    }

    private IEnumerable<AuditRecord> Refusals() => audit.All.Where(r => r.Detail?.StartsWith("refused", StringComparison.Ordinal) == true);

    private string InboxOf(TenantId tenant) => Path.Combine(Folder.Inbox, tenant.Value);

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} failed: {process.StandardError.ReadToEnd()}");
    }
}
