using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using VNCH.Network.Functions;
using VNCH.Network.Functions.Auth;

// The Azure host: the same handlers and route table as the embedded server, on Blob/Queues/Cosmos/Service Bus.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<EntraAuthenticationMiddleware>();
builder.Services.AddVnchFunctionsApp(builder.Configuration);
builder.Build().Run();
