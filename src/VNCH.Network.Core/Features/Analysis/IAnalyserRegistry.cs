namespace VNCH.Network.Core.Features.Analysis;

public interface IAnalyserRegistry
{
    IReadOnlyList<IAnalyser> All { get; }

    /// <summary>The analysers that apply to the subject, in registration order; empty means <c>no-analyser</c>.</summary>
    IReadOnlyList<IAnalyser> For(AnalysisSubject subject);
}

/// <summary>Registry over a fixed set of analysers (DI collects every registered <see cref="IAnalyser"/>).</summary>
public sealed class AnalyserRegistry : IAnalyserRegistry
{
    public AnalyserRegistry(IEnumerable<IAnalyser> analysers)
    {
        All = analysers.ToList();
        var duplicate = All.GroupBy(a => a.Descriptor.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two analysers share the id '{duplicate.Key}'.");
        }
    }

    public IReadOnlyList<IAnalyser> All { get; }

    public IReadOnlyList<IAnalyser> For(AnalysisSubject subject) => All.Where(a => a.AppliesTo(subject)).ToList();
}
