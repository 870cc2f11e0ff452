using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VNCH.Network.Dicom;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VNCH.Network.EndToEnd.Tests.Faults;

/// <summary>
/// kill -9 of the embedded server at moments proven to be mid-body (issue 13, "faults" and item 7): each round the
/// client streams a large upload (a single document or a STOW-RS multipart, alternately) and stops half-way; the kill
/// comes only once the server has written part of that body into its staging folder, and once it has begun taking a
/// large inbox file (that hospital's staging file holds bytes). After each kill the leftovers are looked at before the
/// restart (the proof the kill was mid-body), and after the restart: those leftovers are gone, nothing of the cut
/// uploads was recorded (no original, no study, no instance: their retry answers "accepted", not "duplicate"), and at
/// the end every acknowledged upload and every dropped file is stored exactly once and final.
/// </summary>
[Collection(KillNineCollection.Name)]
public sealed class MidBodyCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Kills = 10;
    private const int MaxRounds = 16; // a round whose inbox take ended before the kill does not count; bounded
    private const int MiB = 1024 * 1024;
    private const int UploadBytes = 4 * MiB;
    private const int SentBeforePause = 2 * MiB;
    private const int StagedBeforeKill = 1 * MiB; // the server has read at least this much of the cut body
    private const int InboxFileBytes = 16 * MiB;
    private const string Boundary = "vnch-kill9-boundary";
    private readonly EmbeddedService service = new();

    public Task InitializeAsync() => service.InitializeAsync();

    public Task DisposeAsync() => service.DisposeAsync();

    [Fact]
    public async Task Kill_minus_nine_mid_body_of_http_and_inbox_uploads_records_nothing_partial_and_leaves_no_staging_files()
    {
        // The seed picks the pixel content; the kill moments are set by what the server has staged, not by chance.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("VNCH_FAULT_SEED"), out var chosen) ? chosen : Environment.TickCount & 0x7FFFFFFF;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var restarting = TimeSpan.Zero;
        var phases = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var phase = System.Diagnostics.Stopwatch.StartNew();
        void Lap(string name)
        {
            phases[name] = phases.GetValueOrDefault(name) + phase.Elapsed;
            phase.Restart();
        }

        var random = new Random(seed);
        var run = $"midbody-{seed}";
        output.WriteLine($"seed {seed} (VNCH_FAULT_SEED={seed} repeats its content)");
        var stagingA = Path.Combine(service.DataPath, "originals", EmbeddedService.TenantA, ".staging");
        var stagingB = Path.Combine(service.DataPath, "originals", EmbeddedService.TenantB, ".staging");
        var inbox = Path.Combine(service.DataPath, "inbox", EmbeddedService.TenantB);
        Directory.CreateDirectory(inbox);

        var acknowledged = new Dictionary<string, string>(StringComparer.Ordinal); // sha256 → study UID, hospital A
        var dropped = new Dictionary<string, string>(StringComparer.Ordinal); // sha256 → study UID, hospital B
        var studyInstances = new Dictionary<string, int>(StringComparer.Ordinal); // study UID → instances, hospital A
        int httpMidBody = 0, inboxMidTake = 0, rounds = 0, leftoversRemoved = 0;
        var staged = new List<long>();
        var inboxMissed = new List<string>(); // why a kill did not catch the inbox mid-take
        var next = 0;

        while (inboxMidTake < Kills && rounds < MaxRounds)
        {
            rounds++;
            using var client = service.Client(service.TokenA);

            // An upload answered before the kill: a single document, or a STOW-RS multipart of two instances of one study.
            var answered = rounds % 2 == 0
                ? new[] { Instance($"{run}/a/{next}", 0, 64 * 1024, random) }
                : [Instance($"{run}/a/{next}", 0, 64 * 1024, random), Instance($"{run}/a/{next}", 1, 64 * 1024, random)];
            await UploadAcknowledgedAsync(client, answered, multipart: answered.Length > 1, acknowledged, studyInstances);

            // The cut upload: half of it sent, then the client waits (a stalled hospital link) until the server is dead.
            var cut = Instance($"{run}/a/{next + 1}", 0, UploadBytes, random);
            var cutAsMultipart = rounds % 2 == 0;
            next += 2;
            using var resume = new CancellationTokenSource();
            var cutUpload = SendCutAsync(client, cut.Bytes, cutAsMultipart, resume.Token);
            Lap("answered uploads");
            await WaitForStagedBytesAsync(stagingA, StagedBeforeKill, cutUpload);
            Lap("cut body staged");

            // A large inbox file, settled (older than the settle time), renamed into place as a transfer agent does.
            var file = Instance($"{run}/b/{rounds}", 0, InboxFileBytes, random);
            dropped[file.Sha256] = file.StudyUid;
            var target = Path.Combine(inbox, $"b{rounds:D2}.dcm");
            await File.WriteAllBytesAsync(target + ".part", file.Bytes);
            File.SetLastWriteTimeUtc(target + ".part", DateTime.UtcNow.AddMinutes(-1));
            File.Move(target + ".part", target);
            Lap("inbox file written");
            var takeSeen = await WaitForStagedBytesAsync(stagingB, 1, null, TimeSpan.FromSeconds(15));
            Lap("inbox take seen");

            await service.KillAsync();
            await resume.CancelAsync();

            // Not acknowledged: the client never got an answer for the cut body.
            var answer = await Record.ExceptionAsync(() => cutUpload);
            Assert.True(answer is HttpRequestException or IOException or TaskCanceledException,
                $"round {rounds}: the cut upload was answered or failed oddly: {answer?.GetType().Name ?? "an answer"}");

            // Proof of the moment of the kill: what the dead server was writing is still in its staging folders.
            var leftoversA = StagingFiles(stagingA);
            var leftoversB = StagingFiles(stagingB);
            var cutStaged = leftoversA.Where(f => f.Length >= StagedBeforeKill).ToList();
            Assert.True(cutStaged.Count == 1, $"round {rounds}: expected the cut body's staging file, found {leftoversA.Count} file(s)");
            staged.Add(cutStaged[0].Length);
            httpMidBody++;
            var inboxCaught = takeSeen && leftoversB.Any(f => f.Length > 0) && File.Exists(target);
            if (inboxCaught)
            {
                inboxMidTake++;
            }
            else
            {
                inboxMissed.Add(!takeSeen ? "take not seen in time" : File.Exists(target) ? "staging file gone" : "file already taken");
            }

            var restart = System.Diagnostics.Stopwatch.StartNew();
            await service.RestartAsync();
            restarting += restart.Elapsed;
            Lap("kill, leftovers, restart");
            using var restarted = service.Client(service.TokenA); // the new process listens on a port of its own

            // The restart removed every leftover (before the server answered its health check).
            var leftovers = leftoversA.Concat(leftoversB).Select(f => f.FullName).ToList();
            Assert.All(leftovers, f => Assert.False(File.Exists(f), $"round {rounds}: staging leftover {f} survived the restart"));
            leftoversRemoved += leftovers.Count;

            // Nothing partial was recorded: hospital A holds exactly the acknowledged originals and studies.
            Assert.Equal(acknowledged.Keys.Order(StringComparer.Ordinal), Originals(EmbeddedService.TenantA));
            var studiesA = await EmbeddedService.ListAllAsync(restarted);
            Assert.DoesNotContain(studiesA, s => s.GetProperty("studyInstanceUid").GetString() == cut.StudyUid);
            Assert.Equal(studyInstances.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}:{s.Value}"),
                studiesA.Select(s => $"{s.GetProperty("studyInstanceUid").GetString()}:{s.GetProperty("instanceCount").GetInt32()}").Order(StringComparer.Ordinal));

            // Hospital B: only whole dropped files (a cut take leaves no original of its own).
            Assert.All(Originals(EmbeddedService.TenantB), sha => Assert.Contains(sha, dropped.Keys));

            // The client retries the cut upload: "accepted", so no instance record of it existed.
            await UploadAcknowledgedAsync(restarted, [cut], cutAsMultipart, acknowledged, studyInstances);
            Lap("checks after restart, retry");
        }

        // Every file dropped is taken after the last restart, each stored once, every study of both hospitals final.
        using (var b = service.Client(service.TokenB))
        {
            var studiesB = await service.WaitForFinalAsync(b, dropped.Count, TimeSpan.FromMinutes(2));
            Assert.Equal(dropped.Values.Order(StringComparer.Ordinal), studiesB.Select(s => s.GetProperty("studyInstanceUid").GetString()!).Order(StringComparer.Ordinal));
            Assert.All(studiesB, s => Assert.Equal(1, s.GetProperty("instanceCount").GetInt32()));
        }

        await WaitUntilAsync(() => !Directory.EnumerateFiles(inbox, "*", SearchOption.AllDirectories).Any(), TimeSpan.FromSeconds(30));
        Assert.Equal(dropped.Keys.Order(StringComparer.Ordinal), Originals(EmbeddedService.TenantB));
        using (var a = service.Client(service.TokenA))
        {
            var studiesA = await service.WaitForFinalAsync(a, studyInstances.Count, TimeSpan.FromMinutes(2));
            Assert.Equal(studyInstances.Count, studiesA.Count);
            Assert.All(studiesA, s => Assert.Equal("no-analyser", s.GetProperty("status").GetString()));
        }

        Assert.Equal(acknowledged.Keys.Order(StringComparer.Ordinal), Originals(EmbeddedService.TenantA));
        Assert.Empty(StagingFiles(stagingA).Concat(StagingFiles(stagingB)));
        Assert.True(inboxMidTake >= Kills, $"only {inboxMidTake} of {rounds} kills caught an inbox file being taken");
        Assert.Equal(rounds, httpMidBody);

        Lap("final checks");
        var message = $"kill -9 mid-body run (seed {seed}): kills {rounds}, HTTP bodies cut mid-body {httpMidBody} (staged {staged.Min() / (double)MiB:F1}-{staged.Max() / (double)MiB:F1} MiB " +
                      $"of {UploadBytes / MiB} MiB when killed), inbox files cut mid-take {inboxMidTake} (missed {inboxMissed.Count}{(inboxMissed.Count > 0 ? ": " + string.Join(", ", inboxMissed) : "")}), staging leftovers found after the kills {leftoversRemoved}, " +
                      $"left after restart 0, acknowledged {acknowledged.Count} HTTP + {dropped.Count} inbox files, lost 0, stored twice 0; " +
                      $"{clock.Elapsed.TotalSeconds:F0} s of which restarts {restarting.TotalSeconds:F0} s";
        output.WriteLine(message);
        output.WriteLine(string.Join(", ", phases.Select(p => $"{p.Key} {p.Value.TotalSeconds:F1} s")));
        Console.WriteLine(message);
    }

    /// <summary>Uploads whole documents and requires each to be answered "accepted" (a first store of its bytes).</summary>
    private static async Task UploadAcknowledgedAsync(
        HttpClient client, IReadOnlyList<Synthetic> documents, bool multipart, Dictionary<string, string> acknowledged, Dictionary<string, int> studyInstances)
    {
        using var content = multipart ? Multipart(documents.Select(d => d.Bytes)) : Single(documents[0].Bytes);
        using var response = await client.PostAsync("/api/v1/studies", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var instances = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instances").EnumerateArray().ToList();
        Assert.Equal(documents.Count, instances.Count);
        foreach (var (document, answer) in documents.Zip(instances))
        {
            Assert.Equal("accepted", answer.GetProperty("status").GetString());
            Assert.Equal(document.Sha256, answer.GetProperty("sha256").GetString());
            acknowledged.Add(document.Sha256, document.StudyUid);
            studyInstances[document.StudyUid] = studyInstances.GetValueOrDefault(document.StudyUid) + 1;
        }
    }

    private static async Task SendCutAsync(HttpClient client, byte[] document, bool multipart, CancellationToken resume)
    {
        using var whole = multipart ? Multipart([document]) : Single(document);
        var body = await whole.ReadAsByteArrayAsync();
        using var content = new PausingContent(body, SentBeforePause, resume);
        content.Headers.ContentType = whole.Headers.ContentType;

        using var response = await client.PostAsync("/api/v1/studies", content);
        throw new InvalidOperationException($"The cut upload was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static ByteArrayContent Single(byte[] document)
    {
        var content = new ByteArrayContent(document);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        return content;
    }

    private static ByteArrayContent Multipart(IEnumerable<byte[]> documents)
    {
        using var body = new MemoryStream();
        foreach (var document in documents)
        {
            body.Write(Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Type: application/dicom\r\n\r\n"));
            body.Write(document);
            body.Write("\r\n"u8);
        }

        body.Write(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/related; type=\"application/dicom\"; boundary={Boundary}");
        return content;
    }

    /// <summary>
    /// Waits until a staging folder holds a file of at least <paramref name="bytes"/> bytes (the server has read that
    /// much of a body); false when <paramref name="timeout"/> passes first. Fails if <paramref name="upload"/> ends first.
    /// </summary>
    private static async Task<bool> WaitForStagedBytesAsync(string staging, long bytes, Task? upload, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (StagingFiles(staging).Any(f => f.Length >= bytes))
            {
                return true;
            }

            if (upload is { IsCompleted: true })
            {
                await upload; // its exception says why the server stopped reading
                throw new InvalidOperationException("The cut upload ended before the server staged its body.");
            }

            await Task.Delay(1);
        }

        Assert.True(upload is null, $"The server staged no {bytes} bytes of the cut body within the time allowed.");
        return false;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the inbox to be emptied.");
            await Task.Delay(100);
        }
    }

    private static List<FileInfo> StagingFiles(string staging)
    {
        try
        {
            return new DirectoryInfo(staging).EnumerateFiles().ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
        catch (FileNotFoundException)
        {
            return []; // removed between listing and sizing: no longer being written
        }
    }

    /// <summary>The SHA-256 names of a hospital's stored originals (its staging folder excluded), sorted.</summary>
    private List<string> Originals(string tenant)
    {
        var root = Path.Combine(service.DataPath, "originals", tenant);
        return !Directory.Exists(root)
            ? []
            : [.. Directory.EnumerateDirectories(root).Where(d => Path.GetFileName(d) != ".staging")
                .SelectMany(Directory.EnumerateFiles).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
    }

    /// <summary>A secondary-capture instance of about <paramref name="pixelBytes"/> bytes of 8-bit pixels: random rows, repeated (cheap to make).</summary>
    private static Synthetic Instance(string study, int instance, int pixelBytes, Random random)
    {
        const int Columns = 1024;
        const int RandomRows = 64;
        var rows = pixelBytes / Columns;
        var pixels = new byte[rows * Columns];
        random.NextBytes(pixels.AsSpan(0, Math.Min(pixels.Length, RandomRows * Columns)));
        for (var at = RandomRows * Columns; at < pixels.Length; at += RandomRows * Columns)
        {
            pixels.AsSpan(0, Math.Min(RandomRows * Columns, pixels.Length - at)).CopyTo(pixels.AsSpan(at));
        }

        var studyUid = DicomUid.FromName($"{study}/study");
        var dataset = new DicomDataset()
            .Add(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
            .Add(DicomTags.SOPInstanceUID, DicomUid.FromName($"{study}/instance/{instance}"))
            .Add(DicomTags.StudyInstanceUID, studyUid)
            .Add(DicomTags.SeriesInstanceUID, DicomUid.FromName($"{study}/series"))
            .Add(DicomTags.Modality, "OT")
            .Add(DicomTags.PatientID, "KILL9")
            .Add(DicomTags.InstanceNumber, instance + 1)
            .Add(DicomTags.SamplesPerPixel, 1)
            .Add(DicomTags.PhotometricInterpretation, "MONOCHROME2")
            .Add(DicomTags.Rows, rows)
            .Add(DicomTags.Columns, Columns)
            .Add(DicomTags.BitsAllocated, 8)
            .Add(DicomTags.BitsStored, 8)
            .Add(DicomTags.HighBit, 7)
            .Add(DicomTags.PixelRepresentation, 0)
            .Add(DicomTags.PixelData, DicomVR.OW, pixels);
        using var stream = new MemoryStream();
        DicomWriter.Write(stream, dataset);
        var bytes = stream.ToArray();
        return new Synthetic(bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), studyUid);
    }

    private sealed record Synthetic(byte[] Bytes, string Sha256, string StudyUid);

    /// <summary>Sends the first <paramref name="sendFirst"/> bytes, then stalls until <paramref name="resume"/>, then sends the rest.</summary>
    private sealed class PausingContent(byte[] body, int sendFirst, CancellationToken resume) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, sendFirst));
            await stream.FlushAsync();
            try
            {
                await Task.Delay(Timeout.Infinite, resume);
            }
            catch (OperationCanceledException)
            {
                // The stall is over (the server was killed meanwhile): the rest goes to a dead connection.
            }

            await stream.WriteAsync(body.AsMemory(sendFirst));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
