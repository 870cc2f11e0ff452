namespace VNCH.Network.Signals.Ecg.Wfdb;

/// <summary>A decoded WFDB record: the header and each signal's samples in ADC units.</summary>
public sealed class WfdbRecord
{
    internal WfdbRecord(WfdbHeader header, int[][] adu)
    {
        Header = header;
        Adu = adu;
    }

    public WfdbHeader Header { get; }

    /// <summary>Samples per signal, in ADC units (before gain and baseline).</summary>
    public IReadOnlyList<int[]> Adu { get; }

    /// <summary>
    /// Signals whose first sample or 16-bit checksum disagree with the header: the cheap integrity check WFDB
    /// itself performs. An empty list means the data file is what the header describes.
    /// </summary>
    public IReadOnlyList<string> IntegrityProblems()
    {
        var problems = new List<string>();
        for (var i = 0; i < Adu.Count; i++)
        {
            var spec = Header.Signals[i];
            var samples = Adu[i];
            if (spec.InitialValue is { } initial && samples.Length > 0 && samples[0] != initial)
            {
                problems.Add($"signal {i} ({spec.Description}): first sample {samples[0]} but header initial value {initial}");
            }

            if (spec.Checksum is { } expected)
            {
                var sum = 0;
                foreach (var s in samples)
                {
                    sum += s;
                }

                if ((short)sum != (short)expected)
                {
                    problems.Add($"signal {i} ({spec.Description}): checksum {(short)sum} but header says {expected}");
                }
            }
        }

        return problems;
    }

    /// <summary>Physical value of one signal in its header units: (adu − baseline) / gain.</summary>
    public double[] Physical(int signal)
    {
        var spec = Header.Signals[signal];
        var adu = Adu[signal];
        var result = new double[adu.Length];
        for (var i = 0; i < adu.Length; i++)
        {
            result[i] = (adu[i] - spec.Baseline) / spec.Gain;
        }

        return result;
    }

    /// <summary>
    /// The ECG view: every signal whose units are a voltage (V, mV, uV/µV) becomes a lead in microvolts; pressure,
    /// respiration and plethysmography channels are left out. Age and sex come from the header comments when they
    /// follow the usual PhysioNet conventions ("# 69 M …" in MIT-BIH, "# age: 81" / "# sex: female" in PTB).
    /// </summary>
    public EcgRecording ToEcgRecording()
    {
        var leads = new List<EcgLead>();
        for (var i = 0; i < Adu.Count; i++)
        {
            var spec = Header.Signals[i];
            if (MicrovoltsPerUnit(spec.Units) is not { } scale)
            {
                continue;
            }

            var adu = Adu[i];
            var samples = new float[adu.Length];
            var factor = scale / spec.Gain;
            for (var k = 0; k < adu.Length; k++)
            {
                samples[k] = (float)((adu[k] - spec.Baseline) * factor);
            }

            var name = string.IsNullOrWhiteSpace(spec.Description) ? $"signal {i}" : LeadNames.Normalize(spec.Description);
            leads.Add(new EcgLead(name, samples));
        }

        if (leads.Count == 0)
        {
            throw new SignalFormatException($"WFDB record '{Header.RecordName}' has no voltage signals (units V, mV or uV), so it holds no ECG.");
        }

        DateTimeOffset? start = Header.BaseDate is { } date
            ? new DateTimeOffset(date.ToDateTime(Header.BaseTime ?? TimeOnly.MinValue), TimeSpan.Zero)
            : null;
        return new EcgRecording(Header.SamplingFrequency, leads, WfdbSubject.FromComments(Header.Comments), start, "WFDB");
    }

    private static double? MicrovoltsPerUnit(string units) => units.Trim() switch
    {
        "mV" or "mv" => 1000,
        "uV" or "µV" or "uv" => 1,
        "V" => 1_000_000,
        _ => null,
    };
}

/// <summary>
/// Reads WFDB signal files (PhysioNet "signal(5)" storage formats) for a parsed header. The caller opens the
/// files (this library does no I/O of its own), by the file name written in the header.
/// </summary>
public static class WfdbRecordReader
{
    /// <summary>Formats this reader decodes.</summary>
    public static IReadOnlyList<int> SupportedFormats { get; } = [8, 16, 24, 32, 61, 80, 160, 212, 310, 311];

    /// <summary>Hard ceiling on samples per signal so a lying header cannot make a worker allocate without bound.</summary>
    public const long MaxSamplesPerSignal = 200_000_000;

    public static WfdbRecord Read(WfdbHeader header, Func<string, Stream> openSignalFile)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(openSignalFile);
        var adu = new int[header.Signals.Count][];
        foreach (var group in GroupByFile(header))
        {
            var first = header.Signals[group[0]];
            foreach (var index in group)
            {
                var spec = header.Signals[index];
                if (spec.Format != first.Format)
                {
                    throw new SignalFormatException($"WFDB record '{header.RecordName}': signals in file '{first.FileName}' mix formats {first.Format} and {spec.Format}.");
                }

                if (spec.SamplesPerFrame != 1)
                {
                    throw new SignalFormatException($"WFDB record '{header.RecordName}': signal '{spec.Description}' has {spec.SamplesPerFrame} samples per frame; multi-frequency records are not supported.");
                }

                if (spec.Skew != 0)
                {
                    throw new SignalFormatException($"WFDB record '{header.RecordName}': signal '{spec.Description}' has skew {spec.Skew}; skewed signals are not supported.");
                }
            }

            if (!SupportedFormats.Contains(first.Format))
            {
                throw new SignalFormatException(
                    $"WFDB record '{header.RecordName}': storage format {first.Format} of file '{first.FileName}' is not supported (supported: {string.Join(", ", SupportedFormats)}).");
            }

            byte[] bytes;
            using (var stream = openSignalFile(first.FileName))
            {
                bytes = ReadAll(stream, first.ByteOffset);
            }

            var channels = group.Count;
            var available = SamplesAvailable(first.Format, bytes.Length - 4) / channels;
            var perSignal = header.SamplesPerSignal ?? available;
            if (perSignal > available)
            {
                throw new SignalFormatException(
                    $"WFDB record '{header.RecordName}': file '{first.FileName}' holds {available} samples per signal but the header declares {perSignal} (truncated file?).");
            }

            if (perSignal > MaxSamplesPerSignal)
            {
                throw new SignalFormatException($"WFDB record '{header.RecordName}': {perSignal} samples per signal exceeds the supported maximum of {MaxSamplesPerSignal}.");
            }

            var interleaved = new int[perSignal * channels];
            WfdbFormats.Decode(first.Format, bytes, interleaved);
            for (var c = 0; c < channels; c++)
            {
                var spec = header.Signals[group[c]];
                var signal = new int[perSignal];
                for (long k = 0; k < perSignal; k++)
                {
                    signal[k] = interleaved[(k * channels) + c];
                }

                if (spec.Format == 8)
                {
                    WfdbFormats.IntegrateFirstDifferences(signal, spec.InitialValue ?? 0);
                }

                adu[group[c]] = signal;
            }
        }

        return new WfdbRecord(header, adu);
    }

    private static List<List<int>> GroupByFile(WfdbHeader header)
    {
        var groups = new List<List<int>>();
        var byName = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < header.Signals.Count; i++)
        {
            var name = header.Signals[i].FileName;
            if (!byName.TryGetValue(name, out var list))
            {
                list = [];
                byName[name] = list;
                groups.Add(list);
            }

            list.Add(i);
        }

        return groups;
    }

    private static long SamplesAvailable(int format, long bytes) => format switch
    {
        8 or 80 => bytes,
        16 or 61 or 160 => bytes / 2,
        24 => bytes / 3,
        32 => bytes / 4,
        212 => bytes * 2 / 3,
        // A trailing partial group holds as many whole 10-bit samples as its bytes can carry.
        310 => (bytes / 4 * 3) + (bytes % 4 >= 2 ? 1 : 0),
        311 => (bytes / 4 * 3) + (bytes % 4 >= 3 ? 2 : bytes % 4 >= 2 ? 1 : 0),
        _ => 0,
    };

    private static byte[] ReadAll(Stream stream, long skip)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var all = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (skip > all.Length)
        {
            throw new SignalFormatException($"WFDB signal file is {all.Length} bytes, shorter than its declared byte offset {skip}.");
        }

        // Zero padding to a whole 4-byte group lets the bit-packed decoders read a trailing partial group.
        var data = new byte[all.Length - skip + 4];
        all[(int)skip..].CopyTo(data);
        return data;
    }
}
