using System.Text;
using Xunit.Abstractions;

namespace VNCH.Network.Dicom.Tests.Robustness;

/// <summary>
/// Seeded, deterministic mutations of varied corpus files (bit flips, 0xFF/0x00 over length fields, truncations,
/// duplicated chunks, random runs): every read must end in data or a <see cref="DicomException"/>, within 2 s.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    // VNCH_FUZZ_ITERATIONS / VNCH_FUZZ_SEED run longer or different campaigns locally; CI uses the defaults.
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("VNCH_FUZZ_ITERATIONS"), out var n) ? n : 3000;
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("VNCH_FUZZ_SEED"), out var s) ? s : 20261125;
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(2);

    private static readonly string[] Seeds =
    [
        "pydicom/src/pydicom/data/test_files/CT_small.dcm",
        "pydicom/src/pydicom/data/test_files/MR_small_bigendian.dcm",
        "pydicom/src/pydicom/data/test_files/MR_small_implicit.dcm",
        "pydicom/src/pydicom/data/test_files/image_dfl.dcm",
        "pydicom/src/pydicom/data/test_files/waveform_ecg.dcm",
        "pydicom/src/pydicom/data/test_files/UN_sequence.dcm",
        "pydicom/src/pydicom/data/test_files/nested_priv_SQ.dcm",
        "pydicom/src/pydicom/data/test_files/rtplan.dcm",
        "pydicom/src/pydicom/data/test_files/test-SR.dcm",
        "pydicom/src/pydicom/data/test_files/MR_small_RLE.dcm",
        "pydicom/src/pydicom/data/test_files/SC_rgb_jpeg_dcmtk.dcm",
        "pydicom/src/pydicom/data/test_files/no_meta_group_length.dcm",
        "pydicom/src/pydicom/data/test_files/dicomdirtests/DICOMDIR",
        "fo-dicom/TestData/charset/chrH31.dcm",
        "fo-dicom/TestData/charset/chrSQEncoding.dcm",
        "fo-dicom/TestData/charset/chrX2.dcm",
        "fo-dicom/TestData/GH626.dcm",
        "dicomParser/testImages/deflate/wave_dfl",
        "dicomParser/testImages/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.80.dcm",
        "pydicom-data/data_store/data/explicit_VR-UN.dcm",
    ];

    [Fact]
    public async Task MutatedFilesGiveDataOrOurExceptionNeverACrashOrHang()
    {
        var originals = Seeds.Select(s => File.ReadAllBytes(Corpus.File(s))).ToArray();
        var lengthFields = originals.Select(LengthFieldOffsets).ToArray();
        var random = new Random(Seed);
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < Iterations; i++)
        {
            var which = i % originals.Length;
            var (bytes, mutation) = Mutate(originals[which], lengthFields[which], random);
            var mode = (PixelDataMode)(i % 3);
            var nonSeekable = i % 7 == 0;
            var task = Task.Run(() => ReadAndTouchEverything(bytes, mode, nonSeekable));
            Exception? outcome;
            try
            {
                outcome = await task.WaitAsync(HangLimit);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"iteration {i}: {Seeds[which]} with {mutation} did not finish within {HangLimit.TotalSeconds} s");
                return;
            }

            Assert.True(outcome is null or DicomException, $"iteration {i}: {Seeds[which]} with {mutation} threw {outcome?.GetType().Name}: {outcome?.Message}\n{outcome?.StackTrace}");
            var key = outcome is null ? "read" : outcome.GetType().Name;
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        output.WriteLine($"{Iterations} mutated reads (seed {Seed}): " + string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
        Assert.True(outcomes.GetValueOrDefault("read") > 0 && outcomes.GetValueOrDefault(nameof(DicomFormatException)) > 0, "the mutations should produce both outcomes");
    }

    /// <summary>Reads, then converts every value (lazy conversions must be as robust as parsing).</summary>
    private static Exception? ReadAndTouchEverything(byte[] bytes, PixelDataMode mode, bool nonSeekable)
    {
        try
        {
            DicomFile file;
            if (nonSeekable)
            {
                using var stream = new SyntheticStreams.NonSeekable(new MemoryStream(bytes));
                file = DicomReader.Read(stream, new DicomReadOptions { PixelDataMode = mode });
            }
            else
            {
                using var stream = new MemoryStream(bytes);
                file = DicomReader.Read(stream, new DicomReadOptions { PixelDataMode = mode, TolerateTruncation = bytes.Length % 2 == 0 });
            }

            var stack = new Stack<DicomDataset>([file.FileMetaInformation, file.Dataset]);
            var touched = new StringBuilder();
            while (stack.Count > 0)
            {
                var ds = stack.Pop();
                foreach (var e in ds)
                {
                    if (e.Items is { } items)
                    {
                        foreach (var item in items)
                        {
                            stack.Push(item);
                        }

                        continue;
                    }

                    touched.Append(string.Join('|', ds.GetStrings(e.Tag)));
                    touched.Append(ds.GetDoubles(e.Tag).Length);
                    if (e.VR == DicomVR.PN)
                    {
                        touched.Append(ds.GetPersonName(e.Tag)?.Alphabetic.Family);
                    }

                    ds.TryGetDate(e.Tag, out _);
                    ds.TryGetTime(e.Tag, out _);
                    ds.TryGetDateTime(e.Tag, out _);
                    ds.TryGetAge(e.Tag, out _);
                    ds.TryGetInt32(e.Tag, out _);
                    if (e.VR == DicomVR.AT)
                    {
                        ds.GetTags(e.Tag);
                    }
                }
            }

            if (file.PixelData is { IsEncapsulated: true, Fragments: not null } pixels)
            {
                pixels.GetFrameFragments(file.Dataset.GetInt32OrDefault(DicomTags.NumberOfFrames, 1), new MemoryStream(bytes));
            }

            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static (byte[] Bytes, string Mutation) Mutate(byte[] original, int[] lengthFields, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0:
                {
                    var flips = random.Next(1, 9);
                    for (var k = 0; k < flips; k++)
                    {
                        bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    return (bytes, $"{flips} bit flips");
                }

            case 1 or 2 when lengthFields.Length > 0:
                {
                    var at = lengthFields[random.Next(lengthFields.Length)];
                    var fill = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00;
                    var width = random.Next(2) == 0 ? 2 : 4;
                    for (var k = 0; k < width && at + k < bytes.Length; k++)
                    {
                        bytes[at + k] = fill;
                    }

                    return (bytes, $"length field at {at} overwritten with {width}×0x{fill:X2}");
                }

            case 3:
                {
                    var cut = random.Next(bytes.Length);
                    return (bytes[..cut], $"truncated to {cut} bytes");
                }

            case 4:
                {
                    var start = random.Next(bytes.Length);
                    var length = Math.Min(random.Next(1, 512), bytes.Length - start);
                    var insertAt = random.Next(bytes.Length);
                    var result = new byte[bytes.Length + length];
                    bytes.AsSpan(0, insertAt).CopyTo(result);
                    bytes.AsSpan(start, length).CopyTo(result.AsSpan(insertAt));
                    bytes.AsSpan(insertAt).CopyTo(result.AsSpan(insertAt + length));
                    return (result, $"chunk {start}+{length} duplicated at {insertAt}");
                }

            default:
                {
                    var at = random.Next(bytes.Length);
                    var run = Math.Min(random.Next(1, 17), bytes.Length - at);
                    random.NextBytes(bytes.AsSpan(at, run));
                    return (bytes, $"{run} random bytes at {at}");
                }
        }
    }

    /// <summary>Offsets of value length fields, found by reading the unmutated file (nested items included).</summary>
    private static int[] LengthFieldOffsets(byte[] bytes)
    {
        var offsets = new List<int>();
        var file = DicomReader.Read(bytes, new DicomReadOptions { PixelDataMode = PixelDataMode.Reference });
        if (file.TransferSyntax.IsDeflated)
        {
            return [.. file.FileMetaInformation.Select(e => (int)e.ValueOffset - 2)];
        }

        var stack = new Stack<DicomDataset>([file.FileMetaInformation, file.Dataset]);
        while (stack.Count > 0)
        {
            foreach (var e in stack.Pop())
            {
                var width = e.FileVR != DicomVR.None && !DicomVRInfo.HasLongLength(e.FileVR) ? 2 : 4;
                if (e.ValueOffset >= width)
                {
                    offsets.Add((int)e.ValueOffset - width);
                }

                foreach (var item in e.Items ?? [])
                {
                    stack.Push(item);
                }
            }
        }

        return [.. offsets];
    }
}
