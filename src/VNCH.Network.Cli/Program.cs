using Spectre.Console.Cli;
using VNCH.Network.Cli.Commands.Models;

// Minimal entry point so `vnch model evaluate` runs; the full command tree is assembled on the spine branch.
var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("vnch");
    config.AddBranch("model", model =>
    {
        model.SetDescription("Work with the analysis models in models/.");
        model.AddCommand<ModelEvaluateCommand>("evaluate")
            .WithDescription("Evaluate a model folder on a labelled data set (AUC, accuracy, sensitivity, specificity with 95 % CIs).");
    });
});
return await app.RunAsync(args);
