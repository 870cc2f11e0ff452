namespace VNCH.Network.Core.Features.Reporting.Disclosure;

/// <summary>
/// A sparse vector over the prime field GF(2^31 - 1), indexed by inner cell. Exact arithmetic: a cell is derivable
/// over the rationals only if it is derivable modulo this prime (up to a denominator divisible by the prime, which
/// table relations with coefficients of ±1 do not produce), so no rounding decides what is published.
/// </summary>
public sealed class SparseVector
{
    public const long Prime = 2147483647;

    private int? hashCode; // immutable: hashed once (the suppressor looks vectors up by value)

    private SparseVector(int[] indices, long[] values)
    {
        Indices = indices;
        Values = values;
    }

    /// <summary>Ascending, no zero values.</summary>
    public int[] Indices { get; }

    public long[] Values { get; }

    public bool IsZero => Indices.Length == 0;

    /// <summary>Largest index with a nonzero value (the leading term); -1 for the zero vector.</summary>
    public int Lead => Indices.Length == 0 ? -1 : Indices[^1];

    /// <summary>Smallest index with a nonzero value; -1 for the zero vector.</summary>
    public int Trail => Indices.Length == 0 ? -1 : Indices[0];

    public static SparseVector From(IEnumerable<KeyValuePair<int, long>> entries)
    {
        var ordered = entries.Select(e => (e.Key, Value: Mod(e.Value))).Where(e => e.Value != 0).OrderBy(e => e.Key).ToArray();
        return new SparseVector(ordered.Select(e => e.Key).ToArray(), ordered.Select(e => e.Value).ToArray());
    }

    /// <summary>Indices already ascending and values already reduced and nonzero (elimination results).</summary>
    internal static SparseVector FromSorted(int[] indices, long[] values) => new(indices, values);

    public long this[int index]
    {
        get
        {
            var at = Array.BinarySearch(Indices, index);
            return at < 0 ? 0 : Values[at];
        }
    }

    /// <summary>this - factor * other.</summary>
    public SparseVector Subtract(long factor, SparseVector other)
    {
        var indices = new List<int>(Indices.Length + other.Indices.Length);
        var values = new List<long>(Indices.Length + other.Indices.Length);
        int i = 0, j = 0;
        while (i < Indices.Length || j < other.Indices.Length)
        {
            long value;
            int index;
            if (j >= other.Indices.Length || (i < Indices.Length && Indices[i] < other.Indices[j]))
            {
                (index, value) = (Indices[i], Values[i]);
                i++;
            }
            else if (i >= Indices.Length || other.Indices[j] < Indices[i])
            {
                (index, value) = (other.Indices[j], Mod(-(factor * other.Values[j] % Prime)));
                j++;
            }
            else
            {
                (index, value) = (Indices[i], Mod(Values[i] - (factor * other.Values[j] % Prime)));
                i++;
                j++;
            }

            if (value != 0)
            {
                indices.Add(index);
                values.Add(value);
            }
        }

        return new SparseVector([.. indices], [.. values]);
    }

    /// <summary>The same direction scaled so the leading value is 1 (vectors equal up to a factor compare equal).</summary>
    public SparseVector Normalized()
    {
        if (IsZero || Values[^1] == 1)
        {
            return this;
        }

        var factor = Inverse(Values[^1]);
        return new SparseVector(Indices, Values.Select(v => v * factor % Prime).ToArray());
    }

    public override bool Equals(object? obj) =>
        obj is SparseVector other && Indices.AsSpan().SequenceEqual(other.Indices) && Values.AsSpan().SequenceEqual(other.Values);

    public override int GetHashCode() => hashCode ??= ComputeHashCode();

    private int ComputeHashCode()
    {
        var hash = new HashCode();
        for (var i = 0; i < Indices.Length; i++)
        {
            hash.Add(Indices[i]);
            hash.Add(Values[i]);
        }

        return hash.ToHashCode();
    }

    public static long Mod(long value)
    {
        var r = value % Prime;
        return r < 0 ? r + Prime : r;
    }

    /// <summary>a + b mod p for a, b in [0, p): one comparison instead of a division (the elimination's inner loops).</summary>
    public static long AddMod(long a, long b)
    {
        var sum = a + b;
        return sum >= Prime ? sum - Prime : sum;
    }

    /// <summary>a·b mod p for a, b in [0, p): the product fits in 62 bits and folds twice (p = 2^31 - 1).</summary>
    public static long MulMod(long a, long b)
    {
        var x = (ulong)a * (ulong)b;
        x = (x & Prime) + (x >> 31);
        x = (x & Prime) + (x >> 31);
        return (long)(x >= Prime ? x - Prime : x);
    }

    public static long Inverse(long value)
    {
        // Fermat: a^(p-2) = a^-1 mod p.
        long result = 1, power = Mod(value), exponent = Prime - 2;
        while (exponent > 0)
        {
            if ((exponent & 1) == 1)
            {
                result = result * power % Prime;
            }

            power = power * power % Prime;
            exponent >>= 1;
        }

        return result;
    }
}
