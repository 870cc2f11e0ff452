using System.Globalization;

namespace VNCH.Network.Signals.Ecg.Wfdb;

/// <summary>One signal line of a WFDB header (PhysioNet "header(5)" specification).</summary>
public sealed record WfdbSignalSpec
{
    public required string FileName { get; init; }

    /// <summary>Storage format number (8, 16, 24, 32, 61, 80, 160, 212, 310, 311).</summary>
    public required int Format { get; init; }

    /// <summary>Samples of this signal per frame ("212x4" → 4); only 1 is read by <see cref="WfdbRecordReader"/>.</summary>
    public int SamplesPerFrame { get; init; } = 1;

    public int Skew { get; init; }

    /// <summary>Bytes to skip at the start of the signal file ("+offset").</summary>
    public long ByteOffset { get; init; }

    /// <summary>ADC units per physical unit; the header value 0 means "uncalibrated", read as the default 200.</summary>
    public double Gain { get; init; } = 200;

    public bool GainWasSpecified { get; init; } = true;

    /// <summary>The ADC value of physical zero; defaults to <see cref="AdcZero"/> when the header omits "(baseline)".</summary>
    public int Baseline { get; init; }

    public string Units { get; init; } = "mV";

    public int AdcResolutionBits { get; init; }

    public int AdcZero { get; init; }

    public int? InitialValue { get; init; }

    public int? Checksum { get; init; }

    public int BlockSize { get; init; }

    public string Description { get; init; } = string.Empty;
}

/// <summary>
/// A parsed WFDB header (.hea): record line, one line per signal, and the "#" comment lines (which in PhysioNet
/// databases carry age, sex and diagnoses). Multi-segment records are rejected with a clear message.
/// </summary>
public sealed record WfdbHeader
{
    public required string RecordName { get; init; }

    public required double SamplingFrequency { get; init; }

    /// <summary>Samples per signal; null when the header omits it (then the signal file length decides).</summary>
    public long? SamplesPerSignal { get; init; }

    public TimeOnly? BaseTime { get; init; }

    public DateOnly? BaseDate { get; init; }

    public required IReadOnlyList<WfdbSignalSpec> Signals { get; init; }

    public IReadOnlyList<string> Comments { get; init; } = [];

    public static WfdbHeader Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var comments = new List<string>();
        var lines = new List<(int Number, string Text)>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                comments.Add(line[1..].Trim());
                continue;
            }

            // A '#' after fields starts a trailing comment on the same line.
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash > 0)
            {
                comments.Add(line[(hash + 1)..].Trim());
                line = line[..hash].TrimEnd();
            }

            lines.Add((number, line));
        }

        if (lines.Count == 0)
        {
            throw new SignalFormatException("WFDB header has no record line (only comments or blank lines).");
        }

        var (recordLineNumber, recordLine) = lines[0];
        var fields = recordLine.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2)
        {
            throw new SignalFormatException($"WFDB header line {recordLineNumber}: record line '{recordLine}' needs at least a record name and a signal count.");
        }

        var name = fields[0];
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw new SignalFormatException($"WFDB header: record '{name}' is a multi-segment record; only single-segment records are supported.");
        }

        if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var signalCount))
        {
            throw new SignalFormatException($"WFDB header line {recordLineNumber}: signal count '{fields[1]}' is not a non-negative integer.");
        }

        var frequency = 250.0; // WFDB default when the field is absent
        if (fields.Length > 2)
        {
            // "360", "360/1000(0)" (counter frequency and base counter are not needed for sampling).
            var token = fields[2];
            var slash = token.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                token = token[..slash];
            }

            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out frequency) || !double.IsFinite(frequency) || !(frequency > 0))
            {
                throw new SignalFormatException($"WFDB header line {recordLineNumber}: sampling frequency '{fields[2]}' is not a positive number.");
            }
        }

        long? samples = null;
        if (fields.Length > 3)
        {
            if (!long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                throw new SignalFormatException($"WFDB header line {recordLineNumber}: sample count '{fields[3]}' is not a non-negative integer.");
            }

            samples = n == 0 ? null : n;
        }

        TimeOnly? baseTime = fields.Length > 4 && TimeOnly.TryParseExact(fields[4], ["H:mm:ss", "HH:mm:ss", "H:mm:ss.FFF", "HH:mm:ss.FFF", "H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;
        DateOnly? baseDate = fields.Length > 5 && DateOnly.TryParseExact(fields[5], ["dd/MM/yyyy", "d/M/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

        if (lines.Count - 1 < signalCount)
        {
            throw new SignalFormatException($"WFDB header declares {signalCount} signals but has {lines.Count - 1} signal lines.");
        }

        var signals = new List<WfdbSignalSpec>(signalCount);
        for (var i = 1; i <= signalCount; i++)
        {
            signals.Add(ParseSignalLine(lines[i].Number, lines[i].Text));
        }

        return new WfdbHeader
        {
            RecordName = name,
            SamplingFrequency = frequency,
            SamplesPerSignal = samples,
            BaseTime = baseTime,
            BaseDate = baseDate,
            Signals = signals,
            Comments = comments,
        };
    }

    private static WfdbSignalSpec ParseSignalLine(int lineNumber, string line)
    {
        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2)
        {
            throw new SignalFormatException($"WFDB header line {lineNumber}: signal line '{line}' needs at least a file name and a format.");
        }

        var (format, perFrame, skew, offset) = ParseFormatField(lineNumber, fields[1]);
        var gain = 200.0;
        var gainSpecified = false;
        int? baseline = null;
        var units = "mV";
        if (fields.Length > 2)
        {
            // gain[(baseline)][/units]
            var token = fields[2];
            var slash = token.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                units = token[(slash + 1)..];
                token = token[..slash];
            }

            var paren = token.IndexOf('(', StringComparison.Ordinal);
            if (paren >= 0)
            {
                var close = token.IndexOf(')', paren);
                if (close < 0 || !int.TryParse(token.AsSpan(paren + 1, close - paren - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b))
                {
                    throw new SignalFormatException($"WFDB header line {lineNumber}: baseline in '{fields[2]}' is not an integer in parentheses.");
                }

                baseline = b;
                token = token[..paren];
            }

            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out gain) || !double.IsFinite(gain) || gain < 0)
            {
                throw new SignalFormatException($"WFDB header line {lineNumber}: gain '{fields[2]}' is not a non-negative number.");
            }

            gainSpecified = gain != 0;
            if (gain == 0)
            {
                gain = 200; // "0" means uncalibrated; WFDB applications then use the default gain.
            }
        }

        var adcResolution = OptionalInt(fields, 3, lineNumber, "ADC resolution") ?? 0;
        var adcZero = OptionalInt(fields, 4, lineNumber, "ADC zero") ?? 0;
        return new WfdbSignalSpec
        {
            FileName = fields[0],
            Format = format,
            SamplesPerFrame = perFrame,
            Skew = skew,
            ByteOffset = offset,
            Gain = gain,
            GainWasSpecified = gainSpecified,
            Baseline = baseline ?? adcZero,
            Units = units,
            AdcResolutionBits = adcResolution,
            AdcZero = adcZero,
            InitialValue = OptionalInt(fields, 5, lineNumber, "initial value"),
            Checksum = OptionalInt(fields, 6, lineNumber, "checksum"),
            BlockSize = OptionalInt(fields, 7, lineNumber, "block size") ?? 0,
            Description = fields.Length > 8 ? string.Join(' ', fields[8..]) : string.Empty,
        };
    }

    private static (int Format, int PerFrame, int Skew, long Offset) ParseFormatField(int lineNumber, string token)
    {
        // format[xsamples][:skew][+offset], e.g. "212", "212x4", "212:4", "16+24".
        var original = token;
        long offset = 0;
        var skew = 0;
        var perFrame = 1;
        var plus = token.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            if (!long.TryParse(token.AsSpan(plus + 1), NumberStyles.None, CultureInfo.InvariantCulture, out offset))
            {
                throw new SignalFormatException($"WFDB header line {lineNumber}: byte offset in format '{original}' is not a non-negative integer.");
            }

            token = token[..plus];
        }

        var colon = token.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (!int.TryParse(token.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out skew))
            {
                throw new SignalFormatException($"WFDB header line {lineNumber}: skew in format '{original}' is not a non-negative integer.");
            }

            token = token[..colon];
        }

        var x = token.IndexOf('x', StringComparison.Ordinal);
        if (x >= 0)
        {
            if (!int.TryParse(token.AsSpan(x + 1), NumberStyles.None, CultureInfo.InvariantCulture, out perFrame) || perFrame < 1)
            {
                throw new SignalFormatException($"WFDB header line {lineNumber}: samples per frame in format '{original}' is not a positive integer.");
            }

            token = token[..x];
        }

        if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var format))
        {
            throw new SignalFormatException($"WFDB header line {lineNumber}: storage format '{original}' is not a number.");
        }

        return (format, perFrame, skew, offset);
    }

    private static int? OptionalInt(string[] fields, int index, int lineNumber, string what)
    {
        if (fields.Length <= index)
        {
            return null;
        }

        return int.TryParse(fields[index], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new SignalFormatException($"WFDB header line {lineNumber}: {what} '{fields[index]}' is not an integer.");
    }
}
