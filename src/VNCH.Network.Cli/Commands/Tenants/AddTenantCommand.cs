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
        [Description("Entra ID directory (tid claim) whose callers act for this hospital.")]
        public string[] EntraTenants { get; init; } = [];

        [CommandOption("--client-app <APPID>")]
        [Description("Client application id (azp/appid claim) acting for this hospital.")]
        public string[] ClientApps { get; init; } = [];

        public override ValidationResult Validate() =>
            !Core.Features.Tenancy.TenantId.TryParse(TenantId, out _)
                ? ValidationResult.Error($"'{TenantId}' is not a valid tenant id (lower-case letters, digits and '-', 2-64 characters).")
                : string.IsNullOrWhiteSpace(Name)
                    ? ValidationResult.Error("--name is required.")
                    : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = settings.Folder();
        var id = TenantId.Parse(settings.TenantId);
        var directory = new JsonTenantDirectory(folder);

        // The vnch_tenant claim of local tokens always maps; Entra mappings are added on request.
        var mappings = new List<TenantMapping> { new(TenantMappingKind.HospitalClaim, id.Value) };
        mappings.AddRange(settings.EntraTenants.Select(t => new TenantMapping(TenantMappingKind.EntraTenant, t)));
        mappings.AddRange(settings.ClientApps.Select(a => new TenantMapping(TenantMappingKind.ClientApplication, a)));
        await directory.UpsertAsync(new Tenant { Id = id, Name = settings.Name!.Trim(), Mappings = mappings }, cancellationToken);
        DataFolder.CreatePrivateFolder(Path.Combine(folder.Inbox, id.Value));
        AnsiConsole.MarkupLineInterpolated($"Tenant [bold]{id.Value}[/] ({settings.Name}) registered in {folder.TenantsFile}");
        return 0;
    }
}
