using System.ComponentModel.DataAnnotations;

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
}
