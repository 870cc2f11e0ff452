namespace VNCH.Network.Core.Features.Ingestion.Budgets;

/// <summary>
/// An input broke one of <see cref="InputBudgetOptions"/>' limits. <see cref="ReasonCode"/> is one of
/// <see cref="BudgetReasons"/>; <see cref="IsTooLarge"/> picks 413 (size) over 400 (shape).
/// </summary>
public sealed class InputBudgetExceededException(string reasonCode, bool isTooLarge, string message) : Exception(message)
{
    public string ReasonCode { get; } = reasonCode;

    public bool IsTooLarge { get; } = isTooLarge;
}

/// <summary>Reason codes (problem types) of budget breaches, listed in docs/api.md.</summary>
public static class BudgetReasons
{
    public const string RequestTooLarge = "request-too-large";
    public const string DocumentTooLarge = "document-too-large";
    public const string TooManyParts = "too-many-parts";
    public const string PartHeadersInvalid = "part-headers-invalid";
    public const string PartFramingInvalid = "part-framing-invalid";
    public const string TooDeep = "document-too-deep";
    public const string TooManyElements = "document-too-many-elements";
    public const string InflationTooLarge = "inflation-too-large";
    public const string DtdNotAllowed = "dtd-not-allowed";

    /// <summary>A size limit: the request ends with 413 and what follows is not read.</summary>
    public static bool IsSize(string reasonCode) =>
        reasonCode is RequestTooLarge or DocumentTooLarge or TooManyParts or InflationTooLarge;

    /// <summary>A shape limit of a received document: 400 for a single document, a failed part in a multipart answer.</summary>
    public static bool IsShape(string reasonCode) =>
        reasonCode is TooDeep or TooManyElements or DtdNotAllowed or PartHeadersInvalid or PartFramingInvalid;

    /// <summary>The reason a DICOM reading limit stands for.</summary>
    public static string For(Dicom.DicomLimit limit) => limit switch
    {
        Dicom.DicomLimit.NestingDepth => TooDeep,
        Dicom.DicomLimit.InflatedSize or Dicom.DicomLimit.InflationRatio => InflationTooLarge,
        _ => DocumentTooLarge,
    };
}
