using VNCH.Network.Dicom;

namespace VNCH.Network.Signals.Ecg.Dicom;

/// <summary>One multiplex group of a DICOM waveform object (e.g. "RHYTHM" and "MEDIAN" in a 12-lead ECG).</summary>
public sealed record DicomWaveformGroup(string Label, EcgRecording Recording);

/// <summary>
/// Reads DICOM waveform objects (PS3.3 C.10.9 Waveform module: 12-Lead ECG, General ECG, Ambulatory ECG,
/// Hemodynamic) into <see cref="EcgRecording"/>s. Each WaveformSequence (5400,0100) item is a multiplex group:
/// interleaved channels in WaveformData (5400,1010), SS/US/SB/UB samples of 8 or 16 bits, and per channel
/// (ChannelDefinitionSequence) the lead from ChannelSourceSequence's code meaning and the physical value
/// (sample + ChannelBaseline) × ChannelSensitivity × ChannelSensitivityCorrectionFactor in the units of
/// ChannelSensitivityUnitsSequence (UCUM). Channels in non-voltage units (pressure, respiration) are not leads.
/// </summary>
public static class DicomWaveformReader
{
    public static IReadOnlyList<DicomWaveformGroup> ReadGroups(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            using var file = DicomReader.Read(stream);
            return ReadGroups(file.Dataset);
        }
        catch (DicomException ex)
        {
            // Parsing, and the typed accessors that decode values on demand, report bad DICOM this way.
            throw new SignalFormatException($"DICOM waveform: the file could not be read as DICOM ({ex.Message}).", ex);
        }
    }

    /// <summary>The rhythm strip: the group labelled RHYTHM, else the longest group.</summary>
    public static EcgRecording Read(Stream stream) => Rhythm(ReadGroups(stream));

    public static EcgRecording Read(DicomDataset dataset) => Rhythm(ReadGroups(dataset));

    public static IReadOnlyList<DicomWaveformGroup> ReadGroups(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var groups = dataset.GetSequence(DicomTags.WaveformSequence);
        if (groups.Count == 0)
        {
            var sopClass = dataset.GetStringOrNull(DicomTags.SOPClassUID) ?? "unknown";
            throw new SignalFormatException($"DICOM waveform: the object (SOP class {sopClass}) has no WaveformSequence (5400,0100).");
        }

        var subject = Subject(dataset);
        var time = AcquisitionTime(dataset);
        var result = new List<DicomWaveformGroup>();
        for (var g = 0; g < groups.Count; g++)
        {
            var label = groups[g].GetStringOrNull(DicomTags.MultiplexGroupLabel)?.Trim() is { Length: > 0 } text ? text : $"group {g + 1}";
            if (ReadGroup(groups[g], g + 1, subject, time) is { } recording)
            {
                result.Add(new DicomWaveformGroup(label, recording));
            }
        }

        if (result.Count == 0)
        {
            throw new SignalFormatException("DICOM waveform: no multiplex group has channels in voltage units, so the object holds no ECG.");
        }

        return result;
    }

    private static EcgRecording Rhythm(IReadOnlyList<DicomWaveformGroup> groups) =>
        (groups.FirstOrDefault(g => string.Equals(g.Label, "RHYTHM", StringComparison.OrdinalIgnoreCase))
            ?? groups.MaxBy(g => g.Recording.Duration))!.Recording;

    private static EcgRecording? ReadGroup(DicomDataset group, int number, EcgSubject subject, DateTimeOffset? time)
    {
        string Where(string what) => $"DICOM waveform multiplex group {number}: {what}";

        if (!group.TryGetInt32(DicomTags.NumberOfWaveformChannels, out var channels) || channels < 1)
        {
            throw new SignalFormatException(Where("NumberOfWaveformChannels (003A,0005) is missing or not positive."));
        }

        if (!group.TryGetInt32(DicomTags.NumberOfWaveformSamples, out var samples) || samples < 1)
        {
            throw new SignalFormatException(Where("NumberOfWaveformSamples (003A,0010) is missing or not positive."));
        }

        if (!group.TryGetDouble(DicomTags.SamplingFrequency, out var frequency) || !(frequency > 0))
        {
            throw new SignalFormatException(Where("SamplingFrequency (003A,001A) is missing or not positive."));
        }

        var bits = group.GetInt32OrDefault(DicomTags.WaveformBitsAllocated, 0);
        var interpretation = group.GetStringOrNull(DicomTags.WaveformSampleInterpretation)?.Trim() ?? string.Empty;
        var expected = interpretation switch
        {
            "SS" or "US" => 16,
            "SB" or "UB" => 8,
            "MB" or "AB" => throw new SignalFormatException(Where($"WaveformSampleInterpretation {interpretation} (mu-law/A-law audio) is not an ECG encoding.")),
            _ => throw new SignalFormatException(Where($"WaveformSampleInterpretation '{interpretation}' is not supported (SS, US, SB, UB).")),
        };
        if (bits != expected)
        {
            throw new SignalFormatException(Where($"WaveformBitsAllocated {bits} does not match WaveformSampleInterpretation {interpretation} ({expected} bits)."));
        }

        var definitions = group.GetSequence(DicomTags.ChannelDefinitionSequence);
        if (definitions.Count != channels)
        {
            throw new SignalFormatException(Where($"ChannelDefinitionSequence has {definitions.Count} items but NumberOfWaveformChannels is {channels}."));
        }

        var raw = Samples(group, interpretation, (long)channels * samples, Where);
        var leads = new List<EcgLead>();
        for (var c = 0; c < channels; c++)
        {
            var definition = definitions[c];
            var units = definition.GetSequence(DicomTags.ChannelSensitivityUnitsSequence).FirstOrDefault()?.GetStringOrNull(DicomTags.CodeValue)?.Trim();
            if (MicrovoltsPer(units) is not { } toMicrovolts)
            {
                continue;
            }

            var sensitivity = definition.TryGetDouble(DicomTags.ChannelSensitivity, out var s) ? s : 1;
            var correction = definition.TryGetDouble(DicomTags.ChannelSensitivityCorrectionFactor, out var f) ? f : 1;
            var baseline = definition.TryGetDouble(DicomTags.ChannelBaseline, out var b) ? b : 0;
            var scale = sensitivity * correction * toMicrovolts;
            var values = new float[samples];
            for (var i = 0; i < samples; i++)
            {
                values[i] = (float)((raw[((long)i * channels) + c] + baseline) * scale);
            }

            leads.Add(new EcgLead(LeadName(definition, c), values));
        }

        return leads.Count == 0 ? null : new EcgRecording(frequency, leads, subject, time, "DICOM waveform");
    }

    private static int[] Samples(DicomDataset group, string interpretation, long count, Func<string, string> where)
    {
        var bytesPerSample = interpretation is "SS" or "US" ? 2 : 1;
        var available = group.GetRawValue(DicomTags.WaveformData).Length / bytesPerSample;
        if (available < count)
        {
            throw new SignalFormatException(where($"WaveformData (5400,1010) holds {available} samples but channels × samples is {count}."));
        }

        var result = new int[count];
        switch (interpretation)
        {
            case "SS":
                var ss = group.GetInt16s(DicomTags.WaveformData);
                for (var i = 0; i < count; i++)
                {
                    result[i] = ss[i];
                }

                break;
            case "US":
                var us = group.GetUInt16s(DicomTags.WaveformData);
                for (var i = 0; i < count; i++)
                {
                    result[i] = us[i];
                }

                break;
            default:
                var bytes = group.GetRawValue(DicomTags.WaveformData).Span;
                for (var i = 0; i < count; i++)
                {
                    result[i] = interpretation == "SB" ? (sbyte)bytes[i] : bytes[i];
                }

                break;
        }

        return result;
    }

    private static string LeadName(DicomDataset definition, int index)
    {
        var source = definition.GetSequence(DicomTags.ChannelSourceSequence).FirstOrDefault();
        var meaning = source?.GetStringOrNull(DicomTags.CodeMeaning)?.Trim();
        return string.IsNullOrEmpty(meaning) ? $"channel {index + 1}" : LeadNames.Normalize(meaning);
    }

    private static double? MicrovoltsPer(string? ucum) => ucum switch
    {
        "uV" => 1,
        "mV" => 1000,
        "V" => 1_000_000,
        "nV" => 0.001,
        _ => null,
    };

    private static EcgSubject Subject(DicomDataset dataset)
    {
        var sex = dataset.GetStringOrNull(DicomTags.PatientSex)?.Trim().ToUpperInvariant() switch
        {
            "F" => Sex.Female,
            "M" => Sex.Male,
            "O" => Sex.Other,
            _ => Sex.Unknown,
        };
        DateOnly? birth = dataset.TryGetDate(DicomTags.PatientBirthDate, out var date) ? date : null;
        int? age = dataset.TryGetAge(DicomTags.PatientAge, out var dicomAge) ? (int)Math.Floor(dicomAge.ToDays()) : null;
        return new EcgSubject { Sex = sex, BirthDate = birth, StatedAgeDays = age };
    }

    private static DateTimeOffset? AcquisitionTime(DicomDataset dataset)
    {
        if (dataset.TryGetDateTime(DicomTags.AcquisitionDateTime, out var acquired)
            || dataset.TryGetDateTime(DicomTags.ContentDate, DicomTags.ContentTime, out acquired)
            || dataset.TryGetDateTime(DicomTags.StudyDate, DicomTags.StudyTime, out acquired))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(acquired, DateTimeKind.Unspecified), TimeSpan.Zero);
        }

        return null;
    }
}
