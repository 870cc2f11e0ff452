using System.Text;
using VNCH.Network.Signals.Audiometry;
using VNCH.Network.Signals.Ecg.Aecg;
using VNCH.Network.Signals.Ecg.Analysis;
using VNCH.Network.Signals.Ecg.Dicom;
using VNCH.Network.Signals.Ecg.Wfdb;
using VNCH.Network.Testing;
using Xunit.Abstractions;

namespace VNCH.Network.Signals.Tests;

/// <summary>
/// Corrupted inputs (seeded random byte damage of real files) must end in a result or a SignalFormatException:
/// never another exception type, which would crash a worker instead of marking the study failed. A reader that
/// accepted everything would pass that alone, so each test also names the damage that breaks the format's structure
/// (a truncated XML or JSON document, invalid UTF-8, a signal file shorter than its header declares, ...) and
/// requires every such input to be rejected with the reader's specific reason.
/// </summary>
public sealed class RobustnessTests(ITestOutputHelper output)
{
    private const int Mutations = 60;

    private enum Damage
    {
        /// <summary>1 to 8 random bytes replaced: may or may not break the structure.</summary>
        BytesReplaced,

        /// <summary>Cut at a random length shorter than the original.</summary>
        Truncated,

        /// <summary>Up to 64 bytes from a random offset set to 0xFF (never valid UTF-8).</summary>
        OverwrittenWithFF,
    }

    private static IEnumerable<(Damage Damage, byte[] Bytes)> Damaged(byte[] original, int seed)
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

                    yield return (Damage.BytesReplaced, copy);
                    break;
                case 1:
                    yield return (Damage.Truncated, copy[..random.Next(copy.Length)]);
                    break;
                default:
                    var start = random.Next(copy.Length);
                    Array.Fill(copy, (byte)0xFF, start, Math.Min(64, copy.Length - start));
                    yield return (Damage.OverwrittenWithFF, copy);
                    break;
            }
        }
    }

    /// <summary>The rejection message, or null when the input was accepted; any other exception fails the test.</summary>
    private static string? Rejection(Action read)
    {
        try
        {
            read();
            return null;
        }
        catch (SignalFormatException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// Reads every damaged copy (any outcome but a foreign exception is fine) and requires each one for which
    /// <paramref name="requiredReason"/> names a reason (the damage breaks the format's structure) to be rejected
    /// with a message containing that reason.
    /// </summary>
    private void ReadAll(IEnumerable<(Damage Damage, byte[] Bytes)> damaged, Action<byte[]> read, Func<Damage, byte[], string?> requiredReason)
    {
        var mustReject = 0;
        foreach (var (damage, bytes) in damaged)
        {
            var rejection = Rejection(() => read(bytes));
            if (requiredReason(damage, bytes) is not { } reason)
            {
                continue;
            }

            mustReject++;
            Assert.True(rejection is not null, $"{damage} input of {bytes.Length} bytes was accepted; it breaks the format's structure.");
            Assert.Contains(reason, rejection, StringComparison.Ordinal);
        }

        output.WriteLine($"{mustReject} structurally invalid inputs rejected with their reason");
        Assert.True(mustReject > 0, "no damaged input was structurally invalid; the seed or the damage changed");
    }

    [Fact]
    public void Damaged_annotation_files()
    {
        var original = File.ReadAllBytes(TestData.File("ecg/wfdb-python/100.atr"));

        // Annotations are 16-bit words: a file cut at an odd length always ends in a partial word (or inside a field).
        ReadAll(
            Damaged(original, 1),
            bytes => WfdbAnnotationReader.Read(bytes),
            (damage, bytes) => damage == Damage.Truncated && bytes.Length % 2 == 1 ? "WFDB annotation file" : null);
    }

    [Fact]
    public void Damaged_wfdb_headers_and_signal_files()
    {
        var folder = TestData.Directory("ecg/wfdb-python");
        var header = File.ReadAllBytes(Path.Combine(folder, "100_3chan.hea"));
        var data = File.ReadAllBytes(Path.Combine(folder, "100_3chan.dat"));
        foreach (var (_, bytes) in Damaged(header, 2))
        {
            Rejection(() =>
            {
                var parsed = WfdbHeader.Parse(Encoding.Latin1.GetString(bytes));
                WfdbRecordReader.Read(parsed, _ => new MemoryStream(data)).ToEcgRecording();
            });
        }

        // The header declares the samples per signal; a signal file cut short no longer holds them.
        var good = WfdbHeader.Parse(Encoding.Latin1.GetString(header));
        ReadAll(
            Damaged(data, 3),
            bytes => EcgInterpreter.Interpret(WfdbRecordReader.Read(good, _ => new MemoryStream(bytes)).ToEcgRecording()),
            (damage, _) => damage == Damage.Truncated ? "(truncated file?)" : null);
    }

    [Fact]
    public void Damaged_aecg_documents()
    {
        var original = File.ReadAllBytes(TestData.File("ecg/hl7-aecg/minimum_aecg.xml"));

        // A cut document lacks its end tags; 0xFF is not UTF-8: neither is well-formed XML.
        ReadAll(
            Damaged(original, 4),
            bytes => AecgReader.Read(new MemoryStream(bytes)),
            (damage, _) => damage is Damage.Truncated or Damage.OverwrittenWithFF ? "not well-formed XML" : null);
    }

    [Fact]
    public void Damaged_dicom_waveforms()
    {
        var original = File.ReadAllBytes(TestData.File("dicom/pydicom/src/pydicom/data/test_files/waveform_ecg.dcm"));

        // Cut inside the waveform data (the last element), the DICOM reader reports the truncation.
        ReadAll(
            Damaged(original, 5).Take(30),
            bytes => DicomWaveformReader.ReadGroups(new MemoryStream(bytes)),
            (damage, _) => damage == Damage.Truncated ? "DICOM waveform:" : null);
    }

    [Fact]
    public void Damaged_audiogram_documents()
    {
        var original = File.ReadAllBytes(Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json"));

        // A cut document or one with invalid UTF-8 is not JSON at all.
        ReadAll(
            Damaged(original, 6),
            bytes => AudiogramInterpreter.Interpret(AudiogramReader.Read(bytes)),
            (damage, _) => damage switch
            {
                Damage.Truncated => "not valid JSON",
                Damage.OverwrittenWithFF => "not valid UTF-8",
                _ => null,
            });
    }
}
