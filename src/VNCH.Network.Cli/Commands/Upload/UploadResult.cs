namespace VNCH.Network.Cli.Commands.Upload;

/// <summary>What happened to one file: accepted, duplicate (the server already held it), rejected (the server's reason), failed (not delivered), skipped (not a study).</summary>
public sealed record UploadResult(
    string Path,
    string Status,
    long Length,
    string? MediaType = null,
    string? Sha256 = null,
    string? StudyId = null,
    string? Reason = null,
    string? Message = null,
    bool FromJournal = false)
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";
    public const string Failed = "failed";
    public const string Skipped = "skipped";

    public bool IsProblem => Status is Rejected or Failed;
}
