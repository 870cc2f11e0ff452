using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using VNCH.Network.Core.Features.Records;

namespace VNCH.Network.Contracts.Fhir;

/// <summary>
/// Validates FHIR JSON against the base R4 specification (Firely validator + the R4 specification.zip from
/// Hl7.Fhir.Specification.Data.R4). Parsing is strict first: unknown elements fail before validation.
/// </summary>
public static class R4Validation
{
    private static readonly Lazy<Validator> Instance = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source, new LocalTerminologyService(source.AsAsync()));
    });

    // The shared resolver is not safe for concurrent first use: test classes validating in parallel saw "Unable to
    // resolve reference to profile" now and then. Validation is test-only and fast once warm, so it is serialised.
    private static readonly Lock Gate = new();

    /// <summary>Error and fatal issues (empty when valid).</summary>
    public static IReadOnlyList<string> Errors(string json)
    {
        var resource = FhirJson.Parse<Resource>(json);
        OperationOutcome outcome;
        lock (Gate)
        {
            outcome = Instance.Value.Validate(resource);
        }

        return outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Severity} {string.Join(",", i.Expression)}: {i.Details?.Text ?? i.Diagnostics}")
            .ToList();
    }
}
