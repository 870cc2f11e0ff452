using System.Reflection;
using Spectre.Console.Cli;

namespace VNCH.Network.Cli;

/// <summary>
/// The hint printed after a parse error: for an unknown option, the closest option any command knows ("did you
/// mean --name?"); always where to look for the command's options.
/// </summary>
public static class OptionHints
{
    private static readonly Lazy<IReadOnlyList<string>> KnownOptions = new(() => typeof(OptionHints).Assembly.GetTypes()
        .Where(t => typeof(CommandSettings).IsAssignableFrom(t))
        .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
        .OfType<CommandOptionAttribute>()
        .SelectMany(a => a.LongNames)
        .Distinct(StringComparer.Ordinal)
        .ToList());

    public static string For(Exception error, IReadOnlyList<string> args)
    {
        var commandPath = string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(2));
        var help = $" Run `vnch {(commandPath.Length > 0 ? commandPath + " " : "")}--help` for its options.";
        if (error is not CommandParseException)
        {
            return "";
        }

        var unknown = args.Where(a => a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => a[2..].Split('=')[0])
            .FirstOrDefault(name => error.Message.Contains($"'{name}'", StringComparison.Ordinal));
        var closest = unknown is null
            ? null
            : KnownOptions.Value.Select(o => (Option: o, Distance: Distance(o, unknown))).Where(c => c.Distance <= 2).OrderBy(c => c.Distance).FirstOrDefault().Option;
        return (closest is null ? "" : $" Did you mean --{closest}?") + help;
    }

    /// <summary>Levenshtein distance, for "did you mean".</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
