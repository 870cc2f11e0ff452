using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using VNCH.Network.Azure;
using VNCH.Network.Core;
using VNCH.Network.Functions.Auth;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<EntraAuthenticationMiddleware>();
builder.Services
    .AddVnchCore()
    .AddVnchAzure(builder.Configuration)
    .AddVnchEntraAuthentication(builder.Configuration);
builder.Build().Run();
