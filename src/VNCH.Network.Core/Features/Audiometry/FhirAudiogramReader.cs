using System.Globalization;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Signals;
using VNCH.Network.Signals.Audiometry;

namespace VNCH.Network.Core.Features.Audiometry;

/// <summary>
/// Reads an audiogram sent as a FHIR R4 Bundle (collection or document) of one Patient and its audiometry
/// Observations onto the same <see cref="AudiogramDocument"/> the JSON reader produces, so the same analysis runs.
/// The accepted forms are in docs/audiogram.md ("FHIR input"). Like the JSON reader it reports every problem at once,
/// each naming the resource ("Observation/right-air-500: …").
/// </summary>
public static class FhirAudiogramReader
{
    public const string MediaType = MediaTypes.FhirJson;

    /// <summary>Reads and validates; throws <see cref="SignalFormatException"/> listing every problem.</summary>
    public static AudiogramDocument Read(Stream stream)
    {
        var bytes = AudiogramReader.ReadBounded(stream, "Audiogram Bundle");
        string json;
        try
        {
            json = new UTF8Encoding(false, true).GetString(bytes.Span).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw Invalid(["Bundle: the document is not valid UTF-8 text"]);
        }

        return Read(json);
    }

    public static AudiogramDocument Read(string json)
    {
        Resource resource;
        try
        {
            resource = FhirJson.Parse<Resource>(json);
        }
        catch (Exception ex) when (ex is JsonException or DeserializationFailedException or FormatException)
        {
            throw Invalid([$"Bundle: not a readable FHIR R4 JSON resource ({ex.Message})"], ex);
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or InvalidOperationException or NullReferenceException or InvalidCastException)
        {
            // The FHIR library fails this way on some malformed property names (found by fuzzing, docs/security.md):
            // still the sender's malformed document, refused like the others, without the library's own words.
            throw Invalid(["Bundle: not a readable FHIR R4 JSON resource (a property could not be mapped)"], ex);
        }

        if (resource is not Bundle bundle)
        {
            throw Invalid([$"{resource.TypeName}: the document is a {resource.TypeName}, not a Bundle of Observations"]);
        }

        var errors = new List<string>();
        var document = new BundleMapping(bundle, errors).Map();
        if (errors.Count > 0 || document is null)
        {
            throw Invalid(errors);
        }

        return document;
    }

    private static SignalFormatException Invalid(IEnumerable<string> errors, Exception? inner = null)
    {
        var message = $"Audiogram Bundle is invalid: {string.Join("; ", errors)}";
        return inner is null ? new SignalFormatException(message) : new SignalFormatException(message, inner);
    }

    /// <summary>One pass over one Bundle, collecting every problem in <paramref name="errors"/>.</summary>
    private sealed class BundleMapping(Bundle bundle, List<string> errors)
    {
        private readonly Dictionary<(Ear Ear, bool Bone), List<PureToneThreshold>> thresholds = [];
        private readonly Dictionary<Ear, Tympanometry> tympanometry = [];
        private readonly HashSet<DateOnly> dates = [];

        public AudiogramDocument? Map()
        {
            if (bundle.Type is not (Bundle.BundleType.Collection or Bundle.BundleType.Document))
            {
                errors.Add($"Bundle.type: '{bundle.Type?.ToString().ToLowerInvariant() ?? "none"}' is not accepted; send a 'collection' or 'document' Bundle");
            }

            var entries = bundle.Entry.Select((e, i) => (Entry: e, Index: i)).ToList();
            foreach (var (entry, index) in entries.Where(e => e.Entry.Resource is null))
            {
                errors.Add($"Bundle.entry[{index}]: has no resource");
            }

            var patients = entries.Where(e => e.Entry.Resource is Patient).ToList();
            if (patients.Count != 1)
            {
                errors.Add(patients.Count == 0
                    ? "Bundle: no Patient resource (the audiogram's subject is required)"
                    : $"Bundle: {patients.Count} Patient resources; an audiogram Bundle is about one patient");
            }

            var patientEntry = patients.Count == 1 ? patients[0].Entry : null;
            var patient = patientEntry?.Resource is Patient subject ? ReadPatient(subject) : null;
            var devices = entries.Select(e => e.Entry.Resource).OfType<Device>().ToList();
            if (devices.Count > 1)
            {
                errors.Add($"Bundle: {devices.Count} Device resources; at most one audiometer per audiogram");
            }

            foreach (var (entry, index) in entries)
            {
                if (entry.Resource is Observation observation)
                {
                    ReadObservation(observation, index, patientEntry);
                }
            }

            if (!thresholds.Any(t => !t.Key.Bone && t.Value.Count > 0))
            {
                errors.Add("Bundle: no air-conduction hearing-threshold Observation in either ear");
            }

            DateOnly? testDate = null;
            if (dates.Count > 1)
            {
                errors.Add($"Bundle: the Observations are dated {string.Join(", ", dates.Order().Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))}; send one Bundle per visit");
            }
            else if (dates.Count == 1)
            {
                testDate = dates.Single();
            }

            if (patient?.BirthDate is { } birth && testDate is { } date && birth > date)
            {
                errors.Add($"Patient.birthDate: {birth:yyyy-MM-dd} is after the test date {date:yyyy-MM-dd}");
            }

            if (errors.Count > 0 || patient is null || testDate is null)
            {
                return null;
            }

            return new AudiogramDocument
            {
                Patient = patient,
                TestDate = testDate.Value,
                Device = devices.Count == 1 ? ReadDevice(devices[0]) : null,
                Right = EarResultsOf(Ear.Right),
                Left = EarResultsOf(Ear.Left),
            };
        }

        private EarResults? EarResultsOf(Ear ear)
        {
            var air = thresholds.GetValueOrDefault((ear, false)) ?? [];
            var bone = thresholds.GetValueOrDefault((ear, true)) ?? [];
            var tympanogram = tympanometry.GetValueOrDefault(ear);
            return air.Count + bone.Count == 0 && tympanogram is null
                ? null
                : new EarResults
                {
                    AirConduction = air.OrderBy(t => t.FrequencyHz).ToList(),
                    BoneConduction = bone.OrderBy(t => t.FrequencyHz).ToList(),
                    Tympanometry = tympanogram,
                };
        }

        private AudiogramPatient? ReadPatient(Patient patient)
        {
            var at = Label(patient);
            var identifier = patient.Identifier.FirstOrDefault(i => !string.IsNullOrWhiteSpace(i.Value));
            if (identifier is null)
            {
                errors.Add($"{at}.identifier: required, with the hospital patient id as value and its issuer as system");
                return null;
            }

            return new AudiogramPatient
            {
                Id = identifier.Value!,
                Issuer = string.IsNullOrWhiteSpace(identifier.System) ? null : identifier.System,
                BirthDate = patient.BirthDate is null ? null : FullDate(patient.BirthDate, $"{at}.birthDate"),
                Sex = patient.Gender?.ToString().ToLowerInvariant(),
            };
        }

        private static AudiometerDevice ReadDevice(Device device) => new()
        {
            Manufacturer = device.Manufacturer,
            Model = device.ModelNumber ?? device.DeviceName.FirstOrDefault()?.Name,
            SerialNumber = device.SerialNumber,
        };

        private void ReadObservation(Observation observation, int index, Bundle.EntryComponent? patient)
        {
            var at = observation.Id is { Length: > 0 } ? Label(observation) : $"Bundle.entry[{index}] (Observation)";
            if (observation.Status == ObservationStatus.EnteredInError)
            {
                return; // Withdrawn by the sender: not part of the audiogram.
            }

            var coding = observation.Code?.Coding ?? [];
            var loinc = coding.FirstOrDefault(c => c.System == CodeSystems.Loinc && c.Code is not null && AudiometryCodes.LoincHearingThresholds.ContainsKey(c.Code));
            var local = coding.FirstOrDefault(c => c.System == AudiometryCodes.System)?.Code;
            if (loinc is null && local is not (AudiometryCodes.HearingThreshold or AudiometryCodes.Tympanometry))
            {
                var codes = coding.Count == 0 ? "none" : string.Join(", ", coding.Select(c => $"{c.System}|{c.Code}"));
                errors.Add($"{at}.code: {codes} is not an audiometry observation this network reads (a LOINC hearing-threshold code, or {AudiometryCodes.System}|{AudiometryCodes.HearingThreshold} or |{AudiometryCodes.Tympanometry}; docs/audiogram.md)");
                return;
            }

            CheckSubject(observation, at, patient);
            if (EffectiveDate(observation, at) is { } date)
            {
                dates.Add(date);
            }

            if (local == AudiometryCodes.Tympanometry && loinc is null)
            {
                ReadTympanometry(observation, at);
            }
            else
            {
                ReadThreshold(observation, at, loinc?.Code);
            }
        }

        private void ReadThreshold(Observation observation, string at, string? loincCode)
        {
            Ear? ear = null;
            int? frequency = null;
            var valid = true;
            var site = BodySiteEar(observation, at, required: loincCode is null);
            if (loincCode is not null)
            {
                (var codedEar, frequency) = AudiometryCodes.LoincHearingThresholds[loincCode];
                ear = codedEar;
                if (site is { } stated && stated != codedEar)
                {
                    errors.Add($"{at}.bodySite: the {AudiometryCodes.Side(stated)} ear contradicts LOINC {loincCode} ({AudiometryCodes.Side(codedEar)} ear)");
                    valid = false;
                }
            }
            else
            {
                ear = site;
                frequency = FrequencyComponent(observation, at);
            }

            foreach (var component in observation.Component.Where(c => !IsLocal(c.Code, AudiometryCodes.ContralateralMasking) && !(loincCode is null && IsLocal(c.Code, AudiometryCodes.Frequency))))
            {
                errors.Add($"{at}.component: {Describe(component.Code)} is not read on a hearing threshold (allowed: {AudiometryCodes.System}|{AudiometryCodes.ContralateralMasking}" + (loincCode is null ? $", |{AudiometryCodes.Frequency}" : "") + ")");
                valid = false;
            }

            if (frequency is { } f && !AudiogramDocument.AllowedFrequenciesHz.Contains(f))
            {
                errors.Add($"{at}: {f} Hz is not an audiometric test frequency of the network ({string.Join(", ", AudiogramDocument.AllowedFrequenciesHz)})");
                valid = false;
            }

            var route = observation.Method?.Coding.FirstOrDefault(c => c.System == AudiometryCodes.System)?.Code;
            if (route is not (AudiometryCodes.AirConduction or AudiometryCodes.BoneConduction))
            {
                errors.Add($"{at}.method: required, {AudiometryCodes.System}|{AudiometryCodes.AirConduction} or |{AudiometryCodes.BoneConduction} (LOINC's threshold codes do not say which)");
                valid = false;
            }

            var masked = BooleanComponent(observation, AudiometryCodes.ContralateralMasking, at) ?? false;
            var (level, noResponse) = ThresholdValue(observation, at);
            if (!valid || ear is null || frequency is null || level is null)
            {
                return;
            }

            var bone = route == AudiometryCodes.BoneConduction;
            var list = thresholds.TryGetValue((ear.Value, bone), out var existing) ? existing : thresholds[(ear.Value, bone)] = [];
            if (list.Any(t => t.FrequencyHz == frequency))
            {
                errors.Add($"{at}: a second {(bone ? "bone" : "air")}-conduction threshold for the {AudiometryCodes.Side(ear.Value)} ear at {frequency} Hz");
                return;
            }

            list.Add(new PureToneThreshold(frequency.Value, level.Value, masked, noResponse));
        }

        /// <summary>dB HL (UCUM dB{HL}); a comparator '&gt;' means no response at the highest level presented.</summary>
        private (double? Level, bool NoResponse) ThresholdValue(Observation observation, string at)
        {
            if (observation.Value is not Quantity quantity || quantity.Value is null)
            {
                errors.Add($"{at}.valueQuantity: required, the threshold in {AudiometryCodes.DecibelHearingLevel} (UCUM)");
                return (null, false);
            }

            if (!IsUcum(quantity, $"{at}.valueQuantity", AudiometryCodes.HearingLevelUnits))
            {
                return (null, false);
            }

            var noResponse = false;
            switch (quantity.Comparator)
            {
                case null:
                    break;
                case Quantity.QuantityComparator.GreaterThan or Quantity.QuantityComparator.GreaterOrEqual:
                    noResponse = true;
                    break;
                default:
                    errors.Add($"{at}.valueQuantity.comparator: only '>' (no response at the highest level presented) is meaningful for a hearing threshold");
                    return (null, false);
            }

            var level = (double)quantity.Value.Value;
            if (level < AudiogramReader.MinThresholdDbHl || level > AudiogramReader.MaxThresholdDbHl)
            {
                errors.Add($"{at}.valueQuantity: {Format(level)} dB HL is outside the audiometer range {AudiogramReader.MinThresholdDbHl} to {AudiogramReader.MaxThresholdDbHl}");
                return (null, false);
            }

            return (level, noResponse);
        }

        private void ReadTympanometry(Observation observation, string at)
        {
            var ear = BodySiteEar(observation, at, required: true);
            if (observation.Value is not null)
            {
                errors.Add($"{at}.value[x]: a tympanometry Observation carries its results as components, not a value");
            }

            string[] known = [AudiometryCodes.PeakPressure, AudiometryCodes.StaticAdmittance, AudiometryCodes.EarCanalVolume, AudiometryCodes.ProbeTone, AudiometryCodes.NoPeak];
            foreach (var component in observation.Component.Where(c => !known.Any(k => IsLocal(c.Code, k))))
            {
                errors.Add($"{at}.component: {Describe(component.Code)} is not read on tympanometry (allowed: {string.Join(", ", known.Select(k => $"{AudiometryCodes.System}|{k}"))})");
            }

            var count = errors.Count;
            var noPeak = BooleanComponent(observation, AudiometryCodes.NoPeak, at) ?? false;
            var pressure = QuantityComponent(observation, AudiometryCodes.PeakPressure, AudiometryCodes.Decapascal, at, AudiogramReader.MinPeakPressureDaPa, AudiogramReader.MaxPeakPressureDaPa);
            var admittance = QuantityComponent(observation, AudiometryCodes.StaticAdmittance, AudiometryCodes.Millilitre, at, 0, AudiogramReader.MaxVolumeMl);
            var volume = QuantityComponent(observation, AudiometryCodes.EarCanalVolume, AudiometryCodes.Millilitre, at, 0, AudiogramReader.MaxVolumeMl);
            var probe = QuantityComponent(observation, AudiometryCodes.ProbeTone, AudiometryCodes.Hertz, at, 0, double.MaxValue) ?? 226;
            if (!AudiogramReader.ProbeTonesHz.Contains((int)probe) || probe != Math.Floor(probe))
            {
                errors.Add($"{at}.component[{AudiometryCodes.ProbeTone}]: {Format(probe)} Hz is not a tympanometry probe tone ({string.Join(", ", AudiogramReader.ProbeTonesHz)})");
            }

            if (!noPeak && (pressure is null || admittance is null))
            {
                errors.Add($"{at}: give {AudiometryCodes.PeakPressure} and {AudiometryCodes.StaticAdmittance}, or {AudiometryCodes.NoPeak} true for a flat trace");
            }

            if (noPeak && pressure is not null)
            {
                errors.Add($"{at}: {AudiometryCodes.NoPeak} is true but {AudiometryCodes.PeakPressure} is given");
            }

            if (ear is null || errors.Count > count)
            {
                return;
            }

            if (!tympanometry.TryAdd(ear.Value, new Tympanometry
                {
                    NoPeak = noPeak,
                    PeakPressureDaPa = pressure,
                    StaticAdmittanceMl = admittance,
                    EarCanalVolumeMl = volume,
                    ProbeToneHz = (int)probe,
                }))
            {
                errors.Add($"{at}: a second tympanometry Observation for the {AudiometryCodes.Side(ear.Value)} ear");
            }
        }

        private void CheckSubject(Observation observation, string at, Bundle.EntryComponent? patient)
        {
            var reference = observation.Subject?.Reference;
            if (string.IsNullOrEmpty(reference))
            {
                errors.Add($"{at}.subject: required, a reference to the Bundle's Patient");
                return;
            }

            if (patient is not null && reference != patient.FullUrl && reference != $"Patient/{patient.Resource?.Id}")
            {
                errors.Add($"{at}.subject: '{reference}' is not the Bundle's Patient ({patient.FullUrl ?? $"Patient/{patient.Resource?.Id}"})");
            }
        }

        private DateOnly? EffectiveDate(Observation observation, string at)
        {
            if (observation.Effective is not FhirDateTime effective || effective.Value is null)
            {
                errors.Add($"{at}.effectiveDateTime: required, the test date");
                return null;
            }

            return FullDate(effective.Value, $"{at}.effectiveDateTime");
        }

        /// <summary>The calendar date as the sender wrote it (the clinic's local date), not converted to UTC.</summary>
        private DateOnly? FullDate(string value, string at)
        {
            if (value.Length >= 10 && DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            errors.Add($"{at}: '{value}' is not a full date (YYYY-MM-DD)");
            return null;
        }

        private Ear? BodySiteEar(Observation observation, string at, bool required)
        {
            var codes = observation.BodySite?.Coding.Where(c => c.System == CodeSystems.SnomedCt).Select(c => c.Code).ToList() ?? [];
            Ear? ear = codes.Contains(AudiometryCodes.EarStructure(Ear.Right).Code) ? Ear.Right
                : codes.Contains(AudiometryCodes.EarStructure(Ear.Left).Code) ? Ear.Left
                : null;
            if (ear is null && (required || observation.BodySite is not null))
            {
                var right = AudiometryCodes.EarStructure(Ear.Right);
                var left = AudiometryCodes.EarStructure(Ear.Left);
                errors.Add($"{at}.bodySite: {(observation.BodySite is null ? "required" : $"{Describe(observation.BodySite)} is not an ear")}; use SNOMED CT {right.Code} ({right.Display}) or {left.Code} ({left.Display})");
            }

            return ear;
        }

        private int? FrequencyComponent(Observation observation, string at)
        {
            var frequency = QuantityComponent(observation, AudiometryCodes.Frequency, AudiometryCodes.Hertz, at, 0, double.MaxValue);
            if (frequency is null)
            {
                if (!errors.Any(e => e.StartsWith($"{at}.component[{AudiometryCodes.Frequency}]", StringComparison.Ordinal)))
                {
                    errors.Add($"{at}.component[{AudiometryCodes.Frequency}]: required on a {AudiometryCodes.HearingThreshold} Observation, the test frequency in Hz (UCUM)");
                }

                return null;
            }

            if (frequency != Math.Floor(frequency.Value))
            {
                errors.Add($"{at}.component[{AudiometryCodes.Frequency}]: {Format(frequency.Value)} Hz is not an audiometric test frequency");
                return null;
            }

            return (int)frequency.Value;
        }

        private double? QuantityComponent(Observation observation, string code, string unit, string at, double min, double max)
        {
            var path = $"{at}.component[{code}]";
            var component = Single(observation, code, path);
            if (component is null)
            {
                return null;
            }

            if (component.Value is not Quantity quantity || quantity.Value is null)
            {
                errors.Add($"{path}: must be a valueQuantity in {unit} (UCUM)");
                return null;
            }

            if (!IsUcum(quantity, path, unit))
            {
                return null;
            }

            var value = (double)quantity.Value.Value;
            if (value < min || value > max)
            {
                errors.Add($"{path}: {Format(value)} {unit} is outside {Format(min)} to {Format(max)}");
                return null;
            }

            return value;
        }

        private bool? BooleanComponent(Observation observation, string code, string at)
        {
            var path = $"{at}.component[{code}]";
            var component = Single(observation, code, path);
            if (component is null)
            {
                return null;
            }

            if (component.Value is not FhirBoolean { Value: { } value })
            {
                errors.Add($"{path}: must be a valueBoolean");
                return null;
            }

            return value;
        }

        private Observation.ComponentComponent? Single(Observation observation, string code, string path)
        {
            var matches = observation.Component.Where(c => IsLocal(c.Code, code)).ToList();
            if (matches.Count > 1)
            {
                errors.Add($"{path}: given {matches.Count} times");
                return null;
            }

            return matches.FirstOrDefault();
        }

        private bool IsUcum(Quantity quantity, string path, params IReadOnlyList<string> units)
        {
            if (quantity.System == CodeSystems.Ucum && units.Contains(quantity.Code))
            {
                return true;
            }

            errors.Add($"{path}: the unit must be UCUM {string.Join(" or ", units.Select(u => $"'{u}'"))} (system {CodeSystems.Ucum}), not '{quantity.Code ?? quantity.Unit ?? "none"}'" + (quantity.System is { } system && system != CodeSystems.Ucum ? $" of {system}" : ""));
            return false;
        }

        private static bool IsLocal(CodeableConcept? concept, string code) =>
            concept?.Coding.Any(c => c.System == AudiometryCodes.System && c.Code == code) == true;

        private static string Describe(CodeableConcept? concept) =>
            concept?.Coding.Count > 0 ? string.Join(", ", concept.Coding.Select(c => $"{c.System}|{c.Code}")) : concept?.Text ?? "(no code)";

        private static string Label(Resource resource) => $"{resource.TypeName}/{resource.Id ?? "(no id)"}";

        private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
