using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace VNCH.Network.Inference.Evaluation;

/// <summary>
/// One NumPy array read from a .npy stream (format versions 1–3, C order, little-endian or byte-sized types).
/// Enough to read the MedMNIST evaluation sets without Python; not a general NumPy implementation.
/// </summary>
public sealed partial class NpyArray
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyArray(string dtype, IReadOnlyList<long> shape, byte[] data)
    {
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    /// <summary>NumPy type code without byte order, e.g. "u1", "i8", "f4".</summary>
    public string DType { get; }

    public IReadOnlyList<long> Shape { get; }

    /// <summary>Raw little-endian element bytes in C order.</summary>
    public byte[] Data { get; }

    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    public int ElementSize => int.Parse(DType.AsSpan(1), CultureInfo.InvariantCulture);

    public static NpyArray Read(Stream stream, string name = "array")
    {
        Span<byte> prefix = stackalloc byte[10];
        stream.ReadExactly(prefix[..8]);
        if (!prefix[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{name}: not a .npy array (magic bytes missing).");
        }

        var major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            stream.ReadExactly(prefix.Slice(8, 2));
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix.Slice(8, 2));
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            stream.ReadExactly(len);
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(len));
        }
        else
        {
            throw new InvalidDataException($"{name}: .npy format version {major} is not supported.");
        }

        if (headerLength is <= 0 or > 1 << 20)
        {
            throw new InvalidDataException($"{name}: implausible .npy header length {headerLength}.");
        }

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);

        var descr = DescrPattern().Match(header);
        var order = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !order.Success || !shapeMatch.Success)
        {
            throw new InvalidDataException($"{name}: cannot parse the .npy header {header.Trim()}.");
        }

        if (order.Groups[1].Value != "False")
        {
            throw new InvalidDataException($"{name}: Fortran-ordered arrays are not supported.");
        }

        var byteOrder = descr.Groups[1].Value;
        var dtype = descr.Groups[2].Value;
        var size = int.Parse(dtype.AsSpan(1), CultureInfo.InvariantCulture);
        if (byteOrder == ">" && size > 1)
        {
            throw new InvalidDataException($"{name}: big-endian arrays are not supported.");
        }

        var shape = shapeMatch.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture))
            .ToArray();
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var bytes = checked(count * size);
        if (bytes > int.MaxValue)
        {
            throw new InvalidDataException($"{name}: {bytes} bytes is too large to load.");
        }

        var data = new byte[bytes];
        try
        {
            stream.ReadExactly(data);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{name}: truncated; the header promises {bytes} data bytes.");
        }

        return new NpyArray(dtype, shape, data);
    }

    /// <summary>Every element as a long (integer types only).</summary>
    public long[] ToInt64()
    {
        var result = new long[Count];
        var span = Data.AsSpan();
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = DType switch
            {
                "u1" or "b1" => span[i],
                "i1" => (sbyte)span[i],
                "u2" => BinaryPrimitives.ReadUInt16LittleEndian(span[(i * 2)..]),
                "i2" => BinaryPrimitives.ReadInt16LittleEndian(span[(i * 2)..]),
                "u4" => BinaryPrimitives.ReadUInt32LittleEndian(span[(i * 4)..]),
                "i4" => BinaryPrimitives.ReadInt32LittleEndian(span[(i * 4)..]),
                "i8" => BinaryPrimitives.ReadInt64LittleEndian(span[(i * 8)..]),
                "u8" => checked((long)BinaryPrimitives.ReadUInt64LittleEndian(span[(i * 8)..])),
                _ => throw new InvalidDataException($"Array of type '{DType}' is not an integer array."),
            };
        }

        return result;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([<>|=])([biuf]\d+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([\d,\s]*)\)")]
    private static partial Regex ShapePattern();
}

/// <summary>Reads the arrays of an .npz file (a zip of .npy members, stored or deflated).</summary>
public static class NpzReader
{
    public static IReadOnlyDictionary<string, NpyArray> Read(string path, Func<string, bool>? include = null)
    {
        using var zip = ZipFile.OpenRead(path);
        var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            if (!entry.Name.EndsWith(".npy", StringComparison.Ordinal))
            {
                continue;
            }

            var key = entry.Name[..^4];
            if (include is not null && !include(key))
            {
                continue;
            }

            using var stream = entry.Open();
            arrays[key] = NpyArray.Read(stream, $"{path}:{entry.FullName}");
        }

        return arrays;
    }
}
