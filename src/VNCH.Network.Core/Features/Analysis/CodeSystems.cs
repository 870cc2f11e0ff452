namespace VNCH.Network.Core.Features.Analysis;

/// <summary>Code system URIs used by analysers and the FHIR mapping.</summary>
public static class CodeSystems
{
    public const string Loinc = "http://loinc.org";
    public const string SnomedCt = "http://snomed.info/sct";
    public const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string ObservationInterpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
}

/// <summary>LOINC code syntax.</summary>
public static class Loinc
{
    /// <summary>
    /// Whether <paramref name="code"/> is "digits-checkdigit" with the LOINC mod-10 check digit (LOINC Users' Guide,
    /// appendix "Calculating Mod 10 check digits"): the digits in odd positions from the right, read as one number and
    /// doubled, are written after the digits in even positions; the check digit brings the sum of all those digits up
    /// to a multiple of ten. It catches a mistyped digit, which a plausible-looking code would otherwise hide.
    /// </summary>
    public static bool HasValidCheckDigit(string code)
    {
        var dash = code.IndexOf('-', StringComparison.Ordinal);
        if (dash < 1 || dash != code.Length - 2 || !char.IsAsciiDigit(code[^1]) || dash > 9 || code.AsSpan(0, dash).ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        System.Text.StringBuilder odd = new(), even = new();
        for (int i = dash - 1, position = 1; i >= 0; i--, position++)
        {
            (position % 2 == 1 ? odd : even).Append(code[i]);
        }

        var digits = even.ToString() + (long.Parse(odd.ToString(), System.Globalization.CultureInfo.InvariantCulture) * 2)
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sum = digits.Sum(c => c - '0');
        return (10 - (sum % 10)) % 10 == code[^1] - '0';
    }
}
