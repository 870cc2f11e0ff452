using BenchmarkDotNet.Attributes;
using VNCH.Network.Dicom;
using VNCH.Network.Dicom.Imaging;
using VNCH.Network.Testing;

namespace VNCH.Network.Benchmarks.Pixels;

/// <summary>
/// Pixel decoding throughput, the same work as pydicom's "(c2) pixel_array only" in dicom/PEER_TIMINGS.md: the 137
/// native-transfer-syntax image files of dicom/reference/bench_native_image_files.txt are read into memory first
/// (untimed), then every frame of every file is decoded; MB/s counts decoded pixel bytes (10^6 bytes).
/// Also frame rendering (ToGray8) and the compressed codecs on single files.
/// One-shot: <c>dotnet run -c Release --project tests/VNCH.Network.Benchmarks -- pixels</c>; BenchmarkDotNet: <c>-- pixels-bdn</c>.
/// </summary>
[MemoryDiagnoser]
public class PixelBench
{
    private List<DicomPixelFrames> natives = [];
    private DicomPixelFrames chestMono1 = null!;
    private DicomPixelFrames jpegBaseline = null!;
    private DicomPixelFrames jpegLossless = null!;
    private DicomPixelFrames rle = null!;

    [GlobalSetup]
    public void Setup()
    {
        var list = File.ReadAllLines(TestData.File("dicom/reference/bench_native_image_files.txt")).Where(l => l.Length > 0);
        natives = list.Select(path => Load("dicom/" + path)).ToList();
        chestMono1 = Load("dicom/fo-dicom/TestData/CR-MONO1-10-chest");
        jpegBaseline = Load("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm");
        jpegLossless = Load("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.70.dcm");
        rle = Load("dicom/fo-dicom/TestData/D_CLUNIE_CT1_RLE_FRAGS.dcm");
    }

    [Benchmark]
    public long DecodeAllNativeFrames() => DecodeAll(natives);

    [Benchmark]
    public byte[] RenderChestMonochrome1ToGray8()
    {
        using var frame = chestMono1.DecodeFrame(0);
        return GrayscaleRenderer.ToGray8(frame);
    }

    [Benchmark]
    public long DecodeJpegBaselineChest() => DecodeAll([jpegBaseline]);

    [Benchmark]
    public long DecodeJpegLossless() => DecodeAll([jpegLossless]);

    [Benchmark]
    public long DecodeRle() => DecodeAll([rle]);

    public static int RunOnce()
    {
        var bench = new PixelBench();
        bench.Setup();
        var decodedBytes = DecodeAll(bench.natives);
        var fileBytes = File.ReadAllLines(TestData.File("dicom/reference/bench_native_image_files.txt"))
            .Where(l => l.Length > 0).Sum(l => new FileInfo(TestData.File("dicom/" + l)).Length);
        Console.WriteLine($"load average {OneShotTimer.LoadAverage()}; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"native-TS image files: {bench.natives.Count} files, {fileBytes / 1e6:0.00} MB on disk, {bench.natives.Sum(p => p.FrameCount)} frames, {decodedBytes / 1e6:0.00} MB decoded per pass");
        Report("decode every frame of the native files (pydicom c2: 937 MB/s)", 15, decodedBytes, () => DecodeAll(bench.natives));
        Report("JPEG baseline pediatric CXR (1 frame)", 15, Size(bench.jpegBaseline), () => DecodeAll([bench.jpegBaseline]));
        Report("JPEG lossless SV1 CT (1 frame)", 15, Size(bench.jpegLossless), () => DecodeAll([bench.jpegLossless]));
        Report("RLE CT, fragmented (1 frame)", 15, Size(bench.rle), () => DecodeAll([bench.rle]));
        Report("CR MONOCHROME1 chest decode + ToGray8", 15, Size(bench.chestMono1), () => bench.RenderChestMonochrome1ToGray8().Length);
        return 0;
    }

    private static long Size(DicomPixelFrames pixels) => pixels.Info.DecodedFrameBytes * pixels.FrameCount;

    private static DicomPixelFrames Load(string path)
    {
        var file = DicomReader.Read(File.ReadAllBytes(TestData.File(path)), new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        return DicomPixelFrames.FromFile(file);
    }

    private static long DecodeAll(IEnumerable<DicomPixelFrames> all)
    {
        long bytes = 0;
        foreach (var pixels in all)
        {
            for (var f = 0; f < pixels.FrameCount; f++)
            {
                using var frame = pixels.DecodeFrame(f);
                bytes += frame.ByteLength;
            }
        }

        return bytes;
    }

    private static void Report(string what, int runs, long bytes, Func<long> action)
    {
        var t = OneShotTimer.Measure(runs, () => action());
        Console.WriteLine(
            $"{what}: wall median {t.WallMedian * 1000:0.00} ms = {bytes / 1e6 / t.WallMedian:0} MB/s, best {t.WallBest * 1000:0.00} ms = {bytes / 1e6 / t.WallBest:0} MB/s, " +
            $"CPU median {t.CpuMedian * 1000:0.00} ms = {bytes / 1e6 / Math.Max(t.CpuMedian, 1e-6):0} MB/s ({runs} runs)");
    }
}
