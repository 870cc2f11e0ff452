using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VNCH.Network.Contracts.Fhir;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Audiometry;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Signals;
using VNCH.Network.Signals.Audiometry;
using static VNCH.Network.Core.Tests.Audiometry.AudiogramExamples;

namespace VNCH.Network.Core.Tests.Audiometry;

public sealed class FhirAudiogramReaderTests
{
    private const string Local = AudiometryCodes.System;

    [Fact]
    public void The_loinc_threshold_table_has_valid_check_digits_and_one_code_per_ear_and_frequency()
    {
        Assert.All(AudiometryCodes.LoincHearingThresholds.Keys, code => Assert.True(Loinc.HasValidCheckDigit(code), code));
        Assert.Equal(22, AudiometryCodes.LoincHearingThresholds.Values.Distinct().Count());
        Assert.Equal("89016-0", AudiometryCodes.LoincHearingThreshold(Ear.Left, 1000)!.Code);
        Assert.Null(AudiometryCodes.LoincHearingThreshold(Ear.Right, 125));
    }

    [Fact]
    public void The_shipped_example_bundle_is_the_json_example_written_as_fhir_and_is_valid_r4()
    {
        var generated = GeneratedBundleJson();
        if (Environment.GetEnvironmentVariable("VNCH_WRITE_EXAMPLES") == "1")
        {
            File.WriteAllText(BundlePath, generated);
        }

        Assert.True(File.Exists(BundlePath), $"{BundlePath} is missing; run this test with VNCH_WRITE_EXAMPLES=1 to write it.");
        Assert.True(File.ReadAllText(BundlePath).ReplaceLineEndings("\n") == generated,
            "docs/audiogram.example.fhir.json differs from what FhirAudiogramWriter makes of docs/audiogram.example.json; run this test with VNCH_WRITE_EXAMPLES=1 to regenerate it.");
        Assert.Empty(R4Validation.Errors(generated));
    }

    [Fact]
    public void The_example_bundle_maps_onto_the_documented_audiogram()
    {
        var document = FhirAudiogramReader.Read(File.ReadAllText(BundlePath));

        Assert.Equal("VNCH-000123", document.Patient.Id);
        Assert.Equal("urn:oid:2.16.704.1.1", document.Patient.Issuer);
        Assert.Equal(new DateOnly(2019, 5, 1), document.Patient.BirthDate);
        Assert.Equal("female", document.Patient.Sex);
        Assert.Equal(new DateOnly(2026, 11, 20), document.TestDate);
        Assert.Equal(new AudiometerDevice { Manufacturer = "Example Audio", Model = "AD-1", SerialNumber = "SN-0042" }, document.Device);

        var right = document.Right!;
        Assert.Equal(new[] { 250, 500, 1000, 2000, 4000, 8000 }, right.AirConduction.Select(t => t.FrequencyHz));
        Assert.Equal(new PureToneThreshold(500, 40), right.Air(500));
        Assert.Equal(new PureToneThreshold(2000, 10, Masked: true), right.Bone(2000));
        Assert.Equal(new Tympanometry { NoPeak = true, EarCanalVolumeMl = 0.7 }, right.Tympanometry);
        var left = document.Left!;
        Assert.Empty(left.BoneConduction);
        Assert.Equal(new Tympanometry { PeakPressureDaPa = -20, StaticAdmittanceMl = 0.5, EarCanalVolumeMl = 0.8 }, left.Tympanometry);
    }

    [Fact]
    public void The_bundle_and_the_json_document_analyse_to_the_same_result()
    {
        var fromJson = AudiogramInterpreter.Interpret(Document());
        var fromBundle = AudiogramInterpreter.Interpret(FhirAudiogramReader.Read(File.ReadAllText(BundlePath)));

        Assert.Equal(JsonSerializer.Serialize(fromJson), JsonSerializer.Serialize(fromBundle));
        Assert.Equal(WhoHearingGrade.Normal, fromBundle.Grade);
        Assert.Equal(32.5, fromBundle.Right!.Pta4DbHl);
    }

    [Fact]
    public void Every_ear_frequency_and_route_survives_a_round_trip_including_125_hz_and_no_response()
    {
        var document = new AudiogramDocument
        {
            Patient = new AudiogramPatient { Id = "P-7", Issuer = "urn:oid:1.2.3", Sex = "male" },
            TestDate = new DateOnly(2026, 1, 2),
            Right = new EarResults
            {
                AirConduction = AudiogramDocument.AllowedFrequenciesHz.Select(f => new PureToneThreshold(f, f / 100.0, NoResponse: f == 8000)).ToList(),
                BoneConduction = [new PureToneThreshold(125, 5, Masked: true), new PureToneThreshold(4000, 70, NoResponse: true)],
                Tympanometry = new Tympanometry { PeakPressureDaPa = -150, StaticAdmittanceMl = 0.2, ProbeToneHz = 1000 },
            },
            Left = new EarResults { AirConduction = AudiogramDocument.AllowedFrequenciesHz.Select(f => new PureToneThreshold(f, 130 - (f / 100.0), Masked: true)).ToList() },
        };

        var json = FhirJson.Serialize(FhirAudiogramWriter.ToBundle(document));
        var read = FhirAudiogramReader.Read(json);

        Assert.Equal(document.Right.AirConduction, read.Right!.AirConduction);
        Assert.Equal(document.Right.BoneConduction, read.Right.BoneConduction);
        Assert.Equal(document.Right.Tympanometry, read.Right.Tympanometry);
        Assert.Equal(document.Left.AirConduction, read.Left!.AirConduction);
        Assert.Equal(document.Patient, read.Patient);
        // 125 Hz has no confirmed LOINC code: the generic form carries it.
        Assert.Contains($"\"system\":\"{Local}\",\"code\":\"{AudiometryCodes.HearingThreshold}\"", json, StringComparison.Ordinal);
        Assert.Empty(R4Validation.Errors(json));
    }

    [Fact]
    public void A_loinc_coded_threshold_as_hl7_pacio_sends_it_is_read_from_its_code_with_unit_dB()
    {
        var json = BundleWith(bundle =>
        {
            var observation = Entry(bundle, "right-air-500");
            observation.Remove("bodySite");
            observation["valueQuantity"] = new JsonObject { ["value"] = 55, ["system"] = "http://unitsofmeasure.org", ["code"] = "dB" };
        });

        Assert.Equal(55, FhirAudiogramReader.Read(json).Right!.Air(500)!.ThresholdDbHl);
    }

    public static TheoryData<string, string> Rejections() => new()
    {
        { """{"resourceType":"Patient","id":"p"}""", "Patient: the document is a Patient, not a Bundle" },
        { """{"resourceType":"Bundle","type":"collection","entry":[""", "not a readable FHIR R4 JSON resource" },
        { """{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Observation","id":"x","status":"final","code":{"text":"t"},"valueQuantity":{"value":"forty"}}}]}""", "not a readable FHIR R4 JSON resource" },
        { BundleWith(b => b["type"] = "transaction"), "Bundle.type: 'transaction' is not accepted" },
        { BundleWith(b => RemoveEntries(b, r => (string?)r["resourceType"] == "Patient")), "Bundle: no Patient resource" },
        { BundleWith(b => RemoveEntries(b, r => (string?)r["resourceType"] == "Observation")), "Bundle: no air-conduction hearing-threshold Observation in either ear" },
        { BundleWith(b => Entry(b, "patient").Remove("identifier")), "Patient/patient.identifier: required" },
        { BundleWith(b => Entry(b, "right-air-500")["valueQuantity"]!["code"] = "dB[SPL]"), "Observation/right-air-500.valueQuantity: the unit must be UCUM 'dB{HL}' or 'dB[HL]' or 'dB'" },
        { BundleWith(b => Entry(b, "right-air-500")["valueQuantity"]!["system"] = "http://example.org/units"), "Observation/right-air-500.valueQuantity: the unit must be UCUM" },
        { BundleWith(b => Entry(b, "right-air-500")["valueQuantity"]!["value"] = 140), "Observation/right-air-500.valueQuantity: 140 dB HL is outside the audiometer range" },
        { BundleWith(b => Entry(b, "right-air-500")["valueQuantity"]!["comparator"] = "<"), "Observation/right-air-500.valueQuantity.comparator: only '>'" },
        { BundleWith(b => Entry(b, "right-air-500").Remove("valueQuantity")), "Observation/right-air-500.valueQuantity: required" },
        { BundleWith(b => Entry(b, "right-air-500").Remove("method")), "Observation/right-air-500.method: required" },
        { BundleWith(b => Entry(b, "right-air-500")["bodySite"]!["coding"]![0]!["code"] = "89644007"), "Observation/right-air-500.bodySite: the left ear contradicts LOINC 89025-1 (right ear)" },
        { BundleWith(b => Entry(b, "right-air-500")["code"]!["coding"]![0]!["code"] = "8867-4"), "Observation/right-air-500.code: http://loinc.org|8867-4 is not an audiometry observation" },
        { BundleWith(b => Entry(b, "right-air-500")["code"]!["coding"]![0]!["code"] = "91376-4"), "Observation/right-air-500: 5000 Hz is not an audiometric test frequency" },
        { BundleWith(b => Entry(b, "right-air-1000")["code"]!["coding"]![0]!["code"] = "89025-1"), "Observation/right-air-1000: a second air-conduction threshold for the right ear at 500 Hz" },
        { BundleWith(b => Entry(b, "right-air-500")["effectiveDateTime"] = "2026-11-21"), "Bundle: the Observations are dated 2026-11-20, 2026-11-21; send one Bundle per visit" },
        { BundleWith(b => Entry(b, "right-air-500")["effectiveDateTime"] = "2026-11"), "Observation/right-air-500.effectiveDateTime: '2026-11' is not a full date" },
        { BundleWith(b => Entry(b, "right-air-500")["subject"] = new JsonObject { ["reference"] = "Patient/someone-else" }), "Observation/right-air-500.subject: 'Patient/someone-else' is not the Bundle's Patient" },
        { BundleWith(b => Entry(b, "patient")["birthDate"] = "2027-01-01"), "Patient.birthDate: 2027-01-01 is after the test date 2026-11-20" },
        { BundleWith(b => Entry(b, "left-tympanometry")["component"]!.AsArray().RemoveAt(0)), "Observation/left-tympanometry: give peak-pressure and static-admittance, or no-peak true" },
        { BundleWith(b => Entry(b, "left-tympanometry").Remove("bodySite")), "Observation/left-tympanometry.bodySite: required; use SNOMED CT 25577004 (Right ear structure) or 89644007 (Left ear structure)" },
        { BundleWith(b => Entry(b, "left-tympanometry")["component"]![1]!["valueQuantity"]!["value"] = 12), "Observation/left-tympanometry.component[static-admittance]: 12 mL is outside 0 to 10" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void A_bad_bundle_is_rejected_with_a_specific_reason(string json, string expected)
    {
        var error = Assert.Throws<SignalFormatException>(() => FhirAudiogramReader.Read(json));

        Assert.StartsWith("Audiogram Bundle is invalid: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var json = BundleWith(b =>
        {
            Entry(b, "right-air-500")["valueQuantity"]!["code"] = "Hz";
            Entry(b, "left-air-250").Remove("method");
            Entry(b, "right-tympanometry").Remove("bodySite");
        });

        var message = Assert.Throws<SignalFormatException>(() => FhirAudiogramReader.Read(json)).Message;

        Assert.Contains("Observation/right-air-500.valueQuantity: the unit must be UCUM", message, StringComparison.Ordinal);
        Assert.Contains("Observation/left-air-250.method: required", message, StringComparison.Ordinal);
        Assert.Contains("Observation/right-tympanometry.bodySite: required", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Withdrawn_observations_are_left_out_and_oversized_or_non_utf8_documents_are_refused()
    {
        var withdrawn = BundleWith(b => Entry(b, "right-air-500")["status"] = "entered-in-error");
        Assert.Null(FhirAudiogramReader.Read(withdrawn).Right!.Air(500));

        var huge = new MemoryStream(new byte[AudiogramReader.MaxDocumentBytes + 1]);
        Assert.Contains("larger than", Assert.Throws<SignalFormatException>(() => FhirAudiogramReader.Read(huge)).Message, StringComparison.Ordinal);
        var latin1 = new MemoryStream([(byte)'{', 0xE9, (byte)'}']);
        Assert.Contains("not valid UTF-8", Assert.Throws<SignalFormatException>(() => FhirAudiogramReader.Read(latin1)).Message, StringComparison.Ordinal);
        var withByteOrderMark = new MemoryStream(Encoding.UTF8.GetPreamble().Concat(File.ReadAllBytes(BundlePath)).ToArray());
        Assert.Equal(Clinical(Document()), Clinical(FhirAudiogramReader.Read(withByteOrderMark)));
    }

    [Fact]
    public void Hostile_input_gives_a_result_or_a_format_error_and_nothing_else()
    {
        // Deep nesting (System.Text.Json and Firely both limit depth), then seeded byte flips, insertions and
        // truncations of the example: whatever happens, the only failure a caller may see is SignalFormatException.
        var deep = Encoding.UTF8.GetBytes("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":" + new string('[', 100_000) + new string(']', 100_000) + "}");
        Assert.Throws<SignalFormatException>(() => FhirAudiogramReader.Read(new MemoryStream(deep)));

        var original = File.ReadAllBytes(BundlePath);
        var random = new Random(20261126);
        byte[] alphabet = "{}[]\":,0-9.eE\\ntfu\u0000"u8.ToArray();
        for (var i = 0; i < 400; i++)
        {
            var bytes = original.ToList();
            for (var edits = random.Next(1, 6); edits > 0; edits--)
            {
                var at = random.Next(bytes.Count);
                switch (random.Next(3))
                {
                    case 0: bytes[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 1: bytes.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: bytes.RemoveRange(at, bytes.Count - at); break;
                }

                if (bytes.Count == 0)
                {
                    break;
                }
            }

            try
            {
                FhirAudiogramReader.Read(new MemoryStream(bytes.ToArray()));
            }
            catch (SignalFormatException)
            {
                // expected for most mutations
            }
        }
    }

    /// <summary>What the analysis reads (the FHIR form carries the audiometer's make, model and serial number only).</summary>
    private static string Clinical(AudiogramDocument document) =>
        JsonSerializer.Serialize(new { document.Patient, document.TestDate, document.Right, document.Left });
}
