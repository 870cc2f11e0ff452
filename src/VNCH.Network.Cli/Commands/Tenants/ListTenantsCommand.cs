using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Embedded.Tenancy;

namespace VNCH.Network.Cli.Commands.Tenants;

public sealed class ListTenantsCommand : AsyncCommand<DataPathSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DataPathSettings settings, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumns("Tenant", "Name", "Kind", "Province", "Facility code", "Mappings");
        foreach (var tenant in await new JsonTenantDirectory(settings.Folder()).ListAsync(cancellationToken))
        {
            table.AddRow(
                Markup.Escape(tenant.Id.Value),
                Markup.Escape(tenant.Name),
                Markup.Escape(Core.Features.Tenancy.TenantKinds.Name(tenant.Kind)),
                Markup.Escape(tenant.Province ?? ""),
                Markup.Escape(tenant.FacilityCode ?? ""),
                Markup.Escape(string.Join(", ", tenant.Mappings.Select(m => $"{m.Kind}={m.Value}"))));
        }

        AnsiConsole.Write(table);
        return 0;
    }
}
