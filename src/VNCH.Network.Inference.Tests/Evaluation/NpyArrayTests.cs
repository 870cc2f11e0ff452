using System.IO.Compression;
using System.Text;
using VNCH.Network.Inference.Evaluation;
using VNCH.Network.Testing;

namespace VNCH.Network.Inference.Tests.Evaluation;

public class NpyArrayTests
{
    [Fact]
    public void Read_Version1_Uint8()
    {
        var bytes = Npy(1, "|u1", "(2, 3)", [1, 2, 3, 4, 5, 6]);

        var array = NpyArray.Read(new MemoryStream(bytes));

        Assert.Equal("u1", array.DType);
        Assert.Equal([2L, 3L], array.Shape);
        Assert.Equal([1L, 2, 3, 4, 5, 6], array.ToInt64());
    }

    [Fact]
    public void Read_Version2_Int64()
    {
        var data = new[] { -5L, 1L << 40 }.SelectMany(BitConverter.GetBytes).ToArray();
        var bytes = Npy(2, "<i8", "(2,)", data);

        var array = NpyArray.Read(new MemoryStream(bytes));

        Assert.Equal([-5L, 1L << 40], array.ToInt64());
    }

    [Fact]
    public void Read_Truncated_FailsClearly()
    {
        var bytes = Npy(1, "|u1", "(4, 4)", new byte[16]);

        var ex = Assert.Throws<InvalidDataException>(() => NpyArray.Read(new MemoryStream(bytes[..^3])));
        Assert.Contains("truncated", ex.Message);
    }

    [Theory]
    [InlineData("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 2), }", "Fortran")]
    [InlineData("{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }", "big-endian")]
    [InlineData("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", "cannot parse")]
    public void Read_UnsupportedHeaders_AreRefused(string header, string expected)
    {
        var bytes = NpyWithHeader(1, header, new byte[16]);

        var ex = Assert.Throws<InvalidDataException>(() => NpyArray.Read(new MemoryStream(bytes)));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Read_NotNpy_IsRefused()
    {
        Assert.Throws<InvalidDataException>(() => NpyArray.Read(new MemoryStream(Encoding.ASCII.GetBytes("PK\x03\x04 not numpy"))));
    }

    [Fact]
    public void NpzReader_ReadsMembersByName()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "set.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            Add(zip, "test_images.npy", Npy(1, "|u1", "(1, 2, 2)", [9, 8, 7, 6]));
            Add(zip, "test_labels.npy", Npy(1, "|u1", "(1, 1)", [1]));
        }

        var arrays = NpzReader.Read(path);

        Assert.Equal(["test_images", "test_labels"], arrays.Keys.Order());
        Assert.Equal([9L, 8, 7, 6], arrays["test_images"].ToInt64());
    }

    internal static byte[] Npy(int version, string descr, string shape, byte[] data) =>
        NpyWithHeader(version, $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}", data);

    private static byte[] NpyWithHeader(int version, string header, byte[] data)
    {
        var prefix = version == 1 ? 10 : 12;
        var padded = header.PadRight(((prefix + header.Length + 1 + 63) / 64 * 64) - prefix - 1) + "\n";
        using var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        if (version == 1)
        {
            ms.Write(BitConverter.GetBytes((ushort)padded.Length));
        }
        else
        {
            ms.Write(BitConverter.GetBytes((uint)padded.Length));
        }

        ms.Write(Encoding.Latin1.GetBytes(padded));
        ms.Write(data);
        return ms.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using var stream = zip.CreateEntry(name).Open();
        stream.Write(bytes);
    }
}
