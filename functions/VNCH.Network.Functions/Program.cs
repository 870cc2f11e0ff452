using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VNCH.Network.Azure;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Functions.Auth;

// The Azure host: the same handlers and route table as the embedded server, on Blob/Queues/Cosmos/Service Bus.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<EntraAuthenticationMiddleware>();
builder.Services
    .AddVnchCore()
    .AddVnchDocumentParsers()
    .AddVnchAzure(builder.Configuration)
    .AddVnchEntraAuthentication(builder.Configuration)
    .Configure<AnalysisOptions>(builder.Configuration.GetSection("Analysis"));
builder.Build().Run();
