using VNCH.Network.Dicom;

namespace VNCH.Network.Signals.Ecg.Dicom;

/// <summary>
/// Writes an <see cref="EcgRecording"/> as the Waveform module of a DICOM 12-Lead ECG object (PS3.3 C.10.9, specialised
/// by A.34.3.4): one multiplex group "RHYTHM", signed 16-bit samples interleaved by channel, and per channel the lead as a
/// coded Channel Source (CID 3001 "ECG Leads", MDC codes), the sensitivity in µV per count (UCUM), baseline 0, skew 0,
/// 16 bits stored and the acquisition filter band. The rest of the IOD (patient, study, series, equipment) belongs to
/// the caller; <see cref="DicomWaveformReader"/> reads what this writes.
/// </summary>
public static class DicomWaveformWriter
{
    /// <summary>12-Lead ECG Waveform Storage.</summary>
    public const string TwelveLeadEcgSopClassUid = "1.2.840.10008.5.1.4.1.1.9.1.1";

    /// <summary>CID 3001 ECG Leads (PS3.16), MDC (ISO/IEEE 11073-10101) codes.</summary>
    private static readonly Dictionary<string, string> MdcLeadCodes = new(StringComparer.Ordinal)
    {
        ["I"] = "2:1",
        ["II"] = "2:2",
        ["V1"] = "2:3",
        ["V2"] = "2:4",
        ["V3"] = "2:5",
        ["V4"] = "2:6",
        ["V5"] = "2:7",
        ["V6"] = "2:8",
        ["III"] = "2:61",
        ["aVR"] = "2:62",
        ["aVL"] = "2:63",
        ["aVF"] = "2:64",
    };

    /// <summary>
    /// Adds the Waveform Sequence (one multiplex group) to <paramref name="dataset"/>, which must carry Acquisition
    /// DateTime (0008,002A): the group starts then, so Multiplex Group Time Offset (1C) is left out. Samples are rounded to
    /// <paramref name="sensitivityMicrovolts"/> per count; a value beyond ±32767 counts is an error, not clipped silently.
    /// </summary>
    public static DicomDataset AddWaveform(DicomDataset dataset, EcgRecording recording, double sensitivityMicrovolts = 2.5, double lowFilterHz = 0.05, double highFilterHz = 150)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(recording);
        if (!(sensitivityMicrovolts > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sensitivityMicrovolts), "The sensitivity must be positive.");
        }

        var channels = recording.Leads.Count;
        var samples = recording.SampleCount;
        var data = new byte[channels * samples * 2];
        for (var i = 0; i < samples; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                var counts = Math.Round(recording.Leads[c].Microvolts[i] / sensitivityMicrovolts);
                if (counts is < short.MinValue or > short.MaxValue)
                {
                    throw new ArgumentException($"Lead {recording.Leads[c].Name} sample {i} ({recording.Leads[c].Microvolts[i]} µV) exceeds 16 bits at {sensitivityMicrovolts} µV per count.", nameof(recording));
                }

                System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(((i * channels) + c) * 2), (short)counts);
            }
        }

        var definitions = recording.Leads.Select(lead => ChannelDefinition(lead.Name, sensitivityMicrovolts, lowFilterHz, highFilterHz)).ToArray();
        var group = new DicomDataset()
            .Add(DicomTags.WaveformOriginality, "ORIGINAL")
            .Add(DicomTags.NumberOfWaveformChannels, channels)
            .Add(DicomTags.NumberOfWaveformSamples, samples)
            .Add(DicomTags.SamplingFrequency, recording.SamplingRateHz)
            .Add(DicomTags.MultiplexGroupLabel, "RHYTHM")
            .Add(DicomTags.WaveformBitsAllocated, 16)
            .Add(DicomTags.WaveformSampleInterpretation, "SS")
            .Add(DicomTags.WaveformData, DicomVR.OW, data);
        group.AddSequence(DicomTags.ChannelDefinitionSequence, definitions);
        return dataset.AddSequence(DicomTags.WaveformSequence, group);
    }

    private static DicomDataset ChannelDefinition(string leadName, double sensitivity, double lowFilterHz, double highFilterHz)
    {
        var name = LeadNames.Normalize(leadName);
        if (!MdcLeadCodes.TryGetValue(name, out var code))
        {
            throw new ArgumentException($"Lead '{leadName}' is not one of the 12 standard leads, which are the only ones this writer codes.", nameof(leadName));
        }

        var source = new DicomDataset()
            .Add(DicomTags.CodeValue, code)
            .Add(DicomTags.CodingSchemeDesignator, "MDC")
            .Add(DicomTags.CodeMeaning, $"Lead {name}");
        var units = new DicomDataset()
            .Add(DicomTags.CodeValue, "uV")
            .Add(DicomTags.CodingSchemeDesignator, "UCUM")
            .Add(DicomTags.CodingSchemeVersion, "1.4")
            .Add(DicomTags.CodeMeaning, "microvolt");
        return new DicomDataset()
            .Add(DicomTags.ChannelLabel, name)
            .Add(DicomTags.ChannelSensitivity, sensitivity)
            .Add(DicomTags.ChannelSensitivityCorrectionFactor, 1.0)
            .Add(DicomTags.ChannelBaseline, 0.0)
            .Add(DicomTags.ChannelSampleSkew, 0.0)
            .Add(DicomTags.WaveformBitsStored, 16)
            .Add(DicomTags.FilterLowFrequency, lowFilterHz)
            .Add(DicomTags.FilterHighFrequency, highFilterHz)
            .AddSequence(DicomTags.ChannelSourceSequence, source)
            .AddSequence(DicomTags.ChannelSensitivityUnitsSequence, units);
    }
}
