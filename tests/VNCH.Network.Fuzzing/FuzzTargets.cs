using System.Text;
using VNCH.Network.Api.Features.Studies;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Audiometry;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Budgets;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Dicom;
using VNCH.Network.Signals;
using VNCH.Network.Signals.Audiometry;
using VNCH.Network.Signals.Ecg.Aecg;
using VNCH.Network.Signals.Ecg.Dicom;

namespace VNCH.Network.Fuzzing;

/// <summary>What a reader made of one input: parsed, or refused with its own documented exception.</summary>
public sealed record FuzzOutcome(bool Parsed, string Detail)
{
    public static FuzzOutcome Rejected(Exception ex) => new(false, $"{ex.GetType().Name}: {ex.Message}");
}

/// <summary>
/// One target per untrusted-input reader. Each feeds the input to the reader the way ingestion does and turns the
/// reader's documented refusals into <see cref="FuzzOutcome"/>; any other exception escapes and is a crash to afl
/// (and to the replay tests). Hangs are afl's timeouts.
/// </summary>
public static class FuzzTargets
{
    /// <summary>The boundary of the multipart target's inputs (seeds are framed with it).</summary>
    public const string MultipartBoundary = "vnchfuzz";

    public static IReadOnlyDictionary<string, Func<byte[], FuzzOutcome>> All { get; } = new Dictionary<string, Func<byte[], FuzzOutcome>>
    {
        ["dicom"] = Dicom,
        ["aecg"] = Aecg,
        ["dicom-waveform"] = DicomWaveform,
        ["audiogram-json"] = AudiogramJson,
        ["audiogram-fhir"] = AudiogramFhir,
        ["multipart"] = Multipart,
    };

    /// <summary>The DICOM reader in every pixel mode ingestion and rendering use, then the ingestion parser.</summary>
    public static FuzzOutcome Dicom(byte[] input)
    {
        try
        {
            DicomReader.Read(new MemoryStream(input, writable: false), DicomReadOptions.Default);
            DicomReader.Read(input.AsMemory(), new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        }
        catch (DicomException ex)
        {
            return FuzzOutcome.Rejected(ex);
        }

        return Parse(new DicomDocumentParser(), input);
    }

    public static FuzzOutcome Aecg(byte[] input)
    {
        try
        {
            AecgReader.Read(new MemoryStream(input, writable: false));
        }
        catch (SignalFormatException ex)
        {
            return FuzzOutcome.Rejected(ex);
        }

        return Parse(new AecgDocumentParser(), input);
    }

    public static FuzzOutcome DicomWaveform(byte[] input)
    {
        try
        {
            var recording = DicomWaveformReader.Read(new MemoryStream(input, writable: false));
            return new FuzzOutcome(true, $"{recording.Leads.Count} leads");
        }
        catch (SignalFormatException ex)
        {
            return FuzzOutcome.Rejected(ex);
        }
    }

    public static FuzzOutcome AudiogramJson(byte[] input)
    {
        try
        {
            AudiogramReader.Read(new MemoryStream(input, writable: false));
        }
        catch (SignalFormatException ex)
        {
            return FuzzOutcome.Rejected(ex);
        }

        return Parse(new AudiogramDocumentParser(), input);
    }

    public static FuzzOutcome AudiogramFhir(byte[] input)
    {
        try
        {
            FhirAudiogramReader.Read(new MemoryStream(input, writable: false));
        }
        catch (SignalFormatException ex)
        {
            return FuzzOutcome.Rejected(ex);
        }

        return Parse(new FhirAudiogramBundleParser(), input);
    }

    /// <summary>The upload's multipart reader with the default budget, draining every part as the store would.</summary>
    public static FuzzOutcome Multipart(byte[] input)
    {
        var parts = 0;
        try
        {
            var reader = new MultipartUploadReader(MultipartBoundary, new MemoryStream(input, writable: false), MediaTypes.Dicom, new InputBudgetOptions());
            while (reader.ReadNextPartAsync(CancellationToken.None).GetAwaiter().GetResult() is { } part)
            {
                part.Body.CopyTo(Stream.Null);
                parts++;
            }
        }
        catch (InputBudgetExceededException ex)
        {
            return FuzzOutcome.Rejected(ex);
        }

        return new FuzzOutcome(true, $"{parts} parts");
    }

    private static FuzzOutcome Parse(IStudyDocumentParser parser, byte[] input)
    {
        try
        {
            var document = parser.ParseAsync(new MemoryStream(input, writable: false), CancellationToken.None).GetAwaiter().GetResult();
            return new FuzzOutcome(true, $"{document.Kind} {document.InstanceUid}");
        }
        catch (DocumentRejectedException ex)
        {
            return FuzzOutcome.Rejected(ex);
        }
    }

    /// <summary>A seed for the multipart target: the given documents framed as one multipart/related body.</summary>
    public static byte[] FrameAsMultipart(IEnumerable<(string MediaType, byte[] Content)> documents)
    {
        using var body = new MemoryStream();
        foreach (var (mediaType, content) in documents)
        {
            body.Write(Encoding.ASCII.GetBytes($"--{MultipartBoundary}\r\nContent-Type: {mediaType}\r\n\r\n"));
            body.Write(content);
            body.Write("\r\n"u8);
        }

        body.Write(Encoding.ASCII.GetBytes($"--{MultipartBoundary}--\r\n"));
        return body.ToArray();
    }
}
