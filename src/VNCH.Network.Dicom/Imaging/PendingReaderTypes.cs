// TEMPORARY: stand-ins for the reader's exception family until branch `dicom` lands; deleted at the merge.
namespace VNCH.Network.Dicom;

public class DicomException : Exception
{
    public DicomException(string message) : base(message) { }

    public DicomException(string message, Exception inner) : base(message, inner) { }
}

public class UnsupportedTransferSyntaxException : DicomException
{
    public UnsupportedTransferSyntaxException(string message) : base(message) { }
}
