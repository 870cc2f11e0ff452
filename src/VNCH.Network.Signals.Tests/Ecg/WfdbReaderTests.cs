using System.Globalization;
using System.Text;
using VNCH.Network.Signals.Ecg;
using VNCH.Network.Signals.Ecg.Wfdb;
using Xunit.Abstractions;

namespace VNCH.Network.Signals.Tests.Ecg;

public sealed class WfdbReaderTests(ITestOutputHelper output)
{
    [Fact]
    public void Header_of_record_100_with_comment_and_blank_lines()
    {
        var header = EcgTestData.MitBih100.Header;
        Assert.Equal("100", header.RecordName);
        Assert.Equal(360, header.SamplingFrequency);
        Assert.Equal(650000, header.SamplesPerSignal);
        Assert.Equal(["MLII", "V5"], header.Signals.Select(s => s.Description));
        Assert.All(header.Signals, s => Assert.Equal((212, 200.0, 1024, 11), (s.Format, s.Gain, s.Baseline, s.AdcResolutionBits)));
        Assert.Equal(-22131, header.Signals[0].Checksum);
        Assert.Contains("unnecessary comment", header.Comments);
        Assert.Contains("69 M 1085 1629 x1", header.Comments);
    }

    [Fact]
    public void Record_100_samples_equal_the_derived_csv_and_the_header_checksums()
    {
        var record = EcgTestData.MitBih100;
        Assert.Empty(record.IntegrityProblems());
        var recording = record.ToEcgRecording();
        Assert.Equal(650000, recording.SampleCount);
        Assert.Equal(["MLII", "V5"], recording.Leads.Select(l => l.Name));
        Assert.Equal(Sex.Male, recording.Subject.Sex);
        Assert.Equal(69, recording.Subject.StatedAgeDays!.Value / 365);

        var rows = 0;
        foreach (var row in EcgTestData.Csv("ecg/derived/mitdb100_full_mV.csv"))
        {
            var i = int.Parse(row[0], CultureInfo.InvariantCulture);
            Assert.Equal(EcgTestData.Number(row[1]), Math.Round(recording.Leads[0].Microvolts[i] / 1000.0, 3));
            Assert.Equal(EcgTestData.Number(row[2]), Math.Round(recording.Leads[1].Microvolts[i] / 1000.0, 3));
            rows++;
        }

        Assert.Equal(650000, rows);
    }

    [Fact]
    public void Annotations_of_record_100_equal_the_derived_csv()
    {
        var annotations = EcgTestData.ReadAnnotations("100");
        var expected = EcgTestData.Csv("ecg/derived/mitdb100_atr.csv").Select(r => (long.Parse(r[0], CultureInfo.InvariantCulture), r[2])).ToList();
        Assert.Equal(expected, annotations.Select(a => (a.Sample, a.Symbol)));
        Assert.Equal(2239, annotations.Count(a => a.Symbol == "N"));
        Assert.Equal(33, annotations.Count(a => a.Symbol == "A"));
        Assert.Equal(1, annotations.Count(a => a.Symbol == "V"));
        Assert.Equal("(N", annotations.Single(a => a.Symbol == "+").Aux);
        output.WriteLine($"100.atr: {annotations.Count} annotations, {annotations.Count(a => a.IsBeat)} beats");
    }

    [Fact]
    public void Annotation_file_with_aux_strings_and_chn_num_fields()
    {
        var annotations = EcgTestData.ReadAnnotations("1003");
        Assert.Equal(966, annotations.Count);
        var withAux = annotations.Where(a => a.Aux.Length > 0).ToList();
        Assert.NotEmpty(withAux);
        Assert.True(annotations.Zip(annotations.Skip(1)).All(p => p.First.Sample <= p.Second.Sample), "annotation times must not decrease");
        output.WriteLine($"1003.atr: {annotations.Count} annotations, {withAux.Count} with aux text, e.g. '{withAux[0].Aux}' ({withAux[0].Symbol})");
    }

    [Theory]
    [InlineData("binformats")]
    [InlineData("100_3chan")]
    [InlineData("s0010_re")]
    [InlineData("test01_00s")]
    [InlineData("v102s")]
    public void Every_storage_format_matches_the_header_checksums(string recordName)
    {
        var record = EcgTestData.ReadWfdb(recordName);
        var formats = string.Join(", ", record.Header.Signals.Select(s => s.Format).Distinct());
        output.WriteLine($"{recordName}: formats {formats}, {record.Adu[0].Length} samples × {record.Adu.Count} signals");
        Assert.Empty(record.IntegrityProblems());
        Assert.All(record.Adu, a => Assert.Equal(record.Header.SamplesPerSignal, a.Length));
    }

    [Fact]
    public void Ptb_header_metadata_becomes_the_subject()
    {
        var recording = EcgTestData.ReadWfdb("s0010_re").ToEcgRecording();
        Assert.Equal(Sex.Female, recording.Subject.Sex);
        Assert.Equal(81, recording.Subject.StatedAgeDays!.Value / 365);
        Assert.Equal(15, recording.Leads.Count);
        Assert.NotNull(recording.FindLead("aVR"));
        Assert.NotNull(recording.FindLead("V6"));
    }

    [Fact]
    public void Non_voltage_signals_are_not_leads()
    {
        var recording = EcgTestData.ReadWfdb("v102s").ToEcgRecording();
        Assert.Equal(["II", "V"], recording.Leads.Select(l => l.Name));
    }

    [Theory]
    [InlineData("", "no record line")]
    [InlineData("100/3 2 360 650000\n", "multi-segment")]
    [InlineData("100 two 360\n", "signal count 'two'")]
    [InlineData("100 2 -5\n", "sampling frequency '-5'")]
    [InlineData("100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n", "declares 2 signals but has 1")]
    [InlineData("100 1 360 10\n100.dat 212x0 200 11\n", "samples per frame")]
    [InlineData("100 1 360 10\n100.dat 212 abc 11\n", "gain 'abc'")]
    [InlineData("100 1 360 10\n100.dat 212 200(x) 11\n", "baseline")]
    public void Malformed_headers_are_rejected_with_a_specific_message(string text, string expected)
    {
        var error = Assert.Throws<SignalFormatException>(() => WfdbHeader.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_signal_file_is_rejected()
    {
        var header = WfdbHeader.Parse("rec 2 360 1000\nrec.dat 212 200 11 0 0 0 0 a\nrec.dat 212 200 11 0 0 0 0 b\n");
        var error = Assert.Throws<SignalFormatException>(() => WfdbRecordReader.Read(header, _ => new MemoryStream(new byte[300])));
        Assert.Contains("holds 100 samples per signal but the header declares 1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_values_are_rejected()
    {
        var header = Assert.Throws<SignalFormatException>(() => WfdbHeader.Parse("rec 1 360 4\nrec.dat 16 NaN 16 0 0 0 0 II\n"));
        Assert.Contains("gain 'NaN'", header.Message, StringComparison.Ordinal);

        var recording = Assert.Throws<SignalFormatException>(() => new EcgRecording(500, [new EcgLead("II", [1f, float.NaN])]));
        Assert.Contains("lead 'II' sample 1 is not a finite number", recording.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_format_is_named()
    {
        var header = WfdbHeader.Parse("rec 1 360 10\nrec.dat 508 200 11 0 0 0 0 a\n");
        var error = Assert.Throws<SignalFormatException>(() => WfdbRecordReader.Read(header, _ => new MemoryStream(new byte[100])));
        Assert.Contains("storage format 508", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupted_data_is_caught_by_the_checksum()
    {
        var folder = VNCH.Network.Testing.TestData.Directory(EcgTestData.WfdbFolder);
        var header = WfdbHeader.Parse(File.ReadAllText(Path.Combine(folder, "100_3chan.hea")));
        var bytes = File.ReadAllBytes(Path.Combine(folder, "100_3chan.dat"));
        bytes[300] ^= 0x55;
        var record = WfdbRecordReader.Read(header, _ => new MemoryStream(bytes));
        Assert.NotEmpty(record.IntegrityProblems());
    }

    [Theory]
    [InlineData(new byte[] { 0x05 }, "partial word")]
    [InlineData(new byte[] { 0x00, 0xEC, 0x01, 0x00 }, "missing its 4-byte interval")]
    [InlineData(new byte[] { 0x05, 0xFC, 0x41, 0x42 }, "declares 5 bytes")]
    [InlineData(new byte[] { 0x01, 0xF0 }, "before any annotation")]
    public void Malformed_annotation_files_are_rejected(byte[] data, string expected)
    {
        var error = Assert.Throws<SignalFormatException>(() => WfdbAnnotationReader.Read(data));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        _ = Encoding.ASCII;
    }
}
