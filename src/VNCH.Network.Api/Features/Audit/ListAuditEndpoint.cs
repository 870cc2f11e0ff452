using System.Globalization;
using Microsoft.AspNetCore.Http;
using VNCH.Network.Api.Problems;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core.Features.Audit;

namespace VNCH.Network.Api.Features.Audit;

public static class ListAuditEndpoint
{
    public static async Task<IResult> Handle(ApiRequestContext context)
    {
        DateTimeOffset? since = null;
        if (context.Http.Request.Query["since"].ToString() is { Length: > 0 } text)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return ApiProblems.InvalidRequest($"'since' must be an ISO 8601 date-time, not '{text}'.");
            }

            since = parsed;
        }

        var records = await context.Service<IAuditSink>().ReadAsync(context.Caller.Tenant, since, 1000, context.Aborted);
        return Results.Json(new
        {
            items = records.Select(AuditRecordJson.From),
        });
    }
}
