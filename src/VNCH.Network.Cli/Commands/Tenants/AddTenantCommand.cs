using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Storage;
using VNCH.Network.Embedded.Tenancy;

namespace VNCH.Network.Cli.Commands.Tenants;

public sealed class AddTenantCommand : AsyncCommand<AddTenantCommand.Settings>
{
    public sealed class Settings : DataPathSettings
    {
        [CommandArgument(0, "<TENANT-ID>")]
        [Description("Hospital id: lower-case letters, digits and '-'.")]
        public string TenantId { get; init; } = "";

        [CommandOption("--name <NAME>")]
        [Description("The hospital's name.")]
        public string? Name { get; init; }

        [CommandOption("--entra-tenant <TID>")]
        [Description("Entra ID directory (tid) in which the --entra-group/--entra-app-role assignments are made. Alone it maps no one (ADR 0105).")]
        public string? EntraTenant { get; init; }

        [CommandOption("--entra-group <OBJECT-ID>")]
        [Description("Entra security group whose members act for this hospital (groups claim; repeatable).")]
        public string[] EntraGroups { get; init; } = [];

        [CommandOption("--entra-app-role <VALUE>")]
        [Description("App role an administrator assigns to this hospital's users and apps, e.g. Hospital.<tenant-id> (roles claim; repeatable).")]
        public string[] EntraAppRoles { get; init; } = [];

        [CommandOption("--kind <KIND>")]
        [Description("hospital (default) or association (reports only, never a study).")]
        public string Kind { get; init; } = "hospital";

        [CommandOption("--province <PROVINCE>")]
        [Description("The hospital's province, a reporting dimension (e.g. \"Hà Nội\").")]
        public string? Province { get; init; }

        [CommandOption("--facility-code <CODE>")]
        [Description("The code national systems (DHIS2 org unit) use for this facility.")]
        public string? FacilityCode { get; init; }

        public override ValidationResult Validate() =>
            !Core.Features.Tenancy.TenantId.TryParse(TenantId, out _)
                ? ValidationResult.Error($"'{TenantId}' is not a valid tenant id (lower-case letters, digits and '-', 2-64 characters).")
                : string.IsNullOrWhiteSpace(Name)
                    ? ValidationResult.Error("--name is required.")
                    : !TenantKinds.TryParse(Kind, out _)
                        ? ValidationResult.Error($"--kind must be hospital or association, not '{Kind}'.")
                        : ValidateEntra();

        // A directory alone (every caller in it has its tid) or a group/role without its directory would map callers
        // the hospital never chose, so both are refused (ADR 0105).
        private ValidationResult ValidateEntra() =>
            string.IsNullOrWhiteSpace(EntraTenant) != (EntraGroups.Length == 0 && EntraAppRoles.Length == 0)
                ? ValidationResult.Error("--entra-tenant and at least one --entra-group or --entra-app-role go together (a directory alone maps no one).")
                : EntraTenant?.Contains('/', StringComparison.Ordinal) == true || EntraGroups.Concat(EntraAppRoles).Any(string.IsNullOrWhiteSpace)
                    ? ValidationResult.Error("--entra-tenant, --entra-group and --entra-app-role need plain, non-empty values.")
                    : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = settings.Folder();
        var id = TenantId.Parse(settings.TenantId);
        var directory = new JsonTenantDirectory(folder);

        // The vnch_tenant claim of local tokens always maps; Entra mappings are added on request.
        var mappings = new List<TenantMapping> { new(TenantMappingKind.HospitalClaim, id.Value) };
        mappings.AddRange(settings.EntraGroups.Select(g => TenantMapping.EntraGroup(settings.EntraTenant!, g)));
        mappings.AddRange(settings.EntraAppRoles.Select(r => TenantMapping.EntraAppRole(settings.EntraTenant!, r)));
        TenantKinds.TryParse(settings.Kind, out var kind);
        await directory.UpsertAsync(new Tenant
        {
            Id = id,
            Name = settings.Name!.Trim(),
            Kind = kind,
            Province = string.IsNullOrWhiteSpace(settings.Province) ? null : settings.Province.Trim(),
            FacilityCode = string.IsNullOrWhiteSpace(settings.FacilityCode) ? null : settings.FacilityCode.Trim(),
            Mappings = mappings,
        }, cancellationToken);
        DataFolder.CreatePrivateFolder(Path.Combine(folder.Inbox, id.Value));
        AnsiConsole.MarkupLineInterpolated($"Tenant [bold]{id.Value}[/] ({settings.Name}) registered in {folder.TenantsFile}");
        return 0;
    }
}
