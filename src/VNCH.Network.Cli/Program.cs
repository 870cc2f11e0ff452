using Spectre.Console.Cli;
using VNCH.Network.Cli.Commands.Audit;
using VNCH.Network.Cli.Commands.Models;
using VNCH.Network.Cli.Commands.Tenants;
using VNCH.Network.Cli.Commands.Tokens;

// `vnch`: the command line for hospitals and operators of the embedded service.
var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("vnch");
    config.PropagateExceptions();
    config.AddBranch("tenant", tenant =>
    {
        tenant.SetDescription("Register and list hospitals (tenants.json in the data folder).");
        tenant.AddCommand<AddTenantCommand>("add").WithDescription("Register a hospital (idempotent).");
        tenant.AddCommand<ListTenantsCommand>("list").WithDescription("List registered hospitals.");
    });
    config.AddCommand<MintTokenCommand>("token").WithDescription("Print a signed development token (and nothing else) on stdout.");
    config.AddBranch("audit", audit =>
    {
        audit.SetDescription("The append-only audit trail.");
        audit.AddCommand<VerifyAuditCommand>("verify").WithDescription("Recompute the audit hash chain.");
    });
    config.AddBranch("model", model =>
    {
        model.SetDescription("Work with the analysis models in models/.");
        model.AddCommand<ModelEvaluateCommand>("evaluate")
            .WithDescription("Evaluate a model folder on a labelled data set (AUC, accuracy, sensitivity, specificity with 95 % CIs).");
    });
});

try
{
    return await app.RunAsync(args);
}
catch (Exception ex) when (ex is CommandParseException or CommandRuntimeException or ArgumentException or InvalidDataException)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 2;
}
