using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Cli.Samples;

namespace VNCH.Network.Cli.Commands.Samples;

/// <summary>`vnch samples &lt;folder&gt;`: writes the project's own synthetic sample set (no network, no data folder).</summary>
public sealed class GenerateSamplesCommand : Command<GenerateSamplesCommand.Settings>
{
    public const int DefaultCount = 7;

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FOLDER>")]
        [Description("Where to write cr/, ecg/, audiograms/ and manifest.json (created if missing; files of the same name are replaced).")]
        public string Folder { get; init; } = "";

        [CommandOption("--count <N>")]
        [Description("Samples of each kind: chest X-rays, ECGs (each as DICOM and HL7 aECG) and audiograms (default 7: every WHO grade once).")]
        public int Count { get; init; } = DefaultCount;

        [CommandOption("--seed <S>")]
        [Description("Seed of every random choice (default 1): the same seed and count give byte-identical files.")]
        public int Seed { get; init; } = 1;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Folder) ? ValidationResult.Error("A folder is required.")
            : Count is < 1 or > 1000 ? ValidationResult.Error("--count must be between 1 and 1000.")
            : Seed < 0 ? ValidationResult.Error("--seed must not be negative.")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var manifest = SampleSetGenerator.Generate(settings.Folder, settings.Count, settings.Seed);
        var byKind = manifest.Files.GroupBy(f => f.Kind).Select(g => $"{g.Count()} {g.Key}");
        Console.Out.WriteLine($"Wrote {manifest.Files.Count} sample files ({string.Join(", ", byKind)}) and {SampleSetGenerator.ManifestFileName} to {settings.Folder} (seed {settings.Seed}).");
        return 0;
    }
}
