using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace VNCH.Network.Cli.Commands.Profiles;

/// <summary>`vnch profile list`: every profile, its server and auth method, and which one is the default.</summary>
public sealed class ListProfilesCommand : Command<ListProfilesCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--json")]
        [Description("Print the profiles file's content (it holds no secret) as JSON.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var store = ProfileStore.Default();
        var config = store.Load();
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(config, JsonOutput.Options));
            return 0;
        }

        var table = new Table().AddColumns("Profile", "Default", "Server", "Auth", "As");
        foreach (var (name, profile) in config.Profiles.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var who = profile.Auth == AuthMethods.Dev ? $"{profile.Tenant} ({profile.Roles})" : $"{profile.ClientId} @ {profile.EntraTenant}";
            table.AddRow(Markup.Escape(name), name == config.DefaultProfile ? "*" : "", Markup.Escape(profile.Server), profile.Auth, Markup.Escape(who));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[grey]{store.ConfigFile}[/]");
        return 0;
    }
}
