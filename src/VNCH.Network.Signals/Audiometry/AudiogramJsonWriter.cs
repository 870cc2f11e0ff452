using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace VNCH.Network.Signals.Audiometry;

/// <summary>
/// Writes an <see cref="AudiogramDocument"/> as the network's audiogram JSON (schema 1.0, docs/audiogram.md): only the
/// fields that carry information (no <c>masked: false</c>), property order as in the documentation.
/// <see cref="AudiogramReader"/> reads what this writes.
/// </summary>
public static class AudiogramJsonWriter
{
    public static void Write(Stream output, AudiogramDocument document)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(document);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("schemaVersion", document.SchemaVersion);
        json.WriteStartObject("patient");
        json.WriteString("id", document.Patient.Id);
        WriteIfPresent(json, "issuer", document.Patient.Issuer);
        WriteIfPresent(json, "birthDate", Date(document.Patient.BirthDate));
        WriteIfPresent(json, "sex", document.Patient.Sex);
        json.WriteEndObject();
        json.WriteString("testDate", Date(document.TestDate));
        if (document.Device is { } device)
        {
            json.WriteStartObject("device");
            WriteIfPresent(json, "manufacturer", device.Manufacturer);
            WriteIfPresent(json, "model", device.Model);
            WriteIfPresent(json, "serialNumber", device.SerialNumber);
            WriteIfPresent(json, "calibrationDate", Date(device.CalibrationDate));
            WriteIfPresent(json, "calibrationStandard", device.CalibrationStandard);
            WriteIfPresent(json, "airTransducer", device.AirTransducer);
            WriteIfPresent(json, "boneTransducer", device.BoneTransducer);
            json.WriteEndObject();
        }

        json.WriteStartObject("ears");
        WriteEar(json, "right", document.Right);
        WriteEar(json, "left", document.Left);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteEar(Utf8JsonWriter json, string name, EarResults? ear)
    {
        if (ear is null)
        {
            return;
        }

        json.WriteStartObject(name);
        WriteThresholds(json, "airConduction", ear.AirConduction);
        WriteThresholds(json, "boneConduction", ear.BoneConduction);
        if (ear.Tympanometry is { } tymp)
        {
            json.WriteStartObject("tympanometry");
            if (tymp.NoPeak)
            {
                json.WriteBoolean("noPeak", true);
            }
            else
            {
                WriteIfPresent(json, "peakPressureDaPa", tymp.PeakPressureDaPa);
                WriteIfPresent(json, "staticAdmittanceMl", tymp.StaticAdmittanceMl);
            }

            WriteIfPresent(json, "earCanalVolumeMl", tymp.EarCanalVolumeMl);
            json.WriteNumber("probeToneHz", tymp.ProbeToneHz);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteThresholds(Utf8JsonWriter json, string name, IReadOnlyList<PureToneThreshold> thresholds)
    {
        if (thresholds.Count == 0)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (var t in thresholds)
        {
            json.WriteStartObject();
            json.WriteNumber("frequencyHz", t.FrequencyHz);
            json.WriteNumber("thresholdDbHl", t.ThresholdDbHl);
            if (t.Masked)
            {
                json.WriteBoolean("masked", true);
            }

            if (t.NoResponse)
            {
                json.WriteBoolean("noResponse", true);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void WriteIfPresent(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteIfPresent(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
    }
}
