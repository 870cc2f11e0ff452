using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VNCH.Network.Benchmarks.Cli;
using VNCH.Network.Dicom;
using VNCH.Network.Testing;

namespace VNCH.Network.Benchmarks.Service;

/// <summary>
/// A 1 GiB upload in bounded memory (issue 12): the embedded server, started as a process, receives two STOW-RS
/// multipart/related requests of about <c>M</c> MiB each, generated while they are sent (nothing of them is held in
/// memory or written to disk by the client): one multi-frame DICOM instance of M frames of 1 MiB, and a long multipart
/// of M/S instances of S MiB. The server's resident set is sampled every 100 ms from /proc (VmRSS) beside its
/// high-water mark (VmHWM). Prints peak RSS, throughput and whether every stored original's SHA-256 (recomputed from
/// the data folder) equals the SHA-256 of the bytes sent. The input budgets are raised for the run by configuration
/// (<c>Vnch:InputBudgets</c>), never by changing their defaults.
/// Usage: upload-1gb [M=1024] [S=1]
/// </summary>
public static class LargeUploadBench
{
    private const int MiB = 1024 * 1024;
    private const string Tenant = "bench-large";
    private const string Boundary = "vnch-large-upload";

    public static int Run(string[] args)
    {
        var totalMiB = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1024;
        var instanceMiB = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        return RunAsync(totalMiB, instanceMiB).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int totalMiB, int instanceMiB)
    {
        using var root = new TempDirectory("vnch-large-upload");
        var data = Path.Combine(root.Path, "data");
        var noModels = Directory.CreateDirectory(Path.Combine(root.Path, "no-models")).FullName;
        await UploadThroughputBench.Vnch("tenant", "add", Tenant, "--name", "Large upload bench", "--data-path", data);
        var token = (await UploadThroughputBench.Vnch("token", "--tenant", Tenant, "--roles", "Studies.Upload,Studies.Read", "--data-path", data)).Trim();
        var serverUrl = $"http://127.0.0.1:{UploadThroughputBench.FreePort()}";
        var parts = Math.Max(1, totalMiB / instanceMiB);
        using var server = UploadThroughputBench.Start(UploadThroughputBench.Built("VNCH.Network.Server", "VNCH.Network.Server.dll"),
            "--urls", serverUrl, "--data-path", data, $"--Inference:ModelsPath={noModels}", "--Logging:LogLevel:Default=Warning",
            // Budgets for this run only: one DICOM document of M MiB, a request of M MiB, M/S parts.
            $"--Vnch:InputBudgets:MaxDicomBytes={((long)totalMiB + 16) * MiB}",
            $"--Vnch:InputBudgets:MaxRequestBytes={((long)totalMiB + 64) * MiB}",
            $"--Vnch:InputBudgets:MaxMultipartParts={parts + 16}");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(serverUrl), Timeout = TimeSpan.FromMinutes(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await UploadThroughputBench.WaitHealthyAsync(http);

            // Warm-up (JIT, database, first study): the baseline the large uploads are compared with.
            var warm = await SendAsync(http, [GeneratedInstance.Create("warm-up", 0, 1)]);
            var baseline = Status(server.Id, "VmRSS:");
            Console.WriteLine($"upload-1gb: embedded server, {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}; RSS after a warm-up upload {baseline:F0} MB ({warm.Count} instance)");

            var multiFrame = new[] { GeneratedInstance.Create("multi-frame", 0, totalMiB) };
            var longMultipart = Enumerable.Range(0, parts).Select(i => GeneratedInstance.Create($"long-multipart/{i / 100}", i, instanceMiB)).ToArray();
            var sent = new List<GeneratedInstance>();
            foreach (var (name, instances) in new[] { ("one multi-frame instance", multiFrame), ($"long multipart of {parts} instances", longMultipart) })
            {
                using var memory = new IngestOrthancBench.PeakMemory(server.Id);
                var clock = Stopwatch.StartNew();
                var answers = await SendAsync(http, instances);
                var seconds = clock.Elapsed.TotalSeconds;
                var bytes = instances.Sum(i => i.Length);
                var matching = instances.Zip(answers).Count(pair => pair.Second.Status == "accepted" && pair.Second.Sha256 == pair.First.Sha256);
                Console.WriteLine($"  {name}: {bytes / (double)MiB:F0} MiB in {seconds:F1} s = {bytes / (double)MiB / seconds:F1} MiB/s; " +
                                  $"server peak RSS {memory.PeakMegabytes:F0} MB (sampled every 100 ms); {matching}/{instances.Length} answered accepted with the SHA-256 sent");
                sent.AddRange(instances);
            }

            var stored = sent.Count(i => i.Sha256 is { } sha256 && StoredSha256(data, sha256) == sha256);
            var hwm = Status(server.Id, "VmHWM:");
            Console.WriteLine($"  stored originals whose SHA-256 (recomputed from the data folder) equals the bytes sent: {stored}/{sent.Count}; server VmHWM over the whole run {hwm:F0} MB");
            return stored == sent.Count ? 0 : 1;
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static async Task<List<(string Status, string? Sha256)>> SendAsync(HttpClient http, IReadOnlyList<GeneratedInstance> instances)
    {
        using var content = new GeneratedMultipart(instances);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/related; type=\"application/dicom\"; boundary={Boundary}");
        using var response = await http.PostAsync("/api/v1/studies", content);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The upload was answered {(int)response.StatusCode}: {body}");
        }

        return [.. JsonDocument.Parse(body).RootElement.GetProperty("instances").EnumerateArray()
            .Select(i => (i.GetProperty("status").GetString()!, i.GetProperty("sha256").GetString()))];
    }

    /// <summary>The SHA-256 of the stored original named <paramref name="sha256"/>, recomputed from its file (null when absent).</summary>
    private static string? StoredSha256(string data, string sha256)
    {
        var path = Path.Combine(data, "originals", Tenant, sha256[..2], sha256);
        if (!File.Exists(path))
        {
            return null;
        }

        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    private static double Status(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>
    /// A secondary-capture DICOM instance of <c>frames</c> frames of 1024 × 1024 8-bit pixels (1 MiB each): its head
    /// (meta information and attributes, up to the Pixel Data element's header) is held; the frames are generated as
    /// they are sent. Its SHA-256 is known once it has been sent.
    /// </summary>
    private sealed class GeneratedInstance
    {
        private static readonly byte[] Block = RandomBlock();

        private GeneratedInstance(byte[] head, int frames, int index)
        {
            Head = head;
            Frames = frames;
            Index = index;
        }

        public byte[] Head { get; }

        public int Frames { get; }

        public int Index { get; }

        public long Length => Head.Length + ((long)Frames * MiB);

        public string? Sha256 { get; set; }

        public static GeneratedInstance Create(string study, int index, int frames)
        {
            var dataset = new DicomDataset()
                .Add(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
                .Add(DicomTags.SOPInstanceUID, DicomUid.FromName($"upload-1gb/{study}/{index}"))
                .Add(DicomTags.StudyInstanceUID, DicomUid.FromName($"upload-1gb/{study}"))
                .Add(DicomTags.SeriesInstanceUID, DicomUid.FromName($"upload-1gb/{study}/series"))
                .Add(DicomTags.Modality, "OT")
                .Add(DicomTags.PatientID, "BENCH1GB")
                .Add(DicomTags.InstanceNumber, index + 1)
                .Add(DicomTags.NumberOfFrames, frames)
                .Add(DicomTags.SamplesPerPixel, 1)
                .Add(DicomTags.PhotometricInterpretation, "MONOCHROME2")
                .Add(DicomTags.Rows, 1024)
                .Add(DicomTags.Columns, 1024)
                .Add(DicomTags.BitsAllocated, 8)
                .Add(DicomTags.BitsStored, 8)
                .Add(DicomTags.HighBit, 7)
                .Add(DicomTags.PixelRepresentation, 0);
            using var head = new MemoryStream();
            DicomWriter.Write(head, dataset); // explicit VR little endian; Pixel Data (7FE0,0010) comes last
            head.Write([0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0]);
            head.Write(BitConverter.GetBytes(checked((uint)((long)frames * MiB))));
            return new GeneratedInstance(head.ToArray(), frames, index);
        }

        /// <summary>Writes the instance, hashing it on the way; frame k of instance i is the random block stamped with (i, k).</summary>
        public async Task WriteAsync(Stream stream)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Head);
            await stream.WriteAsync(Head);
            var frame = new byte[MiB];
            for (var k = 0; k < Frames; k++)
            {
                Block.CopyTo(frame, 0);
                BitConverter.TryWriteBytes(frame.AsSpan(0, 4), Index);
                BitConverter.TryWriteBytes(frame.AsSpan(4, 4), k);
                hash.AppendData(frame);
                await stream.WriteAsync(frame);
            }

            Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        private static byte[] RandomBlock()
        {
            var block = new byte[MiB];
            new Random(1207).NextBytes(block);
            return block;
        }
    }

    /// <summary>multipart/related of generated instances, with its length known up front (no chunked encoding).</summary>
    private sealed class GeneratedMultipart(IReadOnlyList<GeneratedInstance> instances) : HttpContent
    {
        private static readonly byte[] PartHead = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Type: application/dicom\r\n\r\n");
        private static readonly byte[] PartEnd = "\r\n"u8.ToArray();
        private static readonly byte[] Closing = Encoding.ASCII.GetBytes($"--{Boundary}--\r\n");

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            foreach (var instance in instances)
            {
                await stream.WriteAsync(PartHead);
                await instance.WriteAsync(stream);
                await stream.WriteAsync(PartEnd);
            }

            await stream.WriteAsync(Closing);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = instances.Sum(i => PartHead.Length + i.Length + PartEnd.Length) + Closing.Length;
            return true;
        }
    }
}
