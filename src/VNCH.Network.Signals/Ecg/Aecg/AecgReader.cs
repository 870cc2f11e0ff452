using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace VNCH.Network.Signals.Ecg.Aecg;

/// <summary>
/// Reads HL7 v3 annotated ECG documents (HL7 aECG, ANSI/HL7 V3 ECG, R1-2004; the FDA submission format) with a
/// forward-only <see cref="XmlReader"/>: one &lt;sequence&gt; element is materialised at a time, so a 12-lead,
/// 10-minute document never sits in memory as a DOM. Takes the first RHYTHM series (the continuous strip), its
/// time increment (GLIST_TS/GLIST_PQ) and every MDC_ECG_LEAD_* sequence (SLIST_PQ: value = origin + scale × digit).
/// </summary>
public static class AecgReader
{
    private const string ReportedAgeLoinc = "21612-7";

    /// <summary>Largest document accepted, so a hostile upload cannot pin a worker.</summary>
    public const long MaxCharacters = 256L * 1024 * 1024;

    public static EcgRecording Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = MaxCharacters,
        };

        try
        {
            using var reader = XmlReader.Create(stream, settings);
            return Parse(reader);
        }
        catch (XmlException ex)
        {
            throw new SignalFormatException($"HL7 aECG: the document is not well-formed XML ({ex.Message}).", ex);
        }
    }

    private static EcgRecording Parse(XmlReader reader)
    {
        if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "AnnotatedECG")
        {
            throw new SignalFormatException($"HL7 aECG: the root element is '{reader.LocalName}', expected 'AnnotatedECG'.");
        }

        var state = new ParseState();
        var depth = 0;
        var positioned = false; // XNode.ReadFrom leaves the reader on the next node already
        while (positioned ? !reader.EOF : reader.Read())
        {
            positioned = false;
            if (reader.NodeType == XmlNodeType.EndElement)
            {
                if (reader.LocalName is "series" or "derivedSeries")
                {
                    depth--;
                    if (depth == 0 && state.InChosenSeries)
                    {
                        state.InChosenSeries = false;
                        state.SeriesDone = true;
                    }
                }

                continue;
            }

            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            switch (reader.LocalName)
            {
                case "series" or "derivedSeries":
                    depth++;
                    state.AwaitingSeriesCode = depth == 1 && !state.SeriesDone;
                    if (reader.IsEmptyElement)
                    {
                        depth--;
                    }

                    break;
                case "code" when state.AwaitingSeriesCode:
                    // A series starts with its code: only a RHYTHM series is the continuous strip.
                    state.AwaitingSeriesCode = false;
                    state.InChosenSeries = reader.GetAttribute("code") is null or "RHYTHM";
                    break;
                case "sequence" when state.InChosenSeries && depth == 1:
                    ReadSequence((XElement)XNode.ReadFrom(reader), state);
                    positioned = true;
                    break;
                case "administrativeGenderCode":
                    state.Sex = reader.GetAttribute("code") switch
                    {
                        "F" => Sex.Female,
                        "M" => Sex.Male,
                        "UN" or null => Sex.Unknown,
                        _ => Sex.Other,
                    };
                    break;
                case "birthTime":
                    if (ParseTimestamp(reader.GetAttribute("value")) is { } birth)
                    {
                        state.BirthDate = DateOnly.FromDateTime(birth.DateTime);
                    }

                    break;
                case "code" when reader.GetAttribute("code") == ReportedAgeLoinc:
                    state.ExpectAgeValue = true;
                    break;
                case "value" when state.ExpectAgeValue:
                    state.ExpectAgeValue = false;
                    state.StatedAgeDays = AgeDays(reader.GetAttribute("value"), reader.GetAttribute("unit"));
                    break;
                case "center" or "low" when state.DocumentTime is null:
                    state.DocumentTime = ParseTimestamp(reader.GetAttribute("value"));
                    break;
            }
        }

        if (state.Leads.Count == 0)
        {
            throw new SignalFormatException("HL7 aECG: no RHYTHM series with MDC_ECG_LEAD_* sequences was found.");
        }

        if (state.IncrementSeconds is not { } increment)
        {
            throw new SignalFormatException("HL7 aECG: the rhythm series has no TIME_ABSOLUTE or TIME_RELATIVE sequence with an increment, so the sampling rate is unknown.");
        }

        var length = state.Leads.Min(l => l.Microvolts.Length);
        var leads = state.Leads.Select(l => l.Microvolts.Length == length ? l : l with { Microvolts = l.Microvolts[..length] }).ToList();
        var subject = new EcgSubject { Sex = state.Sex, BirthDate = state.BirthDate, StatedAgeDays = state.StatedAgeDays };
        return new EcgRecording(1 / increment, leads, subject, state.StartTime ?? state.DocumentTime, "HL7 aECG");
    }

    private static void ReadSequence(XElement sequence, ParseState state)
    {
        var code = sequence.Elements().FirstOrDefault(e => e.Name.LocalName == "code")?.Attribute("code")?.Value ?? string.Empty;
        var value = sequence.Elements().FirstOrDefault(e => e.Name.LocalName == "value")
            ?? throw new SignalFormatException($"HL7 aECG: sequence '{code}' has no value element.");
        if (code is "TIME_ABSOLUTE" or "TIME_RELATIVE")
        {
            var increment = Child(value, "increment");
            if (increment is null)
            {
                throw new SignalFormatException($"HL7 aECG: the {code} sequence has no increment (only GLIST time sequences are supported).");
            }

            var seconds = Quantity(increment, $"{code} increment") * TimeUnitSeconds(increment.Attribute("unit")?.Value ?? "s");
            if (!(seconds > 0))
            {
                throw new SignalFormatException($"HL7 aECG: the {code} increment must be positive, not {seconds} s.");
            }

            state.IncrementSeconds = seconds;
            state.StartTime = ParseTimestamp(Child(value, "head")?.Attribute("value")?.Value);
            return;
        }

        if (!code.StartsWith("MDC_ECG_LEAD_", StringComparison.Ordinal))
        {
            return; // other channels (e.g. respiration) are not ECG leads
        }

        var origin = Child(value, "origin");
        var scale = Child(value, "scale") ?? throw new SignalFormatException($"HL7 aECG: lead {code} has no scale.");
        var digits = Child(value, "digits") ?? throw new SignalFormatException($"HL7 aECG: lead {code} has no digits.");
        var originMicrovolts = origin is null ? 0 : Quantity(origin, $"{code} origin") * VoltageUnitMicrovolts(origin.Attribute("unit")?.Value, code);
        var scaleMicrovolts = Quantity(scale, $"{code} scale") * VoltageUnitMicrovolts(scale.Attribute("unit")?.Value, code);
        var samples = ParseDigits(digits.Value, code);
        var microvolts = new float[samples.Count];
        for (var i = 0; i < microvolts.Length; i++)
        {
            microvolts[i] = (float)(originMicrovolts + (scaleMicrovolts * samples[i]));
        }

        state.Leads.Add(new EcgLead(LeadNames.Normalize(code), microvolts));
    }

    private static XElement? Child(XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    private static double Quantity(XElement element, string what)
    {
        var text = element.Attribute("value")?.Value;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new SignalFormatException($"HL7 aECG: {what} value '{text}' is not a number.");
    }

    private static List<int> ParseDigits(string text, string code)
    {
        var result = new List<int>(text.Length / 3);
        var span = text.AsSpan();
        var position = 0;
        while (position < span.Length)
        {
            while (position < span.Length && char.IsWhiteSpace(span[position]))
            {
                position++;
            }

            var start = position;
            while (position < span.Length && !char.IsWhiteSpace(span[position]))
            {
                position++;
            }

            if (position > start)
            {
                if (!int.TryParse(span[start..position], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var digit))
                {
                    throw new SignalFormatException($"HL7 aECG: lead {code} digit {result.Count + 1} '{span[start..position].ToString()}' is not an integer.");
                }

                result.Add(digit);
            }
        }

        return result;
    }

    private static double TimeUnitSeconds(string unit) => unit switch
    {
        "s" => 1,
        "ms" => 0.001,
        "us" => 1e-6,
        _ => throw new SignalFormatException($"HL7 aECG: time unit '{unit}' is not supported (s, ms, us)."),
    };

    private static double VoltageUnitMicrovolts(string? unit, string code) => unit switch
    {
        "uV" => 1,
        "mV" => 1000,
        "V" => 1_000_000,
        "nV" => 0.001,
        _ => throw new SignalFormatException($"HL7 aECG: lead {code} uses unit '{unit}'; a voltage unit (nV, uV, mV, V) is required."),
    };

    private static int? AgeDays(string? value, string? unit)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount < 0)
        {
            return null;
        }

        // UCUM units for age: a (year), mo (month), wk (week), d (day).
        return unit switch
        {
            "a" => PatientAge.FromYears(amount),
            "mo" => PatientAge.FromMonths(amount),
            "wk" => (int)(amount * 7),
            "d" => (int)amount,
            _ => null,
        };
    }

    /// <summary>HL7 TS: yyyyMMdd[HH[mm[ss[.fff]]]][+/-zzzz]; no zone means local time of the device, read as UTC.</summary>
    internal static DateTimeOffset? ParseTimestamp(string? value)
    {
        // Trimmed before its length is judged: white space around a short value must not pass (found by fuzzing).
        var text = value?.Trim();
        if (text is null || text.Length < 8)
        {
            return null;
        }

        var offset = TimeSpan.Zero;
        var sign = text.IndexOfAny(['+', '-'], 8);
        if (sign > 0)
        {
            var zone = text[(sign + 1)..];
            if (zone.Length == 4 && int.TryParse(zone, NumberStyles.None, CultureInfo.InvariantCulture, out var hhmm))
            {
                // A zone must be a real one (at most ±14:00): DateTimeOffset refuses others with an exception.
                if (hhmm / 100 > 14 || hhmm % 100 > 59 || hhmm > 1400)
                {
                    return null;
                }

                offset = new TimeSpan(hhmm / 100, hhmm % 100, 0) * (text[sign] == '-' ? -1 : 1);
            }

            text = text[..sign];
        }

        string[] formats = ["yyyyMMddHHmmss.FFFFFF", "yyyyMMddHHmmss", "yyyyMMddHHmm", "yyyyMMddHH", "yyyyMMdd"];
        if (!DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            || (offset > TimeSpan.Zero && time - DateTime.MinValue < offset)
            || (offset < TimeSpan.Zero && DateTime.MaxValue - time < offset.Duration()))
        {
            return null; // Not a time, or one the zone moves out of the calendar.
        }

        return new DateTimeOffset(time, offset);
    }

    private sealed class ParseState
    {
        public List<EcgLead> Leads { get; } = [];

        public bool InChosenSeries { get; set; }

        public bool AwaitingSeriesCode { get; set; }

        public bool SeriesDone { get; set; }

        public double? IncrementSeconds { get; set; }

        public DateTimeOffset? StartTime { get; set; }

        public DateTimeOffset? DocumentTime { get; set; }

        public Sex Sex { get; set; } = Sex.Unknown;

        public DateOnly? BirthDate { get; set; }

        public int? StatedAgeDays { get; set; }

        public bool ExpectAgeValue { get; set; }
    }
}
