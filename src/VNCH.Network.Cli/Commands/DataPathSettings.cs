using System.ComponentModel;
using Spectre.Console.Cli;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Cli.Commands;

/// <summary>Every command works on a data folder: --data-path, else VNCH_DATA_PATH, else ./.vnch (as the server).</summary>
public class DataPathSettings : CommandSettings
{
    [CommandOption("--data-path <PATH>")]
    [Description("The embedded service's data folder (default: $VNCH_DATA_PATH or ./.vnch).")]
    public string? DataPath { get; init; }

    public DataFolder Folder() => new(
        DataPath
        ?? Environment.GetEnvironmentVariable(EmbeddedStorageOptions.EnvironmentVariable)
        ?? EmbeddedStorageOptions.DefaultDataPath);
}
