using System.ComponentModel.DataAnnotations;

namespace VNCH.Network.Core.Features.Analysis;

/// <summary>Limits of one analysis run (section <see cref="SectionName"/>, beside the retry budget).</summary>
public sealed class AnalysisOptions
{
    public const string SectionName = "Analysis";

    /// <summary>
    /// Wall time one analyser may take on one study. Past it the analyser's token is cancelled and its task abandoned
    /// (an analyser that ignores the token cannot hold the worker); the attempt fails and the retry policy decides.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan AnalyserTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Threads the analysers run on (<see cref="AnalysisCompute"/>); unset: one per logical CPU.</summary>
    [Range(1, 256)]
    public int? ComputeThreads { get; set; }

    /// <summary>
    /// The analysis threads' Linux nice value (below normal priority on Windows): uploads and reads on the same node
    /// come first, analysis takes the CPU left over (ADR 0122). 0 keeps normal priority.
    /// </summary>
    [Range(0, 19)]
    public int ComputeNice { get; set; } = 10;
}
