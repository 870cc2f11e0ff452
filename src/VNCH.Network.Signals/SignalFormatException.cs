namespace VNCH.Network.Signals;

/// <summary>
/// A signal document (WFDB, HL7 aECG, DICOM waveform, audiogram) that cannot be read. The message names the
/// document kind and what exactly is wrong, so a hospital can fix the file without reading our code.
/// </summary>
public sealed class SignalFormatException : FormatException
{
    public SignalFormatException(string message)
        : base(message)
    {
    }

    public SignalFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
