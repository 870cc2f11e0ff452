using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Cli.Commands.Remote;

namespace VNCH.Network.Cli.Commands.Studies;

/// <summary>Commands about one study: its id, as `vnch studies` and the upload summary show it.</summary>
public class StudyIdSettings : ServerSettings
{
    [CommandArgument(0, "<STUDY-ID>")]
    [Description("The study's id.")]
    public string StudyId { get; init; } = "";

    public string StudyPath => $"api/v1/studies/{Uri.EscapeDataString(StudyId)}";

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(StudyId) ? ValidationResult.Error("A study id is required.") : base.Validate();
}
