using System.Diagnostics;
using System.Text.Json.Nodes;
using VNCH.Network.Portal;
using VNCH.Network.Testing;

namespace VNCH.Network.Azure.Tests.Infra;

/// <summary>
/// The portal on Azure: a Static Web App that azd deploys as the service "portal", the Functions app's CORS open to
/// that origin only, and the build (build.mjs, run by azd's prepackage hook) that writes the portal's MSAL config and
/// the embedded host's own security headers, connect-src widened to the API and the authority.
/// </summary>
public sealed class PortalInfraTests
{
    private static readonly string Root = TestData.RepositoryRoot;
    private static readonly string PortalProject = Path.Combine(Root, "src", "VNCH.Network.Portal");

    [Fact]
    public void The_portal_is_a_static_web_app_that_azd_deploys_as_the_portal_service()
    {
        var site = InfraTests.Resource("portal", "Microsoft.Web/staticSites");
        Assert.Contains("azd-service-name", site["tags"]!.ToJsonString(InfraTests.Relaxed), StringComparison.Ordinal);
        Assert.Equal("portal", (string)InfraTests.Module("portal")["properties"]!["parameters"]!["serviceName"]!["value"]!);

        var outputs = InfraTests.Template["outputs"]!.AsObject();
        Assert.True(outputs.ContainsKey("SERVICE_PORTAL_URI"));
        foreach (var name in new[] { "SERVICE_API_URI", "AZURE_PORTAL_CLIENT_ID", "AZURE_PORTAL_AUTHORITY", "AZURE_PORTAL_API_SCOPES" })
        {
            Assert.True(outputs.ContainsKey(name), $"main.bicep does not output {name}, which build.mjs reads");
            Assert.Contains($"'{name}'", File.ReadAllText(Path.Combine(PortalProject, "build.mjs")), StringComparison.Ordinal);
        }

        Assert.Contains("/.default", outputs["AZURE_PORTAL_API_SCOPES"]!["value"]!.ToJsonString(InfraTests.Relaxed), StringComparison.Ordinal);

        var yaml = File.ReadAllLines(Path.Combine(Root, "azure.yaml"));
        var portal = ServiceBlock(yaml, "portal");
        Assert.Contains("    project: ./src/VNCH.Network.Portal", portal);
        Assert.Contains("    host: staticwebapp", portal);
        Assert.Contains("    language: js", portal);
        Assert.Contains("    dist: dist", portal);
        Assert.Contains(portal, l => l.Trim() == "prepackage:");
        Assert.Equal(2, portal.Count(l => l.Trim() is "run: npm ci --no-audit --no-fund && node build.mjs" or "run: npm ci --no-audit --no-fund; if ($?) { node build.mjs }"));
        Assert.True(File.Exists(Path.Combine(PortalProject, "package-lock.json")), "the MSAL version must be pinned");
    }

    [Fact]
    public void Only_the_portal_origin_may_call_the_api_from_a_browser()
    {
        var parameters = InfraTests.Module("functionapp")["properties"]!["parameters"]!.AsObject();
        var origins = parameters["allowedOrigins"]!["value"]!.ToJsonString(InfraTests.Relaxed);
        Assert.Contains("'portal'", origins, StringComparison.Ordinal);
        Assert.Contains("outputs.uri.value", origins, StringComparison.Ordinal);
        Assert.Single(parameters["allowedOrigins"]!["value"]!.AsArray());

        var site = InfraTests.Resource("functionapp", "Microsoft.Web/sites");
        var cors = site["properties"]!["siteConfig"]!["cors"]!;
        Assert.Equal("[parameters('allowedOrigins')]", (string)cors["allowedOrigins"]!);
        Assert.False((bool)cors["supportCredentials"]!);
    }

    [Fact]
    public void The_build_writes_the_portal_with_msal_its_entra_config_and_the_embedded_hosts_headers()
    {
        using var dist = new TempDirectory("vnch-portal-dist");
        var (exit, output) = Build(dist.Path, new()
        {
            ["SERVICE_API_URI"] = "https://func-abc.azurewebsites.net",
            ["AZURE_PORTAL_AUTHORITY"] = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555",
            ["AZURE_PORTAL_CLIENT_ID"] = "66666666-7777-8888-9999-000000000000",
            ["AZURE_PORTAL_API_SCOPES"] = "api://vnch-network/.default",
        });
        Assert.True(exit == 0, output);

        // Every file the embedded host serves, byte for byte, plus MSAL.js from node_modules.
        var wwwroot = Path.Combine(PortalProject, "wwwroot");
        foreach (var file in Directory.EnumerateFiles(wwwroot, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "config.json"))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(dist.Path, Path.GetRelativePath(wwwroot, file))));
        }

        Assert.Equal(
            File.ReadAllBytes(Path.Combine(PortalProject, "node_modules", "@azure", "msal-browser", "lib", "msal-browser.min.js")),
            File.ReadAllBytes(Path.Combine(dist.Path, "vendor", "msal-browser.min.js")));

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dist.Path, "config.json")))!;
        Assert.Equal("https://func-abc.azurewebsites.net", (string)config["apiBase"]!);
        Assert.Equal("msal", (string)config["auth"]!["mode"]!);
        Assert.Equal("66666666-7777-8888-9999-000000000000", (string)config["auth"]!["clientId"]!);
        Assert.Equal("https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555", (string)config["auth"]!["authority"]!);
        Assert.Equal(["api://vnch-network/.default"], config["auth"]!["scopes"]!.AsArray().Select(s => (string)s!));

        // The same headers as the embedded host's, the CSP's connect-src widened to the API and Entra ID only.
        var headers = JsonNode.Parse(File.ReadAllText(Path.Combine(dist.Path, "staticwebapp.config.json")))!["globalHeaders"]!.AsObject();
        Assert.Equal(
            PortalHeaders.Policy(["https://func-abc.azurewebsites.net", "https://login.microsoftonline.com"]),
            (string)headers["Content-Security-Policy"]!);
        Assert.Contains("connect-src 'self' https://func-abc.azurewebsites.net https://login.microsoftonline.com;", (string)headers["Content-Security-Policy"]!, StringComparison.Ordinal);
        Assert.Equal("DENY", (string)headers["X-Frame-Options"]!);
        Assert.Equal("no-referrer", (string)headers["Referrer-Policy"]!);
        Assert.Equal("nosniff", (string)headers["X-Content-Type-Options"]!);
    }

    [Fact]
    public void The_build_refuses_a_missing_or_plain_http_setting()
    {
        using var dist = new TempDirectory("vnch-portal-dist");
        var settings = new Dictionary<string, string>
        {
            ["SERVICE_API_URI"] = "http://func-abc.azurewebsites.net",
            ["AZURE_PORTAL_AUTHORITY"] = "https://login.microsoftonline.com/x",
            ["AZURE_PORTAL_CLIENT_ID"] = "c",
            ["AZURE_PORTAL_API_SCOPES"] = "s",
        };
        var (exit, output) = Build(dist.Path, settings);
        Assert.NotEqual(0, exit);
        Assert.Contains("SERVICE_API_URI must be an https URL", output, StringComparison.Ordinal);

        settings["SERVICE_API_URI"] = "https://func-abc.azurewebsites.net";
        settings["AZURE_PORTAL_CLIENT_ID"] = "";
        (exit, output) = Build(dist.Path, settings);
        Assert.NotEqual(0, exit);
        Assert.Contains("AZURE_PORTAL_CLIENT_ID is not set", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dist.Path, "config.json")));
    }

    /// <summary>The lines of one service of azure.yaml (its name at two spaces, up to the next one).</summary>
    internal static List<string> ServiceBlock(string[] yaml, string service)
    {
        var start = Array.IndexOf(yaml, $"  {service}:");
        Assert.True(start >= 0, $"azure.yaml has no service '{service}'");
        return [.. yaml.Skip(start + 1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal) || l.Length == 0)];
    }

    private static (int ExitCode, string Output) Build(string dist, Dictionary<string, string> settings)
    {
        // node_modules comes from the portal project's build (npm ci, package-lock.json), which this project references.
        var start = new ProcessStartInfo("node") { WorkingDirectory = PortalProject, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("build.mjs");
        foreach (var name in new[] { "SERVICE_API_URI", "AZURE_PORTAL_AUTHORITY", "AZURE_PORTAL_CLIENT_ID", "AZURE_PORTAL_API_SCOPES" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        start.Environment["VNCH_PORTAL_DIST"] = dist;
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + errors.Result);
    }
}
