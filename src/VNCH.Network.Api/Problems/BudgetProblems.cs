using Microsoft.AspNetCore.Http;
using VNCH.Network.Core.Features.Ingestion.Budgets;

namespace VNCH.Network.Api.Problems;

/// <summary>Input budget breaches as problem+json: 413 for size, 400 for shape; the type names the limit (docs/api.md).</summary>
public static class BudgetProblems
{
    public static IResult Exceeded(InputBudgetExceededException breach) =>
        ApiProblems.Problem(
            breach.IsTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
            breach.ReasonCode,
            breach.IsTooLarge ? "Input too large" : "Input refused for its shape",
            breach.Message);
}
