using Spectre.Console.Cli;
using VNCH.Network.Cli;
using VNCH.Network.Cli.Commands.Audit;
using VNCH.Network.Cli.Commands.Models;
using VNCH.Network.Cli.Commands.Remote;
using VNCH.Network.Cli.Commands.Studies;
using VNCH.Network.Cli.Commands.Upload;
using VNCH.Network.Cli.Commands.Tenants;
using VNCH.Network.Cli.Commands.Tokens;

// `vnch`: the command line for hospitals and operators of the embedded service.
if (Console.IsOutputRedirected)
{
    // Piped or captured tables keep whole ids and paths on one line rather than wrapping at 80 columns.
    Spectre.Console.AnsiConsole.Profile.Width = Math.Max(Spectre.Console.AnsiConsole.Profile.Width, 240);
}

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("vnch");
    config.PropagateExceptions();
    config.UseStrictParsing(); // an unknown or misspelt option is an error, never silently ignored
    config.AddBranch("tenant", tenant =>
    {
        tenant.SetDescription("Register and list hospitals (tenants.json in the data folder).");
        tenant.AddCommand<AddTenantCommand>("add").WithDescription("Register a hospital (idempotent).");
        tenant.AddCommand<ListTenantsCommand>("list").WithDescription("List registered hospitals.");
    });
    config.AddCommand<MintTokenCommand>("token").WithDescription("Print a signed development token (and nothing else) on stdout.");
    config.AddCommand<UploadCommand>("upload")
        .WithDescription("Upload every study found in files and folders: parallel, STOW-RS batches, retries, resumable journal, summary.");
    config.AddCommand<ListStudiesCommand>("studies").WithDescription("List your studies (filters, paging).");
    config.AddCommand<GetStudyCommand>("study").WithDescription("One study: status, patient, instances, analyses.");
    config.AddCommand<GetStudyFhirCommand>("fhir").WithDescription("A study's FHIR R4 Bundle.");
    config.AddCommand<WaitForStudyCommand>("wait").WithDescription("Wait until a study's status is final (exit 0 completed/no-analyser, 1 rejected/failed, 3 timeout).");
    config.AddCommand<VNCH.Network.Cli.Commands.Samples.GenerateSamplesCommand>("samples").WithDescription("Write a synthetic sample set (chest X-rays, 12-lead ECGs as DICOM and HL7 aECG, audiograms, manifest.json).");
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
catch (Exception ex) when (ex is CommandParseException or CommandRuntimeException or ArgumentException or InvalidDataException or FileNotFoundException)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}{OptionHints.For(ex, args)}");
    return 2;
}
catch (Exception ex) when (ex is ApiException or HttpRequestException)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 1;
}
