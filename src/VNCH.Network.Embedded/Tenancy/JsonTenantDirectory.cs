using System.Text.Json;
using System.Text.Json.Serialization;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.Tenancy;

/// <summary>
/// tenants.json in the data folder. Re-read when the file changes (the CLI edits it while the server runs);
/// written atomically (temporary file + rename).
/// </summary>
public sealed class JsonTenantDirectory(DataFolder folder) : ITenantDirectory
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // hospital names stay readable
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly SemaphoreSlim gate = new(1, 1);
    // Swapped as one reference so concurrent readers never see a torn (stamp, tenants) pair.
    private Snapshot cache = Snapshot.Empty;

    public async Task<Tenant?> GetAsync(TenantId id, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(t => t.Id == id);

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken)
    {
        var file = new FileInfo(folder.TenantsFile);
        if (!file.Exists)
        {
            return [];
        }

        var current = cache;
        if (current.Stamp == file.LastWriteTimeUtc && current.Length == file.Length)
        {
            return current.Tenants;
        }

        await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var document = await JsonSerializer.DeserializeAsync<TenantsDocument>(stream, Json, cancellationToken)
            ?? throw new InvalidDataException($"{file.FullName} is empty.");
        var tenants = document.Tenants;
        var duplicate = tenants.GroupBy(t => t.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"{file.FullName} lists tenant '{duplicate.Key}' twice.");
        }

        cache = new Snapshot(file.LastWriteTimeUtc, file.Length, tenants);
        return tenants;
    }

    public async Task UpsertAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var tenants = (await ListAsync(cancellationToken)).Where(t => t.Id != tenant.Id).Append(tenant).OrderBy(t => t.Id.Value, StringComparer.Ordinal).ToList();
            DataFolder.CreatePrivateFolder(folder.Root);
            var temporary = folder.TenantsFile + ".tmp";
            await using (var stream = new FileStream(temporary, DataFolder.PrivateFile(FileMode.Create, FileAccess.Write)))
            {
                await JsonSerializer.SerializeAsync(stream, new TenantsDocument(tenants), Json, cancellationToken);
            }

            File.Move(temporary, folder.TenantsFile, overwrite: true);
            cache = Snapshot.Empty;
        }
        finally
        {
            gate.Release();
        }
    }

    private sealed record TenantsDocument(List<Tenant> Tenants);

    private sealed record Snapshot(DateTime Stamp, long Length, IReadOnlyList<Tenant> Tenants)
    {
        public static Snapshot Empty { get; } = new(DateTime.MinValue, -1, []);
    }
}
