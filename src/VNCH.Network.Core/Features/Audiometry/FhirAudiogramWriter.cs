using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Signals.Audiometry;

namespace VNCH.Network.Core.Features.Audiometry;

/// <summary>
/// Writes an <see cref="AudiogramDocument"/> as the FHIR R4 Bundle <see cref="FhirAudiogramReader"/> reads: the
/// canonical form of docs/audiogram.md ("FHIR input"), used to generate docs/audiogram.example.fhir.json and by
/// hospitals that convert their exports. A LOINC code is used wherever one is confirmed, the generic form otherwise.
/// </summary>
public static class FhirAudiogramWriter
{
    private const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";

    public static Bundle ToBundle(AudiogramDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var visit = $"{document.Patient.Issuer}|{document.Patient.Id}|{document.TestDate:yyyy-MM-dd}";
        var patientUrl = Urn(visit, "patient");
        var bundle = new Bundle { Type = Bundle.BundleType.Collection };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = patientUrl, Resource = Patient(document.Patient) });

        string? deviceUrl = null;
        if (document.Device is { } audiometer)
        {
            deviceUrl = Urn(visit, "device");
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = deviceUrl, Resource = Device(audiometer) });
        }

        var context = new ObservationContext(patientUrl, deviceUrl, new FhirDateTime(document.TestDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        foreach (var ear in new[] { Ear.Right, Ear.Left })
        {
            if (document.For(ear) is not { } results)
            {
                continue;
            }

            var observations = results.AirConduction.Select(t => Threshold(context, ear, AudiometryCodes.AirConduction, t))
                .Concat(results.BoneConduction.Select(t => Threshold(context, ear, AudiometryCodes.BoneConduction, t)))
                .Concat(results.Tympanometry is { } tympanometry ? [Tympanometry(context, ear, tympanometry)] : []);
            foreach (var observation in observations)
            {
                bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = Urn(visit, observation.Id!), Resource = observation });
            }
        }

        return bundle;
    }

    private sealed record ObservationContext(string PatientUrl, string? DeviceUrl, FhirDateTime Effective);

    private static Patient Patient(AudiogramPatient patient) => new()
    {
        Id = "patient",
        Identifier = [new Identifier(patient.Issuer, patient.Id)],
        BirthDate = patient.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Gender = patient.Sex is null ? null : AdministrativeSexCodes.ToFhir(AdministrativeSexCodes.FromFhir(patient.Sex)),
    };

    private static Device Device(AudiometerDevice device) => new()
    {
        Id = "audiometer",
        Manufacturer = device.Manufacturer,
        ModelNumber = device.Model,
        SerialNumber = device.SerialNumber,
    };

    private static Observation Threshold(ObservationContext context, Ear ear, string route, PureToneThreshold threshold)
    {
        var observation = Base(context, ear, $"{AudiometryCodes.Side(ear)}-{route.Split('-')[0]}-{threshold.FrequencyHz}");
        if (AudiometryCodes.LoincHearingThreshold(ear, threshold.FrequencyHz) is { } loinc)
        {
            observation.Code = Concept(loinc);
        }
        else
        {
            observation.Code = Local(AudiometryCodes.HearingThreshold, "Pure-tone hearing threshold");
            observation.Component.Add(new Observation.ComponentComponent
            {
                Code = Local(AudiometryCodes.Frequency, "Test frequency"),
                Value = Ucum((decimal)threshold.FrequencyHz, AudiometryCodes.Hertz),
            });
        }

        observation.Method = Local(route, route == AudiometryCodes.AirConduction ? "Air conduction" : "Bone conduction");
        var value = Ucum((decimal)threshold.ThresholdDbHl, AudiometryCodes.DecibelHearingLevel);
        value.Unit = "dB HL";
        if (threshold.NoResponse)
        {
            value.Comparator = Quantity.QuantityComparator.GreaterThan;
        }

        observation.Value = value;
        if (threshold.Masked)
        {
            observation.Component.Add(new Observation.ComponentComponent
            {
                Code = Local(AudiometryCodes.ContralateralMasking, "Contralateral masking used"),
                Value = new FhirBoolean(true),
            });
        }

        return observation;
    }

    private static Observation Tympanometry(ObservationContext context, Ear ear, Tympanometry tympanometry)
    {
        var observation = Base(context, ear, $"{AudiometryCodes.Side(ear)}-tympanometry");
        observation.Code = Local(AudiometryCodes.Tympanometry, "Tympanometry");
        void Add(string code, string display, DataType? value)
        {
            if (value is not null)
            {
                observation.Component.Add(new Observation.ComponentComponent { Code = Local(code, display), Value = value });
            }
        }

        Add(AudiometryCodes.NoPeak, "No tympanometric peak (flat trace)", tympanometry.NoPeak ? new FhirBoolean(true) : null);
        Add(AudiometryCodes.PeakPressure, "Tympanometric peak pressure", OptionalUcum(tympanometry.PeakPressureDaPa, AudiometryCodes.Decapascal));
        Add(AudiometryCodes.StaticAdmittance, "Peak compensated static admittance (equivalent volume)", OptionalUcum(tympanometry.StaticAdmittanceMl, AudiometryCodes.Millilitre));
        Add(AudiometryCodes.EarCanalVolume, "Ear-canal volume", OptionalUcum(tympanometry.EarCanalVolumeMl, AudiometryCodes.Millilitre));
        Add(AudiometryCodes.ProbeTone, "Probe tone frequency", Ucum((decimal)tympanometry.ProbeToneHz, AudiometryCodes.Hertz));
        return observation;
    }

    private static Observation Base(ObservationContext context, Ear ear, string id) => new()
    {
        Id = id,
        Status = ObservationStatus.Final,
        Category = [Coded(ObservationCategory, "exam", "Exam")],
        Subject = new ResourceReference(context.PatientUrl),
        Effective = context.Effective,
        BodySite = Concept(AudiometryCodes.EarStructure(ear)),
        Device = context.DeviceUrl is null ? null : new ResourceReference(context.DeviceUrl),
    };

    private static CodeableConcept Concept(CodedConcept concept) => Coded(concept.System, concept.Code, concept.Display);

    private static CodeableConcept Local(string code, string display) => Coded(AudiometryCodes.System, code, display);

    private static CodeableConcept Coded(string system, string code, string display) => new() { Coding = [new Coding(system, code, display)] };

    private static Quantity Ucum(decimal value, string unit) => new() { Value = value, Unit = unit, System = CodeSystems.Ucum, Code = unit };

    private static Quantity? OptionalUcum(double? value, string unit) => value is { } v ? Ucum((decimal)v, unit) : null;

    /// <summary>Stable urn:uuid per visit and resource, so the same document always gives the same Bundle.</summary>
    private static string Urn(string visit, string resource)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{visit}|{resource}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // RFC 4122 layout: version nibble, variant bits.
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return $"urn:uuid:{new Guid(hash.AsSpan(0, 16), bigEndian: true)}";
    }
}
