namespace VNCH.Network.Dicom;

/// <summary>The one family of exceptions the DICOM library throws for bad input.</summary>
public class DicomException : Exception
{
    public DicomException(string message) : base(message)
    {
    }

    public DicomException(string message, Exception? inner) : base(message, inner)
    {
    }
}

/// <summary>The input is not valid (or not tolerably broken) DICOM: names the tag and the byte offset.</summary>
public class DicomFormatException : DicomException
{
    public DicomFormatException(string message, DicomTag? tag = null, long? offset = null, Exception? inner = null)
        : base(Compose(message, tag, offset), inner)
    {
        Tag = tag;
        Offset = offset;
    }

    /// <summary>The element being read when the problem was found, if known.</summary>
    public DicomTag? Tag { get; }

    /// <summary>Byte offset in the (inflated, for deflated syntaxes) stream where the problem was found.</summary>
    public long? Offset { get; }

    private static string Compose(string message, DicomTag? tag, long? offset)
    {
        var where = (tag, offset) switch
        {
            ({ } t, { } o) => $" (element {t} at byte offset {o})",
            ({ } t, null) => $" (element {t})",
            (null, { } o) => $" (at byte offset {o})",
            _ => string.Empty,
        };
        return message + where;
    }
}

/// <summary>The transfer syntax is known but not supported by the operation (e.g. a codec is missing).</summary>
public class UnsupportedTransferSyntaxException : DicomException
{
    public UnsupportedTransferSyntaxException(string transferSyntaxUid, string message)
        : base(message)
    {
        TransferSyntaxUid = transferSyntaxUid;
    }

    public string TransferSyntaxUid { get; }
}

/// <summary>What a reading limit of <see cref="DicomReadOptions"/> names: the input may be valid but is over budget.</summary>
public enum DicomLimit
{
    NestingDepth,
    ElementLength,
    InflatedSize,
    InflationRatio,
}

/// <summary>The input breaks one of the reader's limits (<see cref="Limit"/>), not the standard.</summary>
public sealed class DicomLimitExceededException(DicomLimit limit, string message, DicomTag? tag = null, long? offset = null, long? declaredLength = null)
    : DicomFormatException(message, tag, offset)
{
    public DicomLimit Limit { get; } = limit;

    /// <summary>For <see cref="DicomLimit.ElementLength"/>: the length the element declares (the data may not hold it).</summary>
    public long? DeclaredLength { get; } = declaredLength;
}
