using Microsoft.AspNetCore.Http;
using VNCH.Network.Api.Problems;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Inference.Display;

namespace VNCH.Network.Api.Features.Portal;

/// <summary><c>GET /api/v1/models[/{id}]</c>: the analysers this service runs, with manifest and model card (docs/api.md).</summary>
public static class ModelEndpoints
{
    public static async Task<IResult> List(ApiRequestContext context)
    {
        var entries = context.Service<ModelCatalog>().List();
        await AuditAsync(context, null, AuditOutcomes.Success);
        return Results.Json(new { items = entries.Select(e => View(e, context, withCard: false)) });
    }

    public static async Task<IResult> Get(ApiRequestContext context)
    {
        var id = context.Http.GetRouteValue("model")?.ToString() ?? "";
        var entry = context.Service<ModelCatalog>().Find(id);
        await AuditAsync(context, id, entry is null ? AuditOutcomes.NotFound : AuditOutcomes.Success);
        return entry is null
            ? ApiProblems.Problem(StatusCodes.Status404NotFound, "model-not-found", "Model not found", $"This service runs no analyser '{id}'.")
            : Results.Json(View(entry, context, withCard: true));
    }

    private static object View(ModelEntry entry, ApiRequestContext context, bool withCard) => new
    {
        id = entry.Descriptor.Id,
        version = entry.Descriptor.Version,
        kind = entry.Descriptor.Kind == AnalyserKind.Model ? "model" : "algorithm",
        displayName = entry.Descriptor.DisplayName,
        sha256 = entry.Descriptor.Sha256,
        manifest = entry.Manifest,
        hasCard = entry.Card is not null,
        card = withCard ? entry.Card : null,
        links = new { self = context.Url($"/api/v1/models/{entry.Descriptor.Id}") },
    };

    /// <summary>Not patient data, but the trail shows who consulted which model.</summary>
    private static Task AuditAsync(ApiRequestContext context, string? id, string outcome) =>
        context.Service<IAuditSink>().WriteAsync(new AuditRecord(context.Service<TimeProvider>().GetUtcNow(), context.Caller.Subject, context.Caller.Tenant,
            id is null ? "model.list" : "model.read", "Model", id, outcome, context.Caller.CorrelationId), context.Aborted);
}
