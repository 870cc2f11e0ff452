namespace VNCH.Network.Core.Features.Ingestion;

/// <summary>Reason codes of ingestion outcomes and of studies that end rejected, failed or without analyser (listed in docs/api.md).</summary>
public static class IngestReasons
{
    /// <summary>No analyser applies to the study (status no-analyser).</summary>
    public const string NoAnalyser = "no-analyser";

    public const string CannotUnderstand = "cannot-understand";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string SopClassNotSupported = "sop-class-not-supported";
    public const string DatasetDoesNotMatchSopClass = "dataset-does-not-match-sop-class";
    public const string MissingIdentifier = "missing-identifier";
    public const string InstanceConflict = "instance-conflict";
    public const string OutOfResources = "out-of-resources";

    /// <summary>The hospital's storage quota is reached (ADR 0108): the document is not stored; 507 at the API.</summary>
    public const string StorageQuotaExceeded = "storage-quota-exceeded";
    public const string ProcessingFailure = "processing-failure";

    /// <summary>An analyser returned a number that is not finite (NaN, infinity): failed at once, never retried.</summary>
    public const string InvalidAnalyserResult = "invalid-analyser-result";
    public const string EmptyDocument = "empty-document";
    public const string TransferSyntaxNotSupported = "transfer-syntax-not-supported";
}
