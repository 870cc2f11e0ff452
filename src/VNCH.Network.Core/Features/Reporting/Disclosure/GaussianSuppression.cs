namespace VNCH.Network.Core.Features.Reporting.Disclosure;

/// <summary>
/// Secondary suppression by Gaussian elimination (the idea of Statistics Norway's GaussSuppression): every published
/// cell is a vector over the inner cells (the finest groups of studies the tables distinguish); a suppressed cell is
/// protected as long as it is not a linear combination of published cells. Candidates are offered for publication
/// in order of preference; one is withheld (secondary suppression) exactly when publishing it could put a protected
/// cell in the span of the published ones.
/// </summary>
/// <remarks>
/// The published cells are kept as a reduced echelon basis (each pivot index appears in one basis vector only).
/// Publishing c exposes a protected p exactly when p ≡ β·c modulo the span W of what is published. Rather than
/// keeping every protected cell reduced (thousands of vectors re-reduced per pivot, the cost of the first version),
/// two linear functionals f1, f2 that vanish on W are kept (pseudo-random on the free indices, fixed on the pivots);
/// a cell's class modulo W leaves the fingerprint (f1, f2) up to scale. Equal classes always give equal
/// fingerprints, so no exposure is missed; unequal classes collide with probability about 2^-31 per pair, and a
/// collision only withholds one more cell. When a pivot is added, f1 and f2 change at the pivot and at the pivots of
/// basis vectors that used that index, so only protected cells with entries there are updated. The exact
/// <see cref="LinearDisclosureAuditor"/> checks the result independently.
/// </remarks>
public sealed class GaussianSuppression
{
    private const int Functionals = 2;

    private readonly Dictionary<int, SparseVector> basis = [];

    // f_k on pivot indices (free indices use Free(k, index)).
    private readonly Dictionary<int, long>[] onPivots = [[], []];

    // The protected cells as given (never reduced), their current f values, and by index which of them use it.
    private readonly List<SparseVector> protectedCells = [];
    private readonly List<long[]> values = [];
    private readonly Dictionary<int, List<int>> protectedByIndex = [];

    // Fingerprints (scaled so the first nonzero is 1) of protected cells not in W, with multiplicities.
    private readonly Dictionary<(long, long), int> fingerprints = [];

    public int Rank => basis.Count;

    /// <summary>Columns known to the reader already (e.g. published in an earlier snapshot): always in the span.</summary>
    public void AddKnown(SparseVector column)
    {
        var residual = Reduce(column);
        if (!residual.IsZero)
        {
            AddToBasis(residual.Normalized());
        }
    }

    /// <summary>A cell that must not become derivable (primary, or a sensitive difference). False when it already is.</summary>
    public bool Protect(SparseVector vector)
    {
        if (Reduce(vector).IsZero)
        {
            return false;
        }

        var id = protectedCells.Count;
        protectedCells.Add(vector);
        var f = new long[Functionals];
        for (var k = 0; k < Functionals; k++)
        {
            f[k] = Apply(k, vector);
        }

        values.Add(f);
        Count(f, +1);
        foreach (var index in vector.Indices)
        {
            if (!protectedByIndex.TryGetValue(index, out var list))
            {
                protectedByIndex[index] = list = [];
            }

            list.Add(id);
        }

        return true;
    }

    /// <summary>Publishes the candidate if that keeps every protected cell underivable; otherwise protects it too.</summary>
    public bool TryPublish(SparseVector vector)
    {
        var residual = Reduce(vector);
        if (residual.IsZero)
        {
            return true; // already determined by what is published: publishing it tells nothing new
        }

        var f = new long[Functionals];
        for (var k = 0; k < Functionals; k++)
        {
            f[k] = Apply(k, residual);
        }

        if (Fingerprint(f) is not { } print || fingerprints.ContainsKey(print))
        {
            Protect(vector); // it equals a protected cell up to published ones: withheld, and protected in turn
            return false;
        }

        AddToBasis(residual.Normalized());
        return true;
    }

    private void AddToBasis(SparseVector pivot)
    {
        var lead = pivot.Lead;
        var alpha = new long[Functionals];
        for (var k = 0; k < Functionals; k++)
        {
            alpha[k] = Apply(k, pivot);
        }

        // Keep the basis reduced: no other basis vector may use the new pivot index. Those that did change the
        // functionals at their own pivots: f_new = f_old - f_old(pivot) * d, d = e_lead - sum b_i[lead] e_{lead_i}.
        var changes = new List<(int Index, long Factor)> { (lead, 1) };
        foreach (var (otherLead, other) in basis.ToList())
        {
            var coefficient = other[lead];
            if (coefficient != 0)
            {
                basis[otherLead] = other.Subtract(coefficient, pivot);
                changes.Add((otherLead, SparseVector.Mod(-coefficient)));
            }
        }

        basis[lead] = pivot;
        for (var k = 0; k < Functionals; k++)
        {
            onPivots[k][lead] = Free(k, lead);
        }

        var touched = new HashSet<int>();
        foreach (var (index, _) in changes)
        {
            if (protectedByIndex.TryGetValue(index, out var list))
            {
                touched.UnionWith(list);
            }
        }

        foreach (var id in touched)
        {
            Count(values[id], -1);
        }

        foreach (var (index, factor) in changes)
        {
            for (var k = 0; k < Functionals; k++)
            {
                var delta = SparseVector.Mod(-(alpha[k] * factor % SparseVector.Prime));
                onPivots[k][index] = SparseVector.Mod(onPivots[k][index] + delta);
                if (protectedByIndex.TryGetValue(index, out var list))
                {
                    foreach (var id in list)
                    {
                        values[id][k] = SparseVector.Mod(values[id][k] + (delta * protectedCells[id][index] % SparseVector.Prime));
                    }
                }
            }
        }

        foreach (var id in touched)
        {
            Count(values[id], +1);
        }
    }

    private void Count(long[] f, int change)
    {
        if (Fingerprint(f) is not { } print)
        {
            return; // in W (derivable): the exact audit reports it
        }

        var count = fingerprints.GetValueOrDefault(print) + change;
        if (count == 0)
        {
            fingerprints.Remove(print);
        }
        else
        {
            fingerprints[print] = count;
        }
    }

    private static (long, long)? Fingerprint(long[] f) =>
        f[0] != 0 ? (1, f[1] * SparseVector.Inverse(f[0]) % SparseVector.Prime)
        : f[1] != 0 ? (0, 1)
        : null;

    private long Apply(int k, SparseVector vector)
    {
        long sum = 0;
        for (var i = 0; i < vector.Indices.Length; i++)
        {
            var index = vector.Indices[i];
            var f = onPivots[k].TryGetValue(index, out var fixedValue) ? fixedValue : Free(k, index);
            sum = (sum + (f * vector.Values[i] % SparseVector.Prime)) % SparseVector.Prime;
        }

        return sum;
    }

    /// <summary>A fixed pseudo-random value per (functional, index) in [1, p): deterministic, so snapshots are reproducible.</summary>
    private static long Free(int k, int index)
    {
        var z = unchecked(((ulong)index * 0x9E3779B97F4A7C15UL) + ((ulong)(k + 1) * 0xD1B54A32D192ED03UL));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (long)(z % (SparseVector.Prime - 1)) + 1;
    }

    /// <summary>Eliminates every pivot index, from the top down (each step only changes lower indices).</summary>
    private SparseVector Reduce(SparseVector vector)
    {
        var position = vector.Indices.Length - 1;
        while (position >= 0)
        {
            var index = vector.Indices[position];
            if (basis.TryGetValue(index, out var pivot))
            {
                vector = vector.Subtract(vector.Values[position], pivot); // pivot's value at its lead is 1
                position = Array.BinarySearch(vector.Indices, index);
                position = (position < 0 ? ~position : position) - 1;
                continue;
            }

            position--;
        }

        return vector;
    }
}
