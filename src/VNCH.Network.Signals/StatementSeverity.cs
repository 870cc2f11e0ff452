namespace VNCH.Network.Signals;

/// <summary>How much an interpretation statement matters clinically (ECG and audiometry alike).</summary>
public enum StatementSeverity
{
    /// <summary>Within normal limits.</summary>
    Normal,

    /// <summary>About the recording or document, not the patient (noise, missing data, method limits).</summary>
    Technical,

    Borderline,
    Abnormal,

    /// <summary>Needs prompt clinical attention.</summary>
    Critical,
}
