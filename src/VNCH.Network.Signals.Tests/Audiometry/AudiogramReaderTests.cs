using System.Text;
using System.Text.Json.Nodes;
using VNCH.Network.Signals.Audiometry;

namespace VNCH.Network.Signals.Tests.Audiometry;

public sealed class AudiogramReaderTests
{
    private static JsonObject Valid() => AudiogramJson.Document(
        AudiogramJson.Ear(20, 10, tympanometry: new JsonObject { ["peakPressureDaPa"] = -40, ["staticAdmittanceMl"] = 0.5, ["earCanalVolumeMl"] = 0.9 }),
        AudiogramJson.Ear(25));

    [Fact]
    public void Valid_document_reads_every_field()
    {
        var document = AudiogramReader.Read(AudiogramJson.Bytes(Valid()));
        Assert.Equal("VNCH-000123", document.Patient.Id);
        Assert.Equal(new DateOnly(2018, 3, 1), document.Patient.BirthDate);
        Assert.Equal(new DateOnly(2026, 11, 20), document.TestDate);
        Assert.Equal("ISO 389-1", document.Device!.CalibrationStandard);
        Assert.Equal(6, document.Right!.AirConduction.Count);
        Assert.Equal(10, document.Right.Bone(1000)!.ThresholdDbHl);
        Assert.True(document.Right.Bone(1000)!.Masked);
        Assert.Equal(-40, document.Right.Tympanometry!.PeakPressureDaPa);
        Assert.Equal(226, document.Right.Tympanometry.ProbeToneHz);
        Assert.Null(document.Left!.Tympanometry);
        Assert.Equal(PatientAge.DaysBetween(new DateOnly(2018, 3, 1), new DateOnly(2026, 11, 20)), document.AgeDays);
    }

    public static TheoryData<string, string> BadDocuments()
    {
        JsonObject With(Action<JsonObject> change)
        {
            var document = Valid();
            change(document);
            return document;
        }

        return new TheoryData<string, string>
        {
            { "{ not json", "$: not valid JSON" },
            { "[1, 2]", "$: the document must be a JSON object" },
            { With(d => d.Remove("patient")).ToJsonString(), "$.patient: required object" },
            { With(d => d["patient"]!["id"] = " ").ToJsonString(), "$.patient.id: required, non-empty string" },
            { With(d => d["patient"]!["sex"] = "F").ToJsonString(), "$.patient.sex: 'F' is not one of female, male, other, unknown" },
            { With(d => d.Remove("testDate")).ToJsonString(), "$.testDate: required date" },
            { With(d => d["testDate"] = "20/11/2026").ToJsonString(), "$.testDate: '20/11/2026' is not a date in the form YYYY-MM-DD" },
            { With(d => d["patient"]!["birthDate"] = "2027-01-01").ToJsonString(), "$.patient.birthDate: 2027-01-01 is after the test date 2026-11-20" },
            { With(d => d["schemaVersion"] = "2.0").ToJsonString(), "$.schemaVersion: '2.0' is not supported" },
            { With(d => d["colour"] = "blue").ToJsonString(), "$.colour: unknown property" },
            { With(d => d.Remove("ears")).ToJsonString(), "$.ears: required object" },
            { With(d => d["ears"] = new JsonObject()).ToJsonString(), "$.ears: at least one ear" },
            { With(d => d["ears"]!["right"]!["airConduction"]![1]!["frequencyHz"] = 600).ToJsonString(), "$.ears.right.airConduction[1].frequencyHz: 600 Hz is not an audiometric test frequency" },
            { With(d => d["ears"]!["right"]!["airConduction"]![1]!["thresholdDbHl"] = 150).ToJsonString(), "$.ears.right.airConduction[1].thresholdDbHl: 150 dB HL is outside the audiometer range" },
            { With(d => d["ears"]!["right"]!["airConduction"]![1]!["thresholdDbHl"] = "20").ToJsonString(), "$.ears.right.airConduction[1].thresholdDbHl: must be a number" },
            { With(d => d["ears"]!["left"]!["airConduction"]![2]!["frequencyHz"] = 500).ToJsonString(), "$.ears.left.airConduction[2].frequencyHz: 500 Hz appears more than once" },
            { With(d => ((JsonObject)d["ears"]!["left"]!["airConduction"]![0]!).Remove("thresholdDbHl")).ToJsonString(), "$.ears.left.airConduction[0].thresholdDbHl: required number" },
            { With(d => d["ears"]!["right"]!["boneConduction"]![0]!["masked"] = "yes").ToJsonString(), "$.ears.right.boneConduction[0].masked: must be true or false" },
            { With(d => d["ears"]!["right"]!["tympanometry"]!["peakPressureDaPa"] = -900).ToJsonString(), "$.ears.right.tympanometry.peakPressureDaPa: -900 daPa is outside the tympanometer sweep" },
            { With(d => ((JsonObject)d["ears"]!["right"]!["tympanometry"]!).Remove("staticAdmittanceMl")).ToJsonString(), "$.ears.right.tympanometry: give peakPressureDaPa and staticAdmittanceMl, or noPeak: true" },
            { With(d => d["ears"]!["right"]!["tympanometry"]!["noPeak"] = true).ToJsonString(), "$.ears.right.tympanometry: noPeak is true but peakPressureDaPa is given" },
            { With(d => d["ears"]!["right"]!["tympanometry"]!["probeToneHz"] = 500).ToJsonString(), "$.ears.right.tympanometry.probeToneHz: 500 Hz is not a tympanometry probe tone" },
        };
    }

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public void Bad_documents_get_a_specific_message(string json, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var error = Assert.Throws<SignalFormatException>(() => AudiogramReader.Read(bytes));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(AudiogramReader.Validate(bytes), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_utf8_is_rejected_and_a_byte_order_mark_accepted()
    {
        var bytes = AudiogramJson.Bytes(Valid());
        var broken = (byte[])bytes.Clone();
        broken[Array.IndexOf(broken, (byte)'V')] = 0xFF; // inside the patient id string
        var error = Assert.Throws<SignalFormatException>(() => AudiogramReader.Read(broken));
        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);

        byte[] withBom = [0xEF, 0xBB, 0xBF, .. bytes];
        Assert.Equal("VNCH-000123", AudiogramReader.Read(withBom).Patient.Id);
    }

    [Fact]
    public void All_problems_are_reported_at_once()
    {
        var document = Valid();
        document["testDate"] = "yesterday";
        document["ears"]!["right"]!["airConduction"]![0]!["frequencyHz"] = 7;
        var errors = AudiogramReader.Validate(AudiogramJson.Bytes(document));
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void Oversized_document_is_refused_without_reading_it_all()
    {
        var big = new MemoryStream(new byte[AudiogramReader.MaxDocumentBytes + 100_000]);
        var error = Assert.Throws<SignalFormatException>(() => AudiogramReader.Read(big));
        Assert.Contains("larger than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_json_is_rejected_not_crashing()
    {
        var json = new string('[', 5000) + new string(']', 5000);
        var error = Assert.Throws<SignalFormatException>(() => AudiogramReader.Read(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }
}
