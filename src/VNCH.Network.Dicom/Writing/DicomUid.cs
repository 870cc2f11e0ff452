using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace VNCH.Network.Dicom;

/// <summary>UIDs for objects the project creates: UUID-derived (2.25.x, PS3.5 B.2), random or from a name.</summary>
public static class DicomUid
{
    /// <summary>The project's implementation UUID (9a34a838-e7e4-4f7d-a58b-2e56ff1308d3) as a 2.25 UID.</summary>
    public const string ImplementationClassUid = "2.25.204974522740878417483630682701095438547";

    /// <summary>Implementation Version Name (0002,0013) written in the file meta group.</summary>
    public const string ImplementationVersionName = "VNCH_NETWORK";

    // Name-based UIDs are UUIDv5 (RFC 9562) in this namespace (the implementation UUID), so the same name always
    // gives the same UID (idempotent sample generation and de-identification).
    private static readonly Guid Namespace = new("9a34a838-e7e4-4f7d-a58b-2e56ff1308d3");

    /// <summary>A new random UID (UUIDv4).</summary>
    public static string Generate() => FromGuid(Guid.NewGuid());

    /// <summary>A deterministic UID for a name (UUIDv5 in the project namespace).</summary>
    public static string FromName(string name)
    {
        Span<byte> ns = stackalloc byte[16];
        Namespace.TryWriteBytes(ns, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        ns.CopyTo(input);
        nameBytes.CopyTo(input, 16);
        var hash = SHA1.HashData(input);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return FromGuid(new Guid(hash.AsSpan(0, 16), bigEndian: true));
    }

    public static string FromGuid(Guid guid)
    {
        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes, bigEndian: true, out _);
        return "2.25." + new BigInteger(bytes, isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>PS3.5 9.1: digits and dots, no leading zeros in components, at most 64 characters.</summary>
    public static bool IsValid(string uid)
    {
        if (uid.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var component in uid.Split('.'))
        {
            if (component.Length == 0 || !component.All(char.IsAsciiDigit) || (component.Length > 1 && component[0] == '0'))
            {
                return false;
            }
        }

        return true;
    }
}
