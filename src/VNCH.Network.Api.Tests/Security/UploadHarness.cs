using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Api.Features.Studies;
using VNCH.Network.Api.Routing;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Api.Tests.Security;

/// <summary>The upload endpoint over in-memory ports, configured as a host would be (Vnch:* settings), without a server.</summary>
internal sealed class UploadHarness
{
    public static readonly TenantId Tenant = TenantId.Parse("hosp-a");

    private readonly ServiceProvider services;

    public InMemoryOriginalStore Originals { get; } = new();

    public UploadHarness(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var collection = new ServiceCollection().AddLogging();
        collection.AddSingleton(TimeProvider.System);
        collection.AddSingleton<IOriginalStore>(Originals);
        collection.AddSingleton<Core.Features.Quotas.IStorageUsage>(Originals);
        collection.AddSingleton<Core.Features.Quotas.StorageQuota>();
        collection.AddSingleton<IStudyStore>(new InMemoryStudyStore());
        collection.AddSingleton<IWorkQueue>(new InMemoryWorkQueue(TimeProvider.System));
        collection.AddSingleton<IAuditSink>(new InMemoryAuditSink());
        collection.AddVnchCore(configuration);
        collection.AddOptions<PublicUrlOptions>().Bind(configuration.GetSection(PublicUrlOptions.Section));
        services = collection.BuildServiceProvider();
    }

    public async Task<(int Status, string? ContentType, string Body, HttpResponse Response)> PostAsync(Stream body, string contentType, string host = "localhost", long? contentLength = null)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = "POST";
        http.Request.Scheme = "http";
        http.Request.Host = new HostString(host);
        http.Request.Path = "/api/v1/studies";
        http.Request.ContentType = contentType;
        http.Request.ContentLength = contentLength;
        http.Request.Body = body;
        var responseBody = new MemoryStream();
        http.Response.Body = responseBody;
        var caller = new Caller(Tenant, "tester", new HashSet<string> { Roles.StudiesUpload }, "corr-upload");

        var result = await UploadStudiesEndpoint.Handle(new ApiRequestContext(http, caller));
        await result.ExecuteAsync(http);
        return (http.Response.StatusCode, http.Response.ContentType, Encoding.UTF8.GetString(responseBody.ToArray()), http.Response);
    }

    public static string ProblemType(string body) =>
        JsonDocument.Parse(body).RootElement.GetProperty("type").GetString()!;

    /// <summary>A multipart/related body of the given parts (raw header lines, content).</summary>
    public static byte[] Multipart(string boundary, params (string Headers, byte[] Content)[] parts)
    {
        using var body = new MemoryStream();
        foreach (var (headers, content) in parts)
        {
            body.Write(Encoding.ASCII.GetBytes($"--{boundary}\r\n{headers}\r\n\r\n"));
            body.Write(content);
            body.Write("\r\n"u8);
        }

        body.Write(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"));
        return body.ToArray();
    }
}
