using VNCH.Network.Core;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Parsers;

namespace VNCH.Network.Cli.Commands.Upload;

/// <summary>A file the upload found: its kind decides the media type it is sent with (null: not a study, skipped).</summary>
public sealed record FoundFile(string Path, long Length, string? MediaType, string? SkipReason);

/// <summary>
/// Walks the given files and folders (recursively) and recognises studies by content with the very parsers' sniffing
/// the server uses (<see cref="IStudyDocumentParser.CanParse"/>): DICOM with or without preamble or extension, HL7
/// aECG, audiogram JSON and audiogram FHIR Bundles. Extensions are not trusted.
/// </summary>
public static class StudyFileScanner
{
    private const int SniffLength = 1024;

    // The server's parsers, each with the media type the CLI declares for what it claims.
    private static readonly (IStudyDocumentParser Parser, string MediaType)[] Kinds =
    [
        (new DicomDocumentParser(), MediaTypes.Dicom),
        (new AecgDocumentParser(), MediaTypes.Aecg),
        (new FhirAudiogramBundleParser(), MediaTypes.FhirJson),
        (new AudiogramDocumentParser(), MediaTypes.Audiogram),
    ];

    public static IEnumerable<string> Expand(IEnumerable<string> inputs)
    {
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.None };
                foreach (var file in Directory.EnumerateFiles(input, "*", options).Order(StringComparer.Ordinal))
                {
                    yield return file;
                }
            }
            else if (File.Exists(input))
            {
                yield return input;
            }
            else
            {
                throw new FileNotFoundException($"'{input}' is neither a file nor a folder.", input);
            }
        }
    }

    public static FoundFile Recognise(string path)
    {
        var head = new byte[SniffLength];
        int read;
        long length;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            length = stream.Length;
            read = stream.ReadAtLeast(head, SniffLength, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new FoundFile(path, 0, null, $"cannot be read: {ex.Message}");
        }

        if (length == 0)
        {
            return new FoundFile(path, 0, null, "empty file");
        }

        var sniffed = head.AsSpan(0, read);
        foreach (var (parser, mediaType) in Kinds)
        {
            if (parser.CanParse(null, sniffed))
            {
                return new FoundFile(path, length, mediaType, null);
            }
        }

        return new FoundFile(path, length, null, "not a study (neither DICOM, HL7 aECG, audiogram JSON nor a FHIR Bundle)");
    }
}
