using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Api.Routing;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Audit;

namespace VNCH.Network.Api.Tests.Security;

/// <summary>Issue 13 item 11: an unexpected failure in a handler reaches the caller as a generic 500 with the correlation id.</summary>
public sealed class UnexpectedFailureTests
{
    [Fact]
    public async Task A_handler_exception_answers_500_problem_without_its_type_or_message()
    {
        var route = new ApiRoute("boom", "GET", "/api/boom", null, _ => throw new InvalidOperationException("/srv/data/inbox/hosp-a/MRN-777.dcm"), "boom");
        var services = new ServiceCollection().AddLogging().AddSingleton<IAuditSink>(new InMemoryAuditSink()).AddSingleton(TimeProvider.System).BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Headers[ApiPipeline.CorrelationHeader] = "corr-boom";
        var body = new MemoryStream();
        http.Response.Body = body;

        var result = await ApiPipeline.ExecuteAsync(route, http);
        await result.ExecuteAsync(http);

        var text = Encoding.UTF8.GetString(body.ToArray());
        Assert.Equal(500, http.Response.StatusCode);
        Assert.StartsWith("application/problem+json", http.Response.ContentType);
        Assert.Contains("corr-boom", text);
        Assert.DoesNotContain("MRN-777", text);
        Assert.DoesNotContain(nameof(InvalidOperationException), text);
    }
}
