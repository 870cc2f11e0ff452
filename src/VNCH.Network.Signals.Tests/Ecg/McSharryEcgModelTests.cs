using VNCH.Network.Dicom;
using VNCH.Network.Signals.Ecg;
using VNCH.Network.Signals.Ecg.Aecg;
using VNCH.Network.Signals.Ecg.Analysis;
using VNCH.Network.Signals.Ecg.Dicom;
using VNCH.Network.Signals.Ecg.Synthesis;

namespace VNCH.Network.Signals.Tests.Ecg;

public sealed class McSharryEcgModelTests
{
    [Theory]
    [InlineData(60, 15)]
    [InlineData(85, 20)]
    [InlineData(110, 25)]
    [InlineData(135, 35)]
    [InlineData(150, 45)]
    [InlineData(175, 50)]
    public void Our_analyser_measures_the_rate_the_model_was_driven_at(double heartRate, double respiration)
    {
        var result = McSharryEcgModel.Generate(new EcgSynthesisOptions { HeartRateBpm = heartRate, RespiratoryRatePerMinute = respiration }, seed: 7);

        var analysis = EcgInterpreter.Interpret(result.Recording, ageDaysOverride: 3000);

        Assert.Equal(12, result.Recording.Leads.Count);
        Assert.Equal(5000, result.Recording.SampleCount);
        Assert.InRange(result.MeanHeartRateBpm, heartRate - 2, heartRate + 2);
        Assert.NotNull(analysis.HeartRateBpm);
        Assert.InRange(analysis.HeartRateBpm!.Value, heartRate - 2, heartRate + 2);
        Assert.Equal(result.RPeakTimesSeconds.Count(t => t is > 0.25 and < 9.75), analysis.Beats.Count(b => b.TimeSeconds is > 0.25 and < 9.75));
    }

    [Fact]
    public void The_leads_obey_einthoven_and_goldberger_and_the_axis_is_normal()
    {
        var recording = McSharryEcgModel.Generate(new EcgSynthesisOptions { HeartRateBpm = 100, NoiseMicrovolts = 0 }, seed: 1).Recording;
        var i = recording.FindLead("I")!.Microvolts;
        var ii = recording.FindLead("II")!.Microvolts;
        var iii = recording.FindLead("III")!.Microvolts;
        var avr = recording.FindLead("aVR")!.Microvolts;
        for (var k = 0; k < i.Length; k += 97)
        {
            Assert.Equal(ii[k] - i[k], iii[k], 0.01);
            Assert.Equal(-(i[k] + ii[k]) / 2, avr[k], 0.01);
        }

        // Tallest deflection: positive in II, negative in aVR (normal frontal axis).
        Assert.True(ii.Max() > -ii.Min());
        Assert.True(-avr.Min() > avr.Max());
    }

    [Fact]
    public void Same_seed_same_signal_other_seed_other_signal()
    {
        var options = new EcgSynthesisOptions { HeartRateBpm = 120 };
        var a = McSharryEcgModel.Generate(options, 3).Recording.Leads[1].Microvolts;
        var b = McSharryEcgModel.Generate(options, 3).Recording.Leads[1].Microvolts;
        var c = McSharryEcgModel.Generate(options, 4).Recording.Leads[1].Microvolts;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Dicom_waveform_and_aecg_writers_round_trip_through_our_readers()
    {
        var recording = McSharryEcgModel.Generate(new EcgSynthesisOptions { HeartRateBpm = 130 }, 5).Recording;

        var dataset = new DicomDataset()
            .Add(DicomTags.SOPClassUID, DicomWaveformWriter.TwelveLeadEcgSopClassUid)
            .Add(DicomTags.SOPInstanceUID, DicomUid.FromName("test/waveform"));
        DicomWaveformWriter.AddWaveform(dataset, recording);
        using var dicom = new MemoryStream();
        DicomWriter.Write(dicom, dataset);
        dicom.Position = 0;
        var fromDicom = DicomWaveformReader.Read(dicom);

        using var xml = new MemoryStream();
        AecgWriter.Write(xml, recording, new AecgHeader
        {
            DocumentId = Guid.Empty.ToString(),
            PatientIdRoot = "2.25.1",
            PatientId = "P1",
            PatientName = "Nguyễn Thị Ánh",
            BirthDate = new DateOnly(2020, 1, 2),
            Sex = Sex.Female,
            AcquisitionTime = new DateTime(2026, 11, 2, 9, 30, 0),
        });
        xml.Position = 0;
        var fromAecg = AecgReader.Read(xml);

        foreach (var read in new[] { fromDicom, fromAecg })
        {
            Assert.Equal(500, read.SamplingRateHz, 6);
            Assert.Equal(LeadNames.TwelveLead, read.Leads.Select(l => l.Name));
            for (var lead = 0; lead < 12; lead++)
            {
                for (var k = 0; k < recording.SampleCount; k += 13)
                {
                    Assert.Equal(recording.Leads[lead].Microvolts[k], read.Leads[lead].Microvolts[k], 1.25 + 1e-3);
                }
            }
        }

        Assert.Equal(Sex.Female, fromAecg.Subject.Sex);
        Assert.Equal(new DateOnly(2020, 1, 2), fromAecg.Subject.BirthDate);
    }
}
