using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VNCH.Network.Cli.Commands.Upload;

/// <summary>One line of the journal: the server's verdict on one file's content.</summary>
public sealed record JournalEntry(string Server, string Sha256, string Path, long Length, string Status, string? StudyId, string? Reason, string? Message, DateTimeOffset At);

/// <summary>
/// The local upload journal: JSON lines keyed by server and the file's SHA-256, appended as each verdict arrives, so
/// an interrupted run resumes where it stopped and a re-run does not send again what the server already holds.
/// Only the server's verdicts are kept (accepted, duplicate, rejected); transport failures are not, so they are retried.
/// A torn last line (the run was killed mid-write) is ignored.
/// </summary>
public sealed class UploadJournal : IDisposable
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, JournalEntry> entries = new(StringComparer.Ordinal);
    private readonly StreamWriter writer;
    private readonly Lock gate = new();
    private readonly string server;

    public UploadJournal(string path, string server)
    {
        this.server = server;
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                try
                {
                    if (JsonSerializer.Deserialize<JournalEntry>(line, Options) is { } entry && entry.Server == server)
                    {
                        entries[entry.Sha256] = entry;
                    }
                }
                catch (JsonException)
                {
                    // A line torn by a killed run: that file is simply sent again (the server dedupes).
                }
            }
        }

        var tornTail = File.Exists(path) && !EndsWithNewLine(path);
        writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        if (tornTail)
        {
            writer.Write('\n');
        }
    }

    public string Path { get; }

    /// <summary>The default journal: one file per server under the user's local application data.</summary>
    public static string DefaultPath(string server)
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(server)))[..16];
        return System.IO.Path.Combine(root, "vnch", "upload-journal", $"{key}.jsonl");
    }

    public JournalEntry? Find(string sha256) => entries.GetValueOrDefault(sha256);

    public JournalEntry Entry(string sha256, string path, long length, string status, string? studyId, string? reason, string? message) =>
        new(server, sha256, System.IO.Path.GetFullPath(path), length, status, studyId, reason, message, DateTimeOffset.UtcNow);

    /// <summary>Appends the verdicts of one request with one write: a killed run loses at most that request's lines.</summary>
    public void Record(IReadOnlyList<JournalEntry> verdicts)
    {
        foreach (var entry in verdicts)
        {
            entries[entry.Sha256] = entry;
        }

        lock (gate)
        {
            foreach (var entry in verdicts)
            {
                writer.WriteLine(JsonSerializer.Serialize(entry, Options));
            }

            writer.Flush();
        }
    }

    public void Dispose() => writer.Dispose();

    private static bool EndsWithNewLine(string path)
    {
        using var stream = File.OpenRead(path);
        if (stream.Length == 0)
        {
            return true;
        }

        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() == '\n';
    }
}
