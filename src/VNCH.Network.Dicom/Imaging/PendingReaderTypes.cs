// TEMPORARY: stand-ins for the reader's exception family (same signatures as on branch `dicom`) until it lands.
namespace VNCH.Network.Dicom;

public class DicomException : Exception
{
    public DicomException(string message) : base(message)
    {
    }

    public DicomException(string message, Exception? inner) : base(message, inner)
    {
    }
}

public class UnsupportedTransferSyntaxException : DicomException
{
    public UnsupportedTransferSyntaxException(string transferSyntaxUid, string message)
        : base(message)
    {
        TransferSyntaxUid = transferSyntaxUid;
    }

    public string TransferSyntaxUid { get; }
}
