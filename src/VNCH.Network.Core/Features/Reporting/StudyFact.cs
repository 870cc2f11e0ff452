using System.Text.Json.Serialization;

namespace VNCH.Network.Core.Features.Reporting;

/// <summary>Where a study's reporting date came from; reports say which.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DateSource>))]
public enum DateSource
{
    /// <summary>The acquisition / study date of the document.</summary>
    Acquisition,

    /// <summary>The document had none: the day the network received it (Vietnam time).</summary>
    Receipt,
}

/// <summary>
/// One study's contribution to the reporting cube. It holds no identifier, no birth date and no free text:
/// <see cref="Key"/> and <see cref="Child"/> are keyed hashes whose key never leaves the projection store, so they
/// can replace a study's contribution and count distinct children but cannot be linked back to anyone.
/// </summary>
public sealed record StudyFact
{
    /// <summary>Keyed hash of (tenant, study id): re-delivering or re-analysing replaces, never adds.</summary>
    public required string Key { get; init; }

    /// <summary>Keyed hash of the tenant-scoped patient key, for distinct-children counts.</summary>
    public required string Child { get; init; }

    /// <summary>The hospital's tenant id (a facility, not a person).</summary>
    public required string Hospital { get; init; }

    public required string Province { get; init; }

    /// <summary>imaging, ecg, audiogram or unknown (unparseable).</summary>
    public required string Kind { get; init; }

    /// <summary>DICOM modality (CR, DX, ECG...) or <c>none</c>.</summary>
    public required string Modality { get; init; }

    /// <summary>The reporting date (study date, else receipt date); only ever published as week/month/quarter/year.</summary>
    public required DateOnly Date { get; init; }

    public required DateSource DateSource { get; init; }

    public required AgeBand AgeBand { get; init; }

    /// <summary>male, female, other or unknown.</summary>
    public required string Sex { get; init; }

    /// <summary>completed, rejected, failed or no-analyser.</summary>
    public required string Outcome { get; init; }

    /// <summary>One category per (analyser, indicator) the study was assessed on.</summary>
    public IReadOnlyList<FactFinding> Findings { get; init; } = [];

    /// <summary>When the study reached the state projected here; an older delivery never overwrites a newer one.</summary>
    public required DateTimeOffset Version { get; init; }

    /// <summary>Same contribution (value equality, findings compared item by item).</summary>
    public bool Equivalent(StudyFact other) =>
        (Key, Child, Hospital, Province, Kind, Modality, Date, DateSource, AgeBand, Sex, Outcome, Version)
        == (other.Key, other.Child, other.Hospital, other.Province, other.Kind, other.Modality, other.Date, other.DateSource, other.AgeBand, other.Sex, other.Outcome, other.Version)
        && Findings.SequenceEqual(other.Findings);
}

/// <param name="Indicator">e.g. <c>pediatric-cxr-pneumonia/result</c>, <c>ecg-intervals/qtc-flag</c>.</param>
/// <param name="Category">e.g. <c>pneumonia</c>, <c>normal</c>, <c>high</c>, <c>moderate</c>.</param>
public sealed record FactFinding(string Indicator, string Category);
