using System.Buffers.Binary;
using System.Text;

namespace VNCH.Network.Signals.Ecg.Wfdb;

/// <summary>One annotation of a WFDB annotation file.</summary>
/// <param name="Sample">Sample index (0-based) in the annotated record.</param>
/// <param name="Code">Annotation code (1 = NORMAL, 5 = PVC, 28 = rhythm change, … see ecgcodes.h).</param>
/// <param name="Subtype">The "subtyp" field (reset to 0 for each annotation).</param>
/// <param name="Channel">The "chan" field (carries over from the previous annotation unless set).</param>
/// <param name="Number">The "num" field (carries over from the previous annotation unless set).</param>
/// <param name="Aux">Auxiliary text, e.g. "(N" for a rhythm change; empty when absent.</param>
public sealed record WfdbAnnotation(long Sample, int Code, int Subtype, int Channel, int Number, string Aux)
{
    public string Symbol => WfdbAnnotationCodes.Symbol(Code);

    /// <summary>True for beat annotations (QRS complexes), the reference set of AAMI EC57 detector evaluation.</summary>
    public bool IsBeat => WfdbAnnotationCodes.IsBeat(Code);
}

/// <summary>Annotation codes of the WFDB library (ecgcodes.h) and their one-character mnemonics.</summary>
public static class WfdbAnnotationCodes
{
    private static readonly string?[] Symbols = BuildSymbols();

    // WFDB isqrs(): normal, bundle-branch, aberrant, ventricular, fusion, nodal, atrial, supraventricular,
    // escape, paced, unclassifiable beats (codes 1–13, 25 BBB, 30 LEARN, 34 AESC, 35 SVESC, 38 PFUS, 41 RONT).
    private static readonly HashSet<int> BeatCodes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30, 34, 35, 38, 41];

    public static string Symbol(int code) =>
        code >= 0 && code < Symbols.Length && Symbols[code] is { } symbol ? symbol : $"[{code}]";

    public static bool IsBeat(int code) => BeatCodes.Contains(code);

    private static string?[] BuildSymbols()
    {
        var table = new string?[50];
        const string map = " NLRaVFJASEj/Q~ | sT*D\"=pB^t+u?![]en@xf()r";
        for (var code = 0; code < map.Length; code++)
        {
            table[code] = map[code] == ' ' && code != 0 ? null : map[code].ToString();
        }

        return table;
    }
}

/// <summary>
/// Reads WFDB annotation files in MIT format (PhysioNet annot(5)): 16-bit little-endian words with a 6-bit code and a
/// 10-bit time increment, and the pseudo-codes SKIP (59, a 32-bit interval in PDP-11 word order), NUM (60), SUB (61),
/// CHN (62) and AUX (63, followed by that many bytes, padded to an even count).
/// </summary>
public static class WfdbAnnotationReader
{
    private const int Skip = 59;
    private const int Num = 60;
    private const int Sub = 61;
    private const int Chn = 62;
    private const int Aux = 63;

    public static IReadOnlyList<WfdbAnnotation> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    public static IReadOnlyList<WfdbAnnotation> Read(ReadOnlySpan<byte> data)
    {
        var result = new List<WfdbAnnotation>();
        long time = 0;
        int channel = 0, number = 0;
        var position = 0;
        while (true)
        {
            if (position + 2 > data.Length)
            {
                // Some writers omit the end-of-file word; a dangling odd byte is still an error.
                if (position != data.Length)
                {
                    throw new SignalFormatException($"WFDB annotation file ends with a partial word at byte {position}.");
                }

                break;
            }

            int word = BinaryPrimitives.ReadUInt16LittleEndian(data[position..]);
            position += 2;
            var code = word >> 10;
            var value = word & 0x3FF;
            if (code == 0 && value == 0)
            {
                break;
            }

            switch (code)
            {
                case Skip:
                    if (position + 4 > data.Length)
                    {
                        throw new SignalFormatException($"WFDB annotation file: SKIP at byte {position - 2} is missing its 4-byte interval.");
                    }

                    var high = BinaryPrimitives.ReadUInt16LittleEndian(data[position..]);
                    var low = BinaryPrimitives.ReadUInt16LittleEndian(data[(position + 2)..]);
                    time += (int)((uint)(high << 16) | low);
                    position += 4;
                    break;
                case Num:
                    number = value;
                    Amend(result, position, a => a with { Number = value });
                    break;
                case Sub:
                    Amend(result, position, a => a with { Subtype = value });
                    break;
                case Chn:
                    channel = value;
                    Amend(result, position, a => a with { Channel = value });
                    break;
                case Aux:
                    if (position + value > data.Length)
                    {
                        throw new SignalFormatException($"WFDB annotation file: AUX at byte {position - 2} declares {value} bytes but only {data.Length - position} remain.");
                    }

                    var text = Encoding.Latin1.GetString(data.Slice(position, value)).TrimEnd('\0');
                    position += value + (value & 1);
                    Amend(result, position, a => a with { Aux = text });
                    break;
                default:
                    time += value;
                    result.Add(new WfdbAnnotation(time, code, 0, channel, number, string.Empty));
                    break;
            }
        }

        return result;
    }

    // NUM/SUB/CHN/AUX modify the annotation that precedes them.
    private static void Amend(List<WfdbAnnotation> annotations, int position, Func<WfdbAnnotation, WfdbAnnotation> change)
    {
        if (annotations.Count == 0)
        {
            throw new SignalFormatException($"WFDB annotation file: a NUM/SUB/CHN/AUX field at byte {position} comes before any annotation.");
        }

        annotations[^1] = change(annotations[^1]);
    }
}
