using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Auth;
using VNCH.Network.Embedded.Tenancy;

namespace VNCH.Network.Cli.Commands.Tokens;

/// <summary>Prints a token signed with the data folder's local key: stdout carries the token only (scriptable).</summary>
public sealed class MintTokenCommand : AsyncCommand<MintTokenCommand.Settings>
{
    public sealed class Settings : DataPathSettings
    {
        [CommandOption("--tenant <TENANT-ID>")]
        [Description("The hospital the token acts for (must be registered).")]
        public string Tenant { get; init; } = "";

        [CommandOption("--roles <ROLES>")]
        [Description("Comma-separated roles: Studies.Upload, Studies.Read, Studies.Review, Reports.Read, Tenants.Admin.")]
        public string Roles { get; init; } = "";

        [CommandOption("--lifetime <DURATION>")]
        [Description("Token lifetime (hh:mm:ss), default 08:00:00, at most 24:00:00.")]
        public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(8);

        [CommandOption("--user <NAME>")]
        [Description("Who the token is for, as the audit trail shows it (subject dev:<tenant>:<user>); default: your login name.")]
        public string User { get; init; } = Environment.UserName;

        public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public override ValidationResult Validate()
        {
            if (!TenantId.TryParse(Tenant, out _))
            {
                return ValidationResult.Error("--tenant must be a valid tenant id.");
            }

            var unknown = RoleList.Where(r => !Core.Features.Tenancy.Roles.All.Contains(r)).ToList();
            return RoleList.Count == 0
                ? ValidationResult.Error($"--roles is required ({string.Join(", ", Core.Features.Tenancy.Roles.All)}).")
                : unknown.Count > 0
                    ? ValidationResult.Error($"Unknown role(s): {string.Join(", ", unknown)}.")
                    : Lifetime <= TimeSpan.Zero || Lifetime > LocalAuth.MaxLifetime
                        ? ValidationResult.Error($"--lifetime must be positive and at most {LocalAuth.MaxLifetime.TotalHours:0} hours.")
                        : string.IsNullOrWhiteSpace(User) || User.Any(c => char.IsControl(c) || c == ':')
                            ? ValidationResult.Error("--user must be a name without ':' or control characters.")
                            : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = settings.Folder();
        var tenant = TenantId.Parse(settings.Tenant);
        if (await new JsonTenantDirectory(folder).GetAsync(tenant, cancellationToken) is null)
        {
            await Console.Error.WriteLineAsync($"error: tenant '{tenant}' is not registered in {folder.TenantsFile}; run `vnch tenant add` first.");
            return 1;
        }

        var key = LocalAuth.LoadOrCreateSigningKey(folder);
        Console.Out.WriteLine(LocalAuth.MintToken(key, tenant, settings.RoleList, settings.Lifetime, DateTimeOffset.UtcNow,
            subject: LocalAuth.Subject(tenant, settings.User), name: settings.User));
        return 0;
    }
}
