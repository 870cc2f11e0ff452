using VNCH.Network.Dicom;
using VNCH.Network.Signals.Ecg;
using VNCH.Network.Signals.Ecg.Analysis;
using VNCH.Network.Signals.Ecg.Dicom;
using VNCH.Network.Testing;
using Xunit.Abstractions;

namespace VNCH.Network.Signals.Tests.Ecg;

public sealed class DicomWaveformReaderTests(ITestOutputHelper output)
{
    private const string WaveformEcg = "dicom/pydicom/src/pydicom/data/test_files/waveform_ecg.dcm";

    private static IReadOnlyList<DicomWaveformGroup> ReadGroups(string relativePath)
    {
        using var stream = File.OpenRead(TestData.File(relativePath));
        return DicomWaveformReader.ReadGroups(stream);
    }

    [Theory]
    [InlineData(0, "ecg/derived/waveform_ecg_dcm_group0_uV.csv")]
    [InlineData(1, "ecg/derived/waveform_ecg_dcm_group1_uV.csv")]
    public void Decoded_samples_equal_the_pydicom_decode(int group, string csv)
    {
        var recording = ReadGroups(WaveformEcg)[group].Recording;
        var names = File.ReadLines(TestData.File(csv)).First().Split(',').Skip(1).ToArray();
        var rows = EcgTestData.Csv(csv).ToList();
        Assert.Equal(rows.Count, recording.SampleCount);
        Assert.Equal(names.Select(LeadNames.Normalize), recording.Leads.Select(l => l.Name));
        for (var c = 0; c < names.Length; c++)
        {
            var lead = recording.Leads[c].Microvolts;
            var differing = rows.Select((r, i) => Math.Abs(EcgTestData.Number(r[c + 1]) - lead[i])).Count(d => d > 1e-3);
            Assert.True(differing == 0, $"{names[c]}: {differing} samples differ from pydicom");
        }

        output.WriteLine($"group {group}: {recording.Leads.Count} leads x {recording.SampleCount} samples at {recording.SamplingRateHz} Hz equal pydicom's waveform_array");
    }

    [Fact]
    public void Rhythm_group_metadata_and_r_peaks_within_10_ms_of_the_annotated_fiducials()
    {
        var groups = ReadGroups(WaveformEcg);
        Assert.Equal(["RHYTHM", "MEDIAN BEAT"], groups.Select(g => g.Label));
        using var stream = File.OpenRead(TestData.File(WaveformEcg));
        var recording = DicomWaveformReader.Read(stream);
        Assert.Equal(1000, recording.SamplingRateHz);
        Assert.Equal(Sex.Female, recording.Subject.Sex);
        Assert.Equal(new DateOnly(1971, 1, 23), recording.Subject.BirthDate);
        Assert.Equal(42, recording.Subject.StatedAgeDays!.Value / 365);
        Assert.Equal(new DateTimeOffset(2013, 1, 25, 10, 59, 19, TimeSpan.Zero), recording.AcquisitionTime);

        var analysis = EcgInterpreter.Interpret(recording);
        EcgAnalysisTests.AssertRPeaksNear(analysis, DicomEcgCsv.RhythmRPeaks(), recording.SamplingRateHz, output);
        Assert.Equal(PatientAge.DaysBetween(new DateOnly(1971, 1, 23), new DateOnly(2013, 1, 25)), analysis.AgeDays);
        output.WriteLine($"intervals {analysis.Intervals}; statements: {string.Join("; ", analysis.Statements.Select(s => s.Code))}");
    }

    [Fact]
    public void Deflated_hemodynamic_waveform_is_read()
    {
        var groups = ReadGroups("dicom/dicomParser/testImages/deflate/wave_dfl");
        foreach (var group in groups)
        {
            output.WriteLine($"{group.Label}: {group.Recording.Leads.Count} voltage channels ({string.Join(", ", group.Recording.Leads.Select(l => l.Name))}), {group.Recording.SampleCount} samples at {group.Recording.SamplingRateHz} Hz");
        }

        var first = groups[0].Recording;
        Assert.Equal(240, first.SamplingRateHz);
        Assert.Equal(2400, first.SampleCount);
        Assert.All(first.Leads, l => Assert.Contains(l.Microvolts, v => v != 0));
    }

    [Fact]
    public void Image_object_is_not_a_waveform()
    {
        using var stream = File.OpenRead(TestData.File("dicom/dicomParser/testImages/CT1_UNC.explicit_little_endian.dcm"));
        var error = Assert.Throws<SignalFormatException>(() => DicomWaveformReader.Read(stream));
        Assert.Contains("no WaveformSequence", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_is_reported_as_unreadable_dicom()
    {
        var error = Assert.Throws<SignalFormatException>(() => DicomWaveformReader.Read(new MemoryStream(new byte[300])));
        Assert.Contains("DICOM waveform", error.Message, StringComparison.Ordinal);
    }

    private static DicomDataset Waveform(int channels, int samples, string interpretation, int bits, byte[] data, int definitions, string units = "uV")
    {
        var definitionItems = Enumerable.Range(0, definitions).Select(i => new DicomDataset()
            .AddSequence(DicomTags.ChannelSourceSequence, new DicomDataset().Add(DicomTags.CodeMeaning, i == 0 ? "Lead II" : "Lead V1"))
            .Add(DicomTags.ChannelSensitivity, 2.5)
            .AddSequence(DicomTags.ChannelSensitivityUnitsSequence, new DicomDataset().Add(DicomTags.CodeValue, units))
            .Add(DicomTags.ChannelBaseline, -1.0)).ToArray();
        var group = new DicomDataset()
            .Add(DicomTags.NumberOfWaveformChannels, channels)
            .Add(DicomTags.NumberOfWaveformSamples, samples)
            .Add(DicomTags.SamplingFrequency, 500.0)
            .Add(DicomTags.WaveformBitsAllocated, bits)
            .Add(DicomTags.WaveformSampleInterpretation, interpretation)
            .AddSequence(DicomTags.ChannelDefinitionSequence, definitionItems)
            .Add(DicomTags.WaveformData, bits == 16 ? DicomVR.OW : DicomVR.OB, data);
        return new DicomDataset().Add(DicomTags.PatientAge, "006M").AddSequence(DicomTags.WaveformSequence, group);
    }

    [Fact]
    public void Built_8_bit_signed_waveform_applies_baseline_and_sensitivity()
    {
        var data = new byte[] { 1, 0xFF, 3, 0xFE }; // interleaved: II = 1, 3; V1 = -1, -2
        var recording = DicomWaveformReader.Read(Waveform(2, 2, "SB", 8, data, 2));
        Assert.Equal([0f, 5f], recording.Leads[0].Microvolts);    // (1 − 1) × 2.5, (3 − 1) × 2.5
        Assert.Equal([-5f, -7.5f], recording.Leads[1].Microvolts);
        Assert.Equal(182, recording.Subject.StatedAgeDays);       // 006M
    }

    [Fact]
    public void Millivolt_units_are_converted()
    {
        var recording = DicomWaveformReader.Read(Waveform(1, 2, "SS", 16, [2, 0, 0xFF, 0xFF], 1, "mV"));
        Assert.Equal([2500f, -5000f], recording.Leads[0].Microvolts);
    }

    [Theory]
    [InlineData(2, 4, "SS", 16, 6, 2, "holds 3 samples but channels × samples is 8")]
    [InlineData(2, 1, "SS", 16, 4, 1, "ChannelDefinitionSequence has 1 items")]
    [InlineData(1, 2, "SS", 8, 4, 1, "WaveformBitsAllocated 8 does not match")]
    [InlineData(1, 2, "MB", 8, 2, 1, "mu-law")]
    [InlineData(0, 2, "SS", 16, 4, 0, "NumberOfWaveformChannels")]
    public void Inconsistent_waveform_groups_are_rejected(int channels, int samples, string interpretation, int bits, int bytes, int definitions, string expected)
    {
        var error = Assert.Throws<SignalFormatException>(() => DicomWaveformReader.Read(Waveform(channels, samples, interpretation, bits, new byte[bytes], definitions)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pressure_only_group_has_no_leads()
    {
        var error = Assert.Throws<SignalFormatException>(() => DicomWaveformReader.Read(Waveform(1, 2, "SS", 16, new byte[4], 1, "mm[Hg]")));
        Assert.Contains("voltage units", error.Message, StringComparison.Ordinal);
    }
}
