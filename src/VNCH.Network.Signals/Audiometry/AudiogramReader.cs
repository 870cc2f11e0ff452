using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace VNCH.Network.Signals.Audiometry;

/// <summary>
/// Reads and validates audiogram JSON documents (docs/audiogram.md). Every problem is reported with its JSON path
/// ("$.ears.left.airConduction[2].thresholdDbHl: …"), all at once, so the sender can fix the document in one go.
/// </summary>
public static class AudiogramReader
{
    public const double MinThresholdDbHl = -10;
    public const double MaxThresholdDbHl = 130;
    public const int MaxDocumentBytes = 1024 * 1024;
    public const double MinPeakPressureDaPa = -600;
    public const double MaxPeakPressureDaPa = 400;

    /// <summary>Upper limit of static admittance and ear-canal volume (mL); the lower limit is 0.</summary>
    public const double MaxVolumeMl = 10;

    /// <summary>Tympanometry probe tones (Hz); 226 Hz unless stated.</summary>
    public static IReadOnlyList<int> ProbeTonesHz { get; } = [226, 678, 1000];

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Parses and validates; throws <see cref="SignalFormatException"/> listing every problem.</summary>
    public static AudiogramDocument Read(Stream stream) => Read(ReadBounded(stream, "Audiogram document"));

    /// <summary>
    /// The whole stream, refused with <see cref="SignalFormatException"/> once it passes
    /// <see cref="MaxDocumentBytes"/> (shared with the FHIR form of the audiogram, read elsewhere).
    /// </summary>
    public static ReadOnlyMemory<byte> ReadBounded(Stream stream, string documentName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxDocumentBytes)
            {
                throw new SignalFormatException($"{documentName} is larger than {MaxDocumentBytes} bytes.");
            }
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    public static AudiogramDocument Read(ReadOnlyMemory<byte> json)
    {
        var (document, errors) = Parse(json);
        if (errors.Count > 0)
        {
            throw new SignalFormatException($"Audiogram document is invalid: {string.Join("; ", errors)}");
        }

        return document!;
    }

    /// <summary>All validation problems (empty when the document is valid).</summary>
    public static IReadOnlyList<string> Validate(ReadOnlyMemory<byte> json) => Parse(json).Errors;

    private static (AudiogramDocument? Document, List<string> Errors) Parse(ReadOnlyMemory<byte> json)
    {
        var errors = new List<string>();

        // A byte-order mark is legal at the start of a UTF-8 file; anything else must be valid UTF-8, or strings
        // cannot be read later (System.Text.Json only checks UTF-8 validity lazily).
        if (json.Span.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        if (!Utf8.IsValid(json.Span))
        {
            errors.Add("$: the document is not valid UTF-8 text");
            return (null, errors);
        }

        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json, Options);
        }
        catch (JsonException ex)
        {
            errors.Add($"$: not valid JSON ({ex.Message})");
            return (null, errors);
        }

        using (parsed)
        {
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add("$: the document must be a JSON object");
                return (null, errors);
            }

            var context = new Context(errors);
            var version = context.OptionalString(root, "$", "schemaVersion") ?? AudiogramDocument.CurrentSchemaVersion;
            if (version != AudiogramDocument.CurrentSchemaVersion)
            {
                errors.Add($"$.schemaVersion: '{version}' is not supported (expected '{AudiogramDocument.CurrentSchemaVersion}')");
            }

            var patient = ReadPatient(root, context);
            var testDate = context.RequiredDate(root, "$", "testDate");
            var device = root.TryGetProperty("device", out var d) ? ReadDevice(d, context) : null;
            EarResults? right = null, left = null;
            if (!root.TryGetProperty("ears", out var ears) || ears.ValueKind != JsonValueKind.Object)
            {
                errors.Add("$.ears: required object with 'right' and/or 'left'");
            }
            else
            {
                context.NoUnknown(ears, "$.ears", "right", "left");
                right = ears.TryGetProperty("right", out var r) ? ReadEar(r, "$.ears.right", context) : null;
                left = ears.TryGetProperty("left", out var l) ? ReadEar(l, "$.ears.left", context) : null;
                if (right is null && left is null)
                {
                    errors.Add("$.ears: at least one ear ('right' or 'left') is required");
                }
                else if ((right?.AirConduction.Count ?? 0) + (left?.AirConduction.Count ?? 0) == 0)
                {
                    errors.Add("$.ears: no air-conduction thresholds in either ear");
                }
            }

            context.NoUnknown(root, "$", "schemaVersion", "patient", "testDate", "device", "ears");
            if (patient?.BirthDate is { } birth && testDate is { } date && birth > date)
            {
                errors.Add($"$.patient.birthDate: {birth:yyyy-MM-dd} is after the test date {date:yyyy-MM-dd}");
            }

            if (errors.Count > 0 || patient is null || testDate is null)
            {
                return (null, errors);
            }

            return (new AudiogramDocument
            {
                SchemaVersion = version,
                Patient = patient,
                TestDate = testDate.Value,
                Device = device,
                Right = right,
                Left = left,
            }, errors);
        }
    }

    private static AudiogramPatient? ReadPatient(JsonElement root, Context context)
    {
        if (!root.TryGetProperty("patient", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            context.Errors.Add("$.patient: required object with at least 'id'");
            return null;
        }

        context.NoUnknown(p, "$.patient", "id", "issuer", "birthDate", "sex");
        var id = context.OptionalString(p, "$.patient", "id");
        if (string.IsNullOrWhiteSpace(id))
        {
            context.Errors.Add("$.patient.id: required, non-empty string");
            return null;
        }

        var sex = context.OptionalString(p, "$.patient", "sex");
        if (sex is not null and not ("female" or "male" or "other" or "unknown"))
        {
            context.Errors.Add($"$.patient.sex: '{sex}' is not one of female, male, other, unknown (FHIR administrative gender)");
        }

        return new AudiogramPatient
        {
            Id = id,
            Issuer = context.OptionalString(p, "$.patient", "issuer"),
            BirthDate = context.OptionalDate(p, "$.patient", "birthDate"),
            Sex = sex,
        };
    }

    private static AudiometerDevice? ReadDevice(JsonElement d, Context context)
    {
        if (d.ValueKind != JsonValueKind.Object)
        {
            context.Errors.Add("$.device: must be an object");
            return null;
        }

        context.NoUnknown(d, "$.device", "manufacturer", "model", "serialNumber", "calibrationDate", "calibrationStandard", "airTransducer", "boneTransducer");
        return new AudiometerDevice
        {
            Manufacturer = context.OptionalString(d, "$.device", "manufacturer"),
            Model = context.OptionalString(d, "$.device", "model"),
            SerialNumber = context.OptionalString(d, "$.device", "serialNumber"),
            CalibrationDate = context.OptionalDate(d, "$.device", "calibrationDate"),
            CalibrationStandard = context.OptionalString(d, "$.device", "calibrationStandard"),
            AirTransducer = context.OptionalString(d, "$.device", "airTransducer"),
            BoneTransducer = context.OptionalString(d, "$.device", "boneTransducer"),
        };
    }

    private static EarResults? ReadEar(JsonElement ear, string path, Context context)
    {
        if (ear.ValueKind != JsonValueKind.Object)
        {
            context.Errors.Add($"{path}: must be an object");
            return null;
        }

        context.NoUnknown(ear, path, "airConduction", "boneConduction", "tympanometry");
        return new EarResults
        {
            AirConduction = ReadThresholds(ear, path, "airConduction", context),
            BoneConduction = ReadThresholds(ear, path, "boneConduction", context),
            Tympanometry = ear.TryGetProperty("tympanometry", out var t) ? ReadTympanometry(t, $"{path}.tympanometry", context) : null,
        };
    }

    private static List<PureToneThreshold> ReadThresholds(JsonElement ear, string earPath, string name, Context context)
    {
        var result = new List<PureToneThreshold>();
        if (!ear.TryGetProperty(name, out var list))
        {
            return result;
        }

        var path = $"{earPath}.{name}";
        if (list.ValueKind != JsonValueKind.Array)
        {
            context.Errors.Add($"{path}: must be an array of thresholds");
            return result;
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"{path}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                context.Errors.Add($"{at}: must be an object with frequencyHz and thresholdDbHl");
                continue;
            }

            context.NoUnknown(item, at, "frequencyHz", "thresholdDbHl", "masked", "noResponse");
            var frequency = context.RequiredNumber(item, at, "frequencyHz");
            var threshold = context.RequiredNumber(item, at, "thresholdDbHl");
            var masked = context.OptionalBool(item, at, "masked") ?? false;
            var noResponse = context.OptionalBool(item, at, "noResponse") ?? false;
            if (frequency is { } f && (f != Math.Floor(f) || !AudiogramDocument.AllowedFrequenciesHz.Contains((int)f)))
            {
                context.Errors.Add($"{at}.frequencyHz: {Format(f)} Hz is not an audiometric test frequency ({string.Join(", ", AudiogramDocument.AllowedFrequenciesHz)})");
                continue;
            }

            if (threshold is { } th && (th < MinThresholdDbHl || th > MaxThresholdDbHl))
            {
                context.Errors.Add($"{at}.thresholdDbHl: {Format(th)} dB HL is outside the audiometer range {MinThresholdDbHl} to {MaxThresholdDbHl}");
                continue;
            }

            if (frequency is null || threshold is null)
            {
                continue;
            }

            if (result.Any(t => t.FrequencyHz == (int)frequency))
            {
                context.Errors.Add($"{at}.frequencyHz: {Format(frequency.Value)} Hz appears more than once in {name}");
                continue;
            }

            result.Add(new PureToneThreshold((int)frequency, threshold.Value, masked, noResponse));
        }

        return result.OrderBy(t => t.FrequencyHz).ToList();
    }

    private static Tympanometry? ReadTympanometry(JsonElement t, string path, Context context)
    {
        if (t.ValueKind != JsonValueKind.Object)
        {
            context.Errors.Add($"{path}: must be an object");
            return null;
        }

        context.NoUnknown(t, path, "peakPressureDaPa", "staticAdmittanceMl", "earCanalVolumeMl", "noPeak", "probeToneHz");
        var noPeak = context.OptionalBool(t, path, "noPeak") ?? false;
        var pressure = context.OptionalNumber(t, path, "peakPressureDaPa");
        var admittance = context.OptionalNumber(t, path, "staticAdmittanceMl");
        var volume = context.OptionalNumber(t, path, "earCanalVolumeMl");
        var probe = context.OptionalNumber(t, path, "probeToneHz") ?? 226;
        if (pressure is { } p && (p < MinPeakPressureDaPa || p > MaxPeakPressureDaPa))
        {
            context.Errors.Add($"{path}.peakPressureDaPa: {Format(p)} daPa is outside the tympanometer sweep ({MinPeakPressureDaPa} to +{MaxPeakPressureDaPa})");
        }

        if (admittance is { } a && (a < 0 || a > MaxVolumeMl))
        {
            context.Errors.Add($"{path}.staticAdmittanceMl: {Format(a)} mL is outside 0 to {MaxVolumeMl}");
        }

        if (volume is { } v && (v < 0 || v > MaxVolumeMl))
        {
            context.Errors.Add($"{path}.earCanalVolumeMl: {Format(v)} mL is outside 0 to {MaxVolumeMl}");
        }

        if (probe != Math.Floor(probe) || !ProbeTonesHz.Contains((int)probe))
        {
            context.Errors.Add($"{path}.probeToneHz: {Format(probe)} Hz is not a tympanometry probe tone (226, 678 or 1000)");
        }

        if (!noPeak && (pressure is null || admittance is null))
        {
            context.Errors.Add($"{path}: give peakPressureDaPa and staticAdmittanceMl, or noPeak: true for a flat trace");
        }

        if (noPeak && pressure is not null)
        {
            context.Errors.Add($"{path}: noPeak is true but peakPressureDaPa is given");
        }

        return new Tympanometry
        {
            NoPeak = noPeak,
            PeakPressureDaPa = pressure,
            StaticAdmittanceMl = admittance,
            EarCanalVolumeMl = volume,
            ProbeToneHz = (int)probe,
        };
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class Context(List<string> errors)
    {
        public List<string> Errors { get; } = errors;

        public void NoUnknown(JsonElement element, string path, params string[] known)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!known.Contains(property.Name, StringComparer.Ordinal))
                {
                    Errors.Add($"{path}.{property.Name}: unknown property (allowed: {string.Join(", ", known)})");
                }
            }
        }

        public string? OptionalString(JsonElement parent, string path, string name)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                Errors.Add($"{path}.{name}: must be a string");
                return null;
            }

            return value.GetString();
        }

        public DateOnly? OptionalDate(JsonElement parent, string path, string name)
        {
            var text = OptionalString(parent, path, name);
            if (text is null)
            {
                return null;
            }

            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            Errors.Add($"{path}.{name}: '{text}' is not a date in the form YYYY-MM-DD");
            return null;
        }

        public DateOnly? RequiredDate(JsonElement parent, string path, string name)
        {
            if (!parent.TryGetProperty(name, out _))
            {
                Errors.Add($"{path}.{name}: required date (YYYY-MM-DD)");
                return null;
            }

            return OptionalDate(parent, path, name);
        }

        public double? OptionalNumber(JsonElement parent, string path, string name)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
            {
                Errors.Add($"{path}.{name}: must be a number");
                return null;
            }

            return number;
        }

        public double? RequiredNumber(JsonElement parent, string path, string name)
        {
            if (!parent.TryGetProperty(name, out _))
            {
                Errors.Add($"{path}.{name}: required number");
                return null;
            }

            return OptionalNumber(parent, path, name);
        }

        public bool? OptionalBool(JsonElement parent, string path, string name)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Errors.Add($"{path}.{name}: must be true or false");
                return null;
            }

            return value.GetBoolean();
        }
    }
}
