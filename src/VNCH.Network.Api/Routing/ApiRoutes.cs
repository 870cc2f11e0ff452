using VNCH.Network.Api.Features.Audit;
using VNCH.Network.Api.Features.Health;
using VNCH.Network.Api.Features.Reports;
using VNCH.Network.Api.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Api.Routing;

/// <summary>
/// The route table: the single definition of the HTTP API. The embedded server maps it with minimal APIs; the
/// Functions app has one HTTP trigger per entry; tests iterate it so every new route gets the auth checks.
/// </summary>
public static class ApiRoutes
{
    public const string Prefix = "/api";

    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        new("health", "GET", "/api/health", null, HealthEndpoint.Handle, "Liveness: 200 once the service is ready."),
        new("studies-upload", "POST", "/api/v1/studies", Roles.StudiesUpload, UploadStudiesEndpoint.Handle,
            "Store DICOM instances (application/dicom, multipart/related STOW-RS), HL7 aECG XML, audiogram JSON or an audiogram FHIR Bundle (application/fhir+json)."),
        new("studies-list", "GET", "/api/v1/studies", Roles.StudiesRead, ListStudiesEndpoint.Handle,
            "The caller's studies, newest first; filters status, kind, modality, since; continuation paging."),
        new("studies-get", "GET", "/api/v1/studies/{id}", Roles.StudiesRead, GetStudyEndpoint.Handle,
            "One study: status with reason and timestamps, instances, findings with analyser id, version and scores."),
        new("studies-fhir", "GET", "/api/v1/studies/{id}/fhir", Roles.StudiesRead, GetStudyFhirEndpoint.Handle,
            "The study's FHIR R4 resources as a collection Bundle (application/fhir+json)."),
        new("reports-network", "GET", "/api/v1/reports/network", Roles.ReportsRead, NetworkReportEndpoint.Handle,
            "De-identified network statistics: cells of one published table (table or finding, grain, from, to, groupBy, filters); JSON or text/csv; suppressed cells carry no numbers."),
        new("reports-series", "GET", "/api/v1/reports/series", Roles.ReportsRead, SeriesReportEndpoint.Handle,
            "An indicator's rate per consecutive period and province (indicator, category, grain, from, to), with numerator and denominator."),
        new("audit-list", "GET", "/api/v1/audit", Roles.TenantsAdmin, ListAuditEndpoint.Handle,
            "The caller tenant's audit trail (who, action, resource, outcome, time, correlation id)."),
    ];

    public static ApiRoute Get(string name) =>
        All.FirstOrDefault(r => r.Name == name) ?? throw new KeyNotFoundException($"No API route named '{name}'.");
}
