using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace VNCH.Network.Cli.Commands.Profiles;

/// <summary>`vnch logout`: forgets a profile's tokens, token cache and client secret; the profile (server, method) stays.</summary>
public sealed class LogoutCommand : Command<LogoutCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--profile <NAME>")]
        [Description("The profile (default: $VNCH_PROFILE, else the default profile).")]
        public string? Profile { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var store = ProfileStore.Default();
        var config = store.Load();
        var name = settings.Profile ?? Environment.GetEnvironmentVariable(ConnectionResolver.ProfileVariable) ?? config.DefaultProfile;
        if (name is null || !config.Profiles.ContainsKey(name))
        {
            throw new ProfileException($"No profile named '{name}' in {store.ConfigFile}.");
        }

        var removed = store.DeleteSecrets(name);
        AnsiConsole.MarkupLineInterpolated($"Signed out of profile [bold]{name}[/] ({removed} token file(s) removed).");
        return 0;
    }
}
