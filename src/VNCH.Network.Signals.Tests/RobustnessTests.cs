using System.Text;
using VNCH.Network.Signals.Audiometry;
using VNCH.Network.Signals.Ecg.Aecg;
using VNCH.Network.Signals.Ecg.Analysis;
using VNCH.Network.Signals.Ecg.Dicom;
using VNCH.Network.Signals.Ecg.Wfdb;
using VNCH.Network.Testing;

namespace VNCH.Network.Signals.Tests;

/// <summary>
/// Corrupted inputs (seeded random byte damage of real files) must end in a result or a SignalFormatException:
/// never another exception type, which would crash a worker instead of marking the study failed.
/// </summary>
public sealed class RobustnessTests
{
    private const int Mutations = 60;

    private static IEnumerable<byte[]> Damaged(byte[] original, int seed)
    {
        var random = new Random(seed);
        for (var m = 0; m < Mutations; m++)
        {
            var copy = (byte[])original.Clone();
            switch (m % 3)
            {
                case 0:
                    for (var k = 0; k < 1 + random.Next(8); k++)
                    {
                        copy[random.Next(copy.Length)] = (byte)random.Next(256);
                    }

                    yield return copy;
                    break;
                case 1:
                    yield return copy[..random.Next(copy.Length)]; // truncated
                    break;
                default:
                    var start = random.Next(copy.Length);
                    Array.Fill(copy, (byte)0xFF, start, Math.Min(64, copy.Length - start));
                    yield return copy;
                    break;
            }
        }
    }

    private static void ResultOrFormatError(Action read)
    {
        try
        {
            read();
        }
        catch (SignalFormatException)
        {
        }
    }

    [Fact]
    public void Damaged_annotation_files()
    {
        var original = File.ReadAllBytes(TestData.File("ecg/wfdb-python/100.atr"));
        foreach (var bytes in Damaged(original, 1))
        {
            ResultOrFormatError(() => WfdbAnnotationReader.Read(bytes));
        }
    }

    [Fact]
    public void Damaged_wfdb_headers_and_signal_files()
    {
        var folder = TestData.Directory("ecg/wfdb-python");
        var header = File.ReadAllBytes(Path.Combine(folder, "100_3chan.hea"));
        var data = File.ReadAllBytes(Path.Combine(folder, "100_3chan.dat"));
        foreach (var bytes in Damaged(header, 2))
        {
            ResultOrFormatError(() =>
            {
                var parsed = WfdbHeader.Parse(Encoding.Latin1.GetString(bytes));
                WfdbRecordReader.Read(parsed, _ => new MemoryStream(data)).ToEcgRecording();
            });
        }

        var good = WfdbHeader.Parse(Encoding.Latin1.GetString(header));
        foreach (var bytes in Damaged(data, 3))
        {
            ResultOrFormatError(() => EcgInterpreter.Interpret(WfdbRecordReader.Read(good, _ => new MemoryStream(bytes)).ToEcgRecording()));
        }
    }

    [Fact]
    public void Damaged_aecg_documents()
    {
        var original = File.ReadAllBytes(TestData.File("ecg/hl7-aecg/minimum_aecg.xml"));
        foreach (var bytes in Damaged(original, 4))
        {
            ResultOrFormatError(() => AecgReader.Read(new MemoryStream(bytes)));
        }
    }

    [Fact]
    public void Damaged_dicom_waveforms()
    {
        var original = File.ReadAllBytes(TestData.File("dicom/pydicom/src/pydicom/data/test_files/waveform_ecg.dcm"));
        foreach (var bytes in Damaged(original, 5).Take(30))
        {
            ResultOrFormatError(() => DicomWaveformReader.ReadGroups(new MemoryStream(bytes)));
        }
    }

    [Fact]
    public void Damaged_audiogram_documents()
    {
        var original = File.ReadAllBytes(Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json"));
        foreach (var bytes in Damaged(original, 6))
        {
            ResultOrFormatError(() => AudiogramInterpreter.Interpret(AudiogramReader.Read(bytes)));
        }
    }
}
