using VNCH.Network.Api.Features.Audit;
using VNCH.Network.Api.Features.DicomWeb;
using VNCH.Network.Api.Features.Health;
using VNCH.Network.Api.Features.Portal;
using VNCH.Network.Api.Features.Reports;
using VNCH.Network.Api.Features.Review;
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
        new("studies-review", "POST", "/api/v1/studies/{id}/review", Roles.StudiesReview, ReviewStudyEndpoint.Handle,
            "A clinician confirms, rejects or amends the study's findings (If-Match: the study's ETag); final or amended DiagnosticReport, Provenance, result event."),
        new("studies-ecg", "GET", "/api/v1/studies/{id}/ecg", Roles.StudiesRead, StudyDisplayEndpoints.Ecg,
            "The ECG for display: leads in µV at the sampling rate, detected beats, measured intervals, age-specific limits and flags."),
        new("studies-audiogram", "GET", "/api/v1/studies/{id}/audiogram", Roles.StudiesRead, StudyDisplayEndpoints.Audiogram,
            "The audiogram for display: points (ear, frequency, threshold, air/bone, masked), pure-tone averages, WHO 2021 grade."),
        new("studies-original", "GET", "/api/v1/studies/{id}/original", Roles.StudiesRead, StudyDisplayEndpoints.Original,
            "Download of an original document byte for byte (instance=<uid>, default the first)."),
        new("studies-audit", "GET", "/api/v1/studies/{id}/audit", Roles.StudiesRead, StudyDisplayEndpoints.Audit,
            "The study's audit trail, oldest first."),
        new("models-list", "GET", "/api/v1/models", Roles.StudiesRead, ModelEndpoints.List,
            "The analysers this service runs: id, version, SHA-256, manifest."),
        new("models-get", "GET", "/api/v1/models/{model}", Roles.StudiesRead, ModelEndpoints.Get,
            "One analyser with its manifest and model card (Markdown)."),
        new("reports-network", "GET", "/api/v1/reports/network", Roles.ReportsRead, NetworkReportEndpoint.Handle,
            "De-identified network statistics: cells of one published table (table or finding, grain, from, to, groupBy, filters); JSON or text/csv; suppressed cells carry no numbers."),
        new("reports-series", "GET", "/api/v1/reports/series", Roles.ReportsRead, SeriesReportEndpoint.Handle,
            "An indicator's rate per consecutive period and province (indicator, category, grain, from, to), with numerator and denominator; JSON, text/csv, FHIR MeasureReport, ADX or dataValueSets."),
        new("audit-list", "GET", "/api/v1/audit", Roles.TenantsAdmin, ListAuditEndpoint.Handle,
            "The caller tenant's audit trail (who, action, resource, outcome, time, correlation id)."),

        // DICOMweb (PS3.18) under one base URL, /api/v1/dicomweb: docs/dicomweb.md.
        new("dicomweb-store", "POST", "/api/v1/dicomweb/studies", Roles.StudiesUpload, UploadStudiesEndpoint.Handle,
            "STOW-RS: the same ingestion as POST /api/v1/studies."),
        new("dicomweb-search-studies", "GET", "/api/v1/dicomweb/studies", Roles.StudiesRead, QidoEndpoints.SearchStudies,
            "QIDO-RS studies: PS3.18 Table 10.6.1-5 matching, includefield, limit/offset; DICOM JSON."),
        new("dicomweb-search-series", "GET", "/api/v1/dicomweb/series", Roles.StudiesRead, QidoEndpoints.SearchSeries,
            "QIDO-RS series of all studies."),
        new("dicomweb-search-instances", "GET", "/api/v1/dicomweb/instances", Roles.StudiesRead, QidoEndpoints.SearchInstances,
            "QIDO-RS instances of all studies."),
        new("dicomweb-search-study-series", "GET", "/api/v1/dicomweb/studies/{study}/series", Roles.StudiesRead, QidoEndpoints.SearchSeries,
            "QIDO-RS series of one study."),
        new("dicomweb-search-study-instances", "GET", "/api/v1/dicomweb/studies/{study}/instances", Roles.StudiesRead, QidoEndpoints.SearchInstances,
            "QIDO-RS instances of one study."),
        new("dicomweb-search-series-instances", "GET", "/api/v1/dicomweb/studies/{study}/series/{series}/instances", Roles.StudiesRead, QidoEndpoints.SearchInstances,
            "QIDO-RS instances of one series."),
        new("dicomweb-retrieve-study", "GET", "/api/v1/dicomweb/studies/{study}", Roles.StudiesRead, WadoEndpoints.Retrieve,
            "WADO-RS study: the stored originals as multipart/related; type=application/dicom, streamed."),
        new("dicomweb-retrieve-series", "GET", "/api/v1/dicomweb/studies/{study}/series/{series}", Roles.StudiesRead, WadoEndpoints.Retrieve,
            "WADO-RS series: the stored originals, streamed."),
        new("dicomweb-retrieve-instance", "GET", "/api/v1/dicomweb/studies/{study}/series/{series}/instances/{instance}", Roles.StudiesRead, WadoEndpoints.Retrieve,
            "WADO-RS instance: the stored original (multipart/related or application/dicom)."),
        new("dicomweb-metadata-study", "GET", "/api/v1/dicomweb/studies/{study}/metadata", Roles.StudiesRead, WadoEndpoints.Metadata,
            "WADO-RS study metadata: DICOM JSON, bulk data URIs for pixel data."),
        new("dicomweb-metadata-series", "GET", "/api/v1/dicomweb/studies/{study}/series/{series}/metadata", Roles.StudiesRead, WadoEndpoints.Metadata,
            "WADO-RS series metadata."),
        new("dicomweb-metadata-instance", "GET", "/api/v1/dicomweb/studies/{study}/series/{series}/instances/{instance}/metadata", Roles.StudiesRead, WadoEndpoints.Metadata,
            "WADO-RS instance metadata."),
        new("dicomweb-frames", "GET", "/api/v1/dicomweb/studies/{study}/series/{series}/instances/{instance}/frames/{frames}", Roles.StudiesRead, WadoEndpoints.Frames,
            "WADO-RS frames of uncompressed pixel data (application/octet-stream, little endian)."),
        new("dicomweb-bulkdata", "GET", "/api/v1/dicomweb/studies/{study}/series/{series}/instances/{instance}/bulkdata/{path}", Roles.StudiesRead, WadoEndpoints.BulkData,
            "WADO-RS bulk data named by the metadata's BulkDataURI."),
        new("dicomweb-rendered-instance", "GET", "/api/v1/dicomweb/studies/{study}/series/{series}/instances/{instance}/rendered", Roles.StudiesRead, WadoEndpoints.Rendered,
            "WADO-RS rendered instance (first frame): image/jpeg or image/png; window, viewport, quality."),
        new("dicomweb-rendered-frame", "GET", "/api/v1/dicomweb/studies/{study}/series/{series}/instances/{instance}/frames/{frames}/rendered", Roles.StudiesRead, WadoEndpoints.Rendered,
            "WADO-RS rendered frame: image/jpeg or image/png; window, viewport, quality."),
    ];

    public static ApiRoute Get(string name) =>
        All.FirstOrDefault(r => r.Name == name) ?? throw new KeyNotFoundException($"No API route named '{name}'.");
}
