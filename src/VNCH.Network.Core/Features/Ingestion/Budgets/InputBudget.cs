using Microsoft.Extensions.Options;
using VNCH.Network.Dicom;

namespace VNCH.Network.Core.Features.Ingestion.Budgets;

/// <summary>
/// The configured <see cref="InputBudgetOptions"/> in force, with what the limits need at run time: the process-wide
/// gate that bounds concurrent DICOM inflations and the DICOM reading options for ingestion.
/// </summary>
public sealed class InputBudget
{
    public InputBudget(IOptions<InputBudgetOptions> options)
    {
        Limits = options.Value;
        InflationGate = new InflationGate(Limits.MaxConcurrentInflations);
        DicomIngestion = new DicomReadOptions
        {
            // The whole file is walked (every fragment, the sequence delimiter) so a cut file is never acknowledged,
            // and nothing of the pixel data is kept in memory.
            PixelDataMode = PixelDataMode.Verify,
            MaxNestingDepth = Limits.MaxDicomSequenceDepth,
            MaxElementLength = Limits.MaxDicomElementBytes,
            MaxInflatedBytes = Limits.MaxInflatedBytes,
            MaxInflationRatio = Limits.MaxInflationRatio,
            InflationGate = InflationGate,
        };
    }

    /// <summary>The defaults, for tools and tests that run without a host.</summary>
    public static InputBudget Default { get; } = new(Options.Create(new InputBudgetOptions()));

    public InputBudgetOptions Limits { get; }

    /// <summary>The process-wide bound on concurrent DICOM inflations.</summary>
    public InflationGate InflationGate { get; }

    /// <summary>How ingestion reads a DICOM document.</summary>
    public DicomReadOptions DicomIngestion { get; }
}
