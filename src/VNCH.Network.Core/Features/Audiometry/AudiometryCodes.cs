using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Signals.Audiometry;

namespace VNCH.Network.Core.Features.Audiometry;

/// <summary>
/// The codes of an audiogram sent as a FHIR Bundle (docs/audiogram.md, "FHIR input"). LOINC and SNOMED CT codes are
/// only those confirmed from published sources (listed with the sources in docs/audiogram.md); what LOINC does not
/// code (conduction route, masking, tympanometry values, 125 Hz) uses the network's own <see cref="System"/>.
/// </summary>
public static class AudiometryCodes
{
    /// <summary>The network's audiometry input code system.</summary>
    public const string System = "urn:vnch:audiometry";

    public const string HearingThreshold = "hearing-threshold";
    public const string Frequency = "frequency";
    public const string AirConduction = "air-conduction";
    public const string BoneConduction = "bone-conduction";
    public const string ContralateralMasking = "contralateral-masking";
    public const string Tympanometry = "tympanometry";
    public const string PeakPressure = "peak-pressure";
    public const string StaticAdmittance = "static-admittance";
    public const string EarCanalVolume = "ear-canal-volume";
    public const string ProbeTone = "probe-tone";
    public const string NoPeak = "no-peak";

    /// <summary>
    /// The unit the network writes, in thresholds and results: decibel with the UCUM annotation {HL}. UCUM has no
    /// "[HL]" atom, so the common spelling dB[HL] is not valid UCUM and is only accepted on input.
    /// </summary>
    public const string DecibelHearingLevel = "dB{HL}";

    /// <summary>
    /// Accepted threshold units: dB{HL} (ours), dB[HL] (widespread, though not valid UCUM) and dB (as HL7 PACIO
    /// examples send it; a LOINC hearing threshold is a hearing level by definition).
    /// </summary>
    public static IReadOnlyList<string> HearingLevelUnits { get; } = [DecibelHearingLevel, "dB[HL]", "dB"];

    public const string Hertz = "Hz";
    public const string Decapascal = "daPa";
    public const string Millilitre = "mL";

    /// <summary>SNOMED CT 25577004 "Right ear structure" and 89644007 "Left ear structure" (body structure).</summary>
    public static CodedConcept EarStructure(Ear ear) => ear == Ear.Right
        ? new(CodeSystems.SnomedCt, "25577004", "Right ear structure")
        : new(CodeSystems.SnomedCt, "89644007", "Left ear structure");

    /// <summary>
    /// LOINC "Hearing threshold Ear - {left|right} --{f} Hz" (members of panel 89015-2). No code was found for
    /// 125 Hz; 5000 Hz is coded by LOINC but is not one of the network's test frequencies.
    /// </summary>
    public static IReadOnlyDictionary<string, (Ear Ear, int FrequencyHz)> LoincHearingThresholds { get; } = new Dictionary<string, (Ear, int)>
    {
        ["91375-6"] = (Ear.Left, 250),
        ["89024-4"] = (Ear.Left, 500),
        ["91379-8"] = (Ear.Left, 750),
        ["89016-0"] = (Ear.Left, 1000),
        ["91373-1"] = (Ear.Left, 1500),
        ["89018-6"] = (Ear.Left, 2000),
        ["89020-2"] = (Ear.Left, 3000),
        ["89022-8"] = (Ear.Left, 4000),
        ["91377-2"] = (Ear.Left, 5000),
        ["89026-9"] = (Ear.Left, 6000),
        ["89028-5"] = (Ear.Left, 8000),
        ["91374-9"] = (Ear.Right, 250),
        ["89025-1"] = (Ear.Right, 500),
        ["91378-0"] = (Ear.Right, 750),
        ["89017-8"] = (Ear.Right, 1000),
        ["91372-3"] = (Ear.Right, 1500),
        ["89019-4"] = (Ear.Right, 2000),
        ["89021-0"] = (Ear.Right, 3000),
        ["89023-6"] = (Ear.Right, 4000),
        ["91376-4"] = (Ear.Right, 5000),
        ["89027-7"] = (Ear.Right, 6000),
        ["89029-3"] = (Ear.Right, 8000),
    };

    /// <summary>The LOINC code for one ear and frequency, or null (125 Hz has none).</summary>
    public static CodedConcept? LoincHearingThreshold(Ear ear, int frequencyHz) =>
        LoincHearingThresholds.FirstOrDefault(c => c.Value == (ear, frequencyHz)).Key is { } code
            ? new(CodeSystems.Loinc, code, $"Hearing threshold Ear - {Side(ear)} --{frequencyHz} Hz")
            : null;

    public static string Side(Ear ear) => ear == Ear.Right ? "right" : "left";
}
