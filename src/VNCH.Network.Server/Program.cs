using VNCH.Network.Api;
using VNCH.Network.Api.Hosting;
using VNCH.Network.Api.Routing;
using VNCH.Network.Embedded;
using VNCH.Network.Embedded.Auth;
using VNCH.Network.Embedded.Storage;
using VNCH.Network.Portal;
using VNCH.Network.Server;

// The embedded host: the same API and handlers as the Azure Functions app, on SQLite + files.
//   dotnet run --project src/VNCH.Network.Server -- --urls http://127.0.0.1:5080 --data-path ./.vnch
// Content root = the binaries' folder, so appsettings.json applies whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var dataPath = builder.Configuration["data-path"]
    ?? Environment.GetEnvironmentVariable(EmbeddedStorageOptions.EnvironmentVariable)
    ?? EmbeddedStorageOptions.DefaultDataPath;
var folder = new DataFolder(dataPath);
folder.EnsureCreated();
using var ownership = DataFolderLock.Acquire(folder);

// Links name the address the operator bound (never a request's Host header) unless a public base URL is configured.
if (builder.Configuration[$"{PublicUrlOptions.Section}:{nameof(PublicUrlOptions.PublicBaseUrl)}"] is null
    && PublicUrlOptions.FromBinding(builder.Configuration["urls"]) is { } boundUrl)
{
    builder.Configuration[$"{PublicUrlOptions.Section}:{nameof(PublicUrlOptions.PublicBaseUrl)}"] = boundUrl;
}

builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 4L * 1024 * 1024 * 1024);
// The application (Core, parsers, analysers: ADR 0060) is wired as in the Functions app; this host adds the
// embedded adapters and the background workers that play the triggers.
using (var startupLogs = LoggerFactory.Create(logging => logging.AddConsole()))
{
    builder.Services.AddVnchApplication(builder.Configuration, startupLogs.CreateLogger("VNCH.Network.Server.Models"));
}

builder.Services.AddVnchEmbeddedStorage(options =>
{
    builder.Configuration.GetSection(EmbeddedStorageOptions.SectionName).Bind(options);
    options.DataPath = folder.Root;
});
builder.Services.AddVnchEmbeddedWorkers();
builder.Services.AddProblemDetails();
builder.Services.AddAuthorization();
builder.Services.AddOpenApi();

// Local tokens (this key exists in the data folder of the embedded host and nowhere else), and an OpenID Connect
// provider's when one is configured (Vnch:Auth:OpenIdConnect, ADR 0094).
var signingKey = LocalAuth.LoadOrCreateSigningKey(folder);
builder.Services.AddVnchEmbeddedAuthentication(builder.Configuration, signingKey);
var portalSignIn = builder.Configuration.GetSection(PortalSignInOptions.Section).Get<PortalSignInOptions>() ?? new();
portalSignIn.Validate();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
// The API description is for the network's own callers: it names every route and parameter (issue 13 item 12).
app.MapOpenApi("/api/openapi/{documentName}.json").RequireAuthorization();
app.MapVnchApi();
// The clinicians' portal: static files on top of the public API above, nothing more (docs/portal.md).
app.MapVnchPortal(portalSignIn);
app.Logger.LogInformation("VNCH.Network embedded service, data folder {DataPath}", folder.Root);
await app.RunAsync();
