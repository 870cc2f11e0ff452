using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Functions.Analysis;

/// <summary>
/// On Azure the host counts deliveries and poisons after host.json's <c>extensions.queues.maxDequeueCount</c>; the
/// handler poisons after <see cref="WorkRetryOptions.MaxAttempts"/>. They must be the same number, or one of them
/// silently wins: the app refuses to start when they differ.
/// </summary>
public sealed class HostJsonRetryValidator(string hostJsonPath) : IValidateOptions<WorkRetryOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkRetryOptions options)
    {
        var maxDequeueCount = ReadMaxDequeueCount(hostJsonPath);
        return maxDequeueCount == options.MaxAttempts
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"host.json extensions.queues.maxDequeueCount ({maxDequeueCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}) must equal {WorkRetryOptions.SectionName}:MaxAttempts ({options.MaxAttempts}).");
    }

    public static int? ReadMaxDequeueCount(string hostJsonPath) =>
        File.Exists(hostJsonPath) && JsonNode.Parse(File.ReadAllText(hostJsonPath))?["extensions"]?["queues"]?["maxDequeueCount"] is { } value
            ? (int)value
            : null;
}
