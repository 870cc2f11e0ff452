using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace VNCH.Network.Core.Features.Reporting.Disclosure;

/// <summary>Disclosure control settings (section <c>Vnch:Reporting</c>), validated at start.</summary>
public sealed class DisclosureOptions
{
    public const string Section = "Vnch:Reporting";

    /// <summary>Cells counting 1 to Threshold-1 studies or children are suppressed. Never below 5.</summary>
    [Range(5, 1000)]
    public int Threshold { get; set; } = 10;

    /// <summary>A rate is shown only when its denominator is at least this (and its numerator is published).</summary>
    [Range(20, 1_000_000)]
    public int RateMinimumDenominator { get; set; } = 20;

    /// <summary>
    /// The most memory the exact secondary suppression may plan for (its basis grows with the square of the inner
    /// cells): a larger snapshot is refused with <see cref="SnapshotTooLargeException"/> before it is attempted, instead
    /// of exhausting the host. An operating limit, not a disclosure rule: it is not stored with the snapshot.
    /// </summary>
    [Range(1, 1_048_576)]
    [JsonIgnore]
    public int MaxEliminationMemoryMiB { get; set; } = 4096;
}
