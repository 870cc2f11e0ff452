using FhirSex = Hl7.Fhir.Model.AdministrativeGender;

namespace VNCH.Network.Core.Features.Studies;

/// <summary>The one mapping between the network's <see cref="AdministrativeSex"/> and each format's sex codes.</summary>
public static class AdministrativeSexCodes
{
    /// <summary>DICOM Patient's Sex (0010,0040): M, F, O (PS3.3 C.7.1.1).</summary>
    public static AdministrativeSex FromDicom(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "M" => AdministrativeSex.Male,
        "F" => AdministrativeSex.Female,
        "O" => AdministrativeSex.Other,
        _ => AdministrativeSex.Unknown,
    };

    /// <summary>HL7 v3 AdministrativeGender (aECG): M, F, UN (undifferentiated).</summary>
    public static AdministrativeSex FromHl7V3(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "M" => AdministrativeSex.Male,
        "F" => AdministrativeSex.Female,
        "UN" => AdministrativeSex.Other,
        _ => AdministrativeSex.Unknown,
    };

    /// <summary>FHIR administrative-gender codes (male, female, other, unknown), also used by the audiogram JSON.</summary>
    public static AdministrativeSex FromFhir(string? code) => code?.Trim().ToLowerInvariant() switch
    {
        "male" => AdministrativeSex.Male,
        "female" => AdministrativeSex.Female,
        "other" => AdministrativeSex.Other,
        _ => AdministrativeSex.Unknown,
    };

    /// <summary>For the clinical algorithms' sex-specific norms; null when unknown.</summary>
    public static Signals.Ecg.Sex? ToSignals(AdministrativeSex sex) => sex switch
    {
        AdministrativeSex.Female => Signals.Ecg.Sex.Female,
        AdministrativeSex.Male => Signals.Ecg.Sex.Male,
        AdministrativeSex.Other => Signals.Ecg.Sex.Other,
        _ => null,
    };

    public static FhirSex ToFhir(AdministrativeSex sex) => sex switch
    {
        AdministrativeSex.Male => FhirSex.Male,
        AdministrativeSex.Female => FhirSex.Female,
        AdministrativeSex.Other => FhirSex.Other,
        _ => FhirSex.Unknown,
    };
}
