using Microsoft.AspNetCore.Http;
using VNCH.Network.Api.Routing;

namespace VNCH.Network.Api.Features.Health;

public static class HealthEndpoint
{
    public static Task<IResult> Handle(ApiRequestContext context) =>
        Task.FromResult(Results.Json(new { status = "ok" }));
}
