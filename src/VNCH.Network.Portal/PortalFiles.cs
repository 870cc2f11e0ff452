using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace VNCH.Network.Portal;

/// <summary>One static file of the portal, read once from the assembly's resources.</summary>
public sealed record PortalFile(string Path, byte[] Content, string ContentType, string ETag);

/// <summary>
/// The portal's files, compiled into this assembly (resource names <c>portal/&lt;path&gt;</c>). Only names in this
/// set are served: a request path is a dictionary key, never a file-system path, so nothing else can be reached.
/// </summary>
public sealed class PortalFiles
{
    public const string BasePath = "/portal";
    public const string IndexFile = "index.html";
    private const string ResourcePrefix = "portal/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".json"] = "application/json; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, PortalFile> files;

    private PortalFiles(FrozenDictionary<string, PortalFile> files) => this.files = files;

    public IEnumerable<PortalFile> All => files.Values;

    public static PortalFiles Load()
    {
        var assembly = typeof(PortalFiles).Assembly;
        var loaded = new Dictionary<string, PortalFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var path = name[ResourcePrefix.Length..].Replace('\\', '/');
            if (!ContentTypes.TryGetValue(Path.GetExtension(path), out var contentType))
            {
                continue; // a file type we do not serve (e.g. an editor's backup) stays unreachable
            }

            var content = Read(assembly, name);
            loaded[path] = new PortalFile(path, content, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\"");
        }

        return loaded.ContainsKey(IndexFile)
            ? new PortalFiles(loaded.ToFrozenDictionary(StringComparer.Ordinal))
            : throw new InvalidOperationException($"The portal's {IndexFile} is not among the resources of {assembly.GetName().Name}.");
    }

    public bool TryGet(string path, out PortalFile file) => files.TryGetValue(path, out file!);

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
