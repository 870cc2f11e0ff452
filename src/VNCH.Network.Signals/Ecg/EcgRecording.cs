namespace VNCH.Network.Signals.Ecg;

/// <summary>Administrative sex as recorded by the source document.</summary>
public enum Sex
{
    Unknown,
    Female,
    Male,
    Other,
}

/// <summary>One lead: its conventional name (I, II, III, aVR, aVL, aVF, V1–V6, MLII, …) and samples in microvolts.</summary>
public sealed record EcgLead(string Name, float[] Microvolts)
{
    /// <summary>True for the standard 12-lead names, so analysers can prefer them over auxiliary channels.</summary>
    public bool IsStandardLead => LeadNames.IsStandard(Name);
}

/// <summary>What the source says about the patient. Every field is optional: research data often has none.</summary>
public sealed record EcgSubject
{
    public static EcgSubject Unknown { get; } = new();

    public Sex Sex { get; init; } = Sex.Unknown;

    public DateOnly? BirthDate { get; init; }

    /// <summary>Age stated by the source (DICOM PatientAge, aECG reported age, WFDB comment) in days.</summary>
    public int? StatedAgeDays { get; init; }

    /// <summary>Age in days at acquisition: from birth date and acquisition date when both are known, else the stated age.</summary>
    public int? AgeDaysAt(DateTimeOffset? acquisitionTime) =>
        BirthDate is { } birth && acquisitionTime is { } time && DateOnly.FromDateTime(time.DateTime) >= birth
            ? PatientAge.DaysBetween(birth, DateOnly.FromDateTime(time.DateTime))
            : StatedAgeDays;
}

/// <summary>
/// The one in-memory ECG every reader produces and every analyser consumes: equally long leads sampled at one rate,
/// in microvolts (float: 24-bit ADC resolution is far below float precision at ECG amplitudes).
/// </summary>
public sealed class EcgRecording
{
    public EcgRecording(double samplingRateHz, IReadOnlyList<EcgLead> leads, EcgSubject? subject = null, DateTimeOffset? acquisitionTime = null, string? source = null)
    {
        if (!(samplingRateHz > 0) || double.IsInfinity(samplingRateHz))
        {
            throw new SignalFormatException($"ECG sampling rate must be a positive number of hertz, not {samplingRateHz}.");
        }

        ArgumentNullException.ThrowIfNull(leads);
        if (leads.Count == 0)
        {
            throw new SignalFormatException("ECG recording has no leads.");
        }

        var length = leads[0].Microvolts.Length;
        foreach (var lead in leads)
        {
            if (lead.Microvolts.Length != length)
            {
                throw new SignalFormatException(
                    $"ECG lead '{lead.Name}' has {lead.Microvolts.Length} samples but lead '{leads[0].Name}' has {length}; all leads must be equally long.");
            }

            // A NaN or infinite scale factor in a header would otherwise poison every measurement downstream.
            var bad = Array.FindIndex(lead.Microvolts, v => !float.IsFinite(v));
            if (bad >= 0)
            {
                throw new SignalFormatException($"ECG lead '{lead.Name}' sample {bad} is not a finite number (check the gain, scale or sensitivity).");
            }
        }

        SamplingRateHz = samplingRateHz;
        Leads = leads;
        Subject = subject ?? EcgSubject.Unknown;
        AcquisitionTime = acquisitionTime;
        Source = source ?? "unknown";
    }

    public double SamplingRateHz { get; }

    public IReadOnlyList<EcgLead> Leads { get; }

    public EcgSubject Subject { get; }

    public DateTimeOffset? AcquisitionTime { get; }

    /// <summary>Which reader produced it ("WFDB", "HL7 aECG", "DICOM 12-Lead ECG", …).</summary>
    public string Source { get; }

    public int SampleCount => Leads[0].Microvolts.Length;

    public TimeSpan Duration => TimeSpan.FromSeconds(SampleCount / SamplingRateHz);

    /// <summary>Finds a lead by name, ignoring case and the usual spelling variants ("Lead II", "MDC_ECG_LEAD_II", "ii").</summary>
    public EcgLead? FindLead(string name)
    {
        var wanted = LeadNames.Normalize(name);
        return Leads.FirstOrDefault(l => string.Equals(LeadNames.Normalize(l.Name), wanted, StringComparison.OrdinalIgnoreCase));
    }
}
