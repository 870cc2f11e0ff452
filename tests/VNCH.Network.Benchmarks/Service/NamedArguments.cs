using System.Globalization;

namespace VNCH.Network.Benchmarks.Service;

/// <summary>The <c>--name value</c> pairs after a benchmark case's name (the cases that talk to running servers).</summary>
internal sealed class NamedArguments(string[] args)
{
    private readonly Dictionary<string, string> values = Enumerable.Range(0, Math.Max(0, (args.Length - 1) / 2))
        .ToDictionary(i => args[1 + (2 * i)], i => args[2 + (2 * i)], StringComparer.Ordinal);

    public string Required(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"{name} is required");

    public int Number(string name, int fallback) => values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
