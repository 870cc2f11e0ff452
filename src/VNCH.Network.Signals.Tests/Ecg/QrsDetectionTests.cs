using VNCH.Network.Signals.Ecg.Analysis;
using Xunit.Abstractions;

namespace VNCH.Network.Signals.Tests.Ecg;

public sealed class QrsDetectionTests(ITestOutputHelper output)
{
    [Fact]
    public void MitBih100_meets_the_aami_target_with_our_own_readers()
    {
        var record = EcgTestData.MitBih100;
        var recording = record.ToEcgRecording();
        var reference = EcgTestData.ReadAnnotations("100").Where(a => a.IsBeat).Select(a => a.Sample).ToList();
        Assert.Equal(2273, reference.Count);

        var detected = QrsDetector.Detect(recording).Select(i => (long)i).ToList();
        var whole = BeatMatching.Match(reference, detected, recording.SamplingRateHz);
        var ec57 = BeatMatching.Match(reference, detected, recording.SamplingRateHz, ignoreBeforeSample: (long)(300 * recording.SamplingRateHz));

        output.WriteLine($"MIT-BIH 100, whole record, 150 ms window: {whole}");
        output.WriteLine($"MIT-BIH 100, EC57 scoring (from 5 min): {ec57}");
        Assert.True(whole.Sensitivity >= 0.998, $"Se {whole.Sensitivity:P3} < 99.8 %");
        Assert.True(whole.PositivePredictivity >= 0.998, $"+P {whole.PositivePredictivity:P3} < 99.8 %");
    }
}
