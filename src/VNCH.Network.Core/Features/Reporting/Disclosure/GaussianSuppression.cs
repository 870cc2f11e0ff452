namespace VNCH.Network.Core.Features.Reporting.Disclosure;

/// <summary>
/// Secondary suppression by Gaussian elimination (the idea of Statistics Norway's GaussSuppression): every published
/// cell is a vector over the inner cells (the finest groups of studies the tables distinguish); a suppressed cell is
/// protected as long as it is not a linear combination of published cells. Candidates are offered for publication
/// in order of preference; one is withheld (secondary suppression) exactly when publishing it could put a protected
/// cell in the span of the published ones.
/// </summary>
/// <remarks>
/// The published cells are kept as a reduced echelon basis (each pivot index appears in one basis vector only), so
/// reducing a vector is one pass over its pivot entries (ADR 0083). Publishing c exposes a protected p exactly when
/// p ≡ β·c modulo the span W of what is published. Two linear functionals f1, f2 that vanish on W are kept
/// (pseudo-random on the free indices, fixed on the pivots); a class modulo W leaves the fingerprint (f1, f2) up to
/// scale, and c is withheld when its fingerprint is parallel to a protected cell's (f1(p)·f2(c) = f2(p)·f1(c)):
/// equal classes always give parallel fingerprints, so no exposure is missed; unequal classes collide with
/// probability about 2^-31 per pair, and a collision only withholds one more cell. Identical protected vectors
/// (the many cells that count the same one or two studies) are held once. When a pivot is added, f1 and f2 change
/// at the pivot and at the pivots of basis vectors that used that index, so only protected cells with entries there
/// are updated. The exact <see cref="LinearDisclosureAuditor"/> checks the result independently.
/// </remarks>
public sealed class GaussianSuppression
{
    private const int Functionals = 2;

    // The reduced echelon basis: one dense row per pivot (its lead), zero on every other pivot; the free indices ascending.
    // Entries are field elements below 2^31, held in 32 bits: half the memory and memory traffic of the elimination.
    private readonly Dictionary<int, int[]> rows = [];
    private readonly List<int> leads = [];
    private readonly List<int> free = [];
    private int dimension;

    // f_k on every index (free indices keep Free(k, index); pivots are solved so that f_k vanishes on the basis).
    private readonly long[][] functionals = [[], []];

    // The distinct protected cells (never reduced), their current f values, and by index which of them use it (with the entry).
    private readonly Dictionary<SparseVector, int> protectedIds = [];
    private readonly List<long> first = [];
    private readonly List<long> second = [];
    private readonly Dictionary<int, List<(int Id, long Value)>> protectedByIndex = [];

    private long[] scratch = [];

    /// <param name="dimension">The number of inner cells, when known (the space grows with the largest index seen).</param>
    public GaussianSuppression(int dimension = 0) => Grow(dimension);

    public int Rank => rows.Count;

    /// <summary>Distinct protected vectors held (identical cells share one).</summary>
    public int ProtectedCount => first.Count;

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
        if (protectedIds.ContainsKey(vector))
        {
            return true; // held already: an identical cell stays exactly as protected
        }

        var f1 = Apply(0, vector);
        var f2 = Apply(1, vector);
        if (f1 == 0 && f2 == 0)
        {
            return false; // in the published span already (but for a 2^-62 chance): the audit reports it
        }

        var id = first.Count;
        protectedIds[vector] = id;
        first.Add(f1);
        second.Add(f2);
        for (var i = 0; i < vector.Indices.Length; i++)
        {
            if (!protectedByIndex.TryGetValue(vector.Indices[i], out var list))
            {
                protectedByIndex[vector.Indices[i]] = list = [];
            }

            list.Add((id, vector.Values[i]));
        }

        return true;
    }

    /// <summary>Publishes the candidate if that keeps every protected cell underivable; otherwise protects it too.</summary>
    /// <remarks>
    /// The fingerprint of a candidate is that of its residual (f1 and f2 vanish on the published span), so only a
    /// candidate that is published and adds a dimension is reduced against the basis; the others cost two dot products.
    /// </remarks>
    public bool TryPublish(SparseVector vector)
    {
        var f1 = Apply(0, vector);
        var f2 = Apply(1, vector);
        if (f1 == 0 && f2 == 0)
        {
            // Already determined by what is published: publishing it tells nothing new. (A vector outside the span
            // passes here with probability 2^-62; the audit's certificate check or its exact fallback then decides.)
            return true;
        }

        if (Collides(f1, f2))
        {
            Protect(vector); // it equals a protected cell up to published ones: withheld, and protected in turn
            return false;
        }

        AddToBasis(Reduce(vector).Normalized()); // f1 or f2 is nonzero on it, so it is outside the span: the residual is nonzero
        return true;
    }

    /// <summary>
    /// Two functionals that vanish on everything published and are pseudo-random otherwise: a certificate the audit
    /// checks exactly (they must vanish on every published cell) and then uses as witnesses (<see cref="LinearDisclosureAuditor"/>).
    /// </summary>
    public IReadOnlyList<long[]> Witnesses() => functionals.Select(f => f[..dimension]).ToArray();

    /// <summary>Whether a protected cell's fingerprint is parallel to (f1, f2); cells already in W are the audit's to report.</summary>
    private bool Collides(long f1, long f2)
    {
        for (var id = 0; id < first.Count; id++)
        {
            var (p1, p2) = (first[id], second[id]);
            if ((p1 != 0 || p2 != 0) && SparseVector.MulMod(p1, f2) == SparseVector.MulMod(p2, f1))
            {
                return true;
            }
        }

        return false;
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
        // The pivot is zero on every existing pivot, so subtracting it touches only its own (free) entries, in place.
        var changes = new List<(int Index, long Factor)> { (lead, 1) };
        foreach (var otherLead in leads)
        {
            var row = rows[otherLead];
            var coefficient = row[lead];
            if (coefficient != 0)
            {
                var factor = SparseVector.Mod(-coefficient);
                for (var i = 0; i < pivot.Indices.Length; i++)
                {
                    var index = pivot.Indices[i];
                    row[index] = (int)SparseVector.AddMod(row[index], SparseVector.MulMod(factor, pivot.Values[i]));
                }

                changes.Add((otherLead, factor));
            }
        }

        var dense = new int[dimension];
        for (var i = 0; i < pivot.Indices.Length; i++)
        {
            dense[pivot.Indices[i]] = (int)pivot.Values[i];
        }

        rows[lead] = dense;
        leads.Add(lead);
        free.RemoveAt(free.BinarySearch(lead));

        foreach (var (index, factor) in changes)
        {
            var delta1 = SparseVector.Mod(-SparseVector.MulMod(alpha[0], factor));
            var delta2 = SparseVector.Mod(-SparseVector.MulMod(alpha[1], factor));
            functionals[0][index] = SparseVector.AddMod(functionals[0][index], delta1);
            functionals[1][index] = SparseVector.AddMod(functionals[1][index], delta2);
            if (protectedByIndex.TryGetValue(index, out var list))
            {
                foreach (var (id, value) in list)
                {
                    first[id] = SparseVector.AddMod(first[id], SparseVector.MulMod(delta1, value));
                    second[id] = SparseVector.AddMod(second[id], SparseVector.MulMod(delta2, value));
                }
            }
        }
    }

    private long Apply(int k, SparseVector vector)
    {
        Grow(vector.Lead + 1);
        var f = functionals[k];
        long sum = 0;
        for (var i = 0; i < vector.Indices.Length; i++)
        {
            sum = SparseVector.AddMod(sum, SparseVector.MulMod(f[vector.Indices[i]], vector.Values[i]));
        }

        return sum;
    }

    /// <summary>Widens the space to <paramref name="size"/> indices: new indices are free.</summary>
    private void Grow(int size)
    {
        if (size <= dimension)
        {
            return;
        }

        size = Math.Max(size, dimension * 2);
        foreach (var lead in leads)
        {
            var row = rows[lead];
            Array.Resize(ref row, size);
            rows[lead] = row;
        }

        for (var k = 0; k < Functionals; k++)
        {
            Array.Resize(ref functionals[k], size);
            for (var index = dimension; index < size; index++)
            {
                functionals[k][index] = Free(k, index);
            }
        }

        for (var index = dimension; index < size; index++)
        {
            free.Add(index);
        }

        Array.Resize(ref scratch, size);
        dimension = size;
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

    /// <summary>
    /// Eliminates every pivot index. The basis is reduced (a row is zero on every other pivot), so one pass over the
    /// vector's own pivot entries leaves a residual on free indices only; it is accumulated densely over them.
    /// </summary>
    private SparseVector Reduce(SparseVector vector)
    {
        if (vector.IsZero || rows.Count == 0)
        {
            return vector;
        }

        Grow(vector.Lead + 1);
        for (var i = 0; i < vector.Indices.Length; i++)
        {
            scratch[vector.Indices[i]] = vector.Values[i];
        }

        var pivots = 0;
        for (var i = 0; i < vector.Indices.Length; i++)
        {
            if (rows.TryGetValue(vector.Indices[i], out var row))
            {
                pivots++;
                var factor = SparseVector.Mod(-vector.Values[i]);
                foreach (var index in free)
                {
                    if (row[index] != 0)
                    {
                        scratch[index] = SparseVector.AddMod(scratch[index], SparseVector.MulMod(factor, row[index]));
                    }
                }
            }
        }

        if (pivots == 0)
        {
            foreach (var index in vector.Indices)
            {
                scratch[index] = 0;
            }

            return vector; // no pivot entry: already reduced
        }

        var indices = new List<int>();
        var values = new List<long>();
        foreach (var index in free)
        {
            if (scratch[index] != 0)
            {
                indices.Add(index);
                values.Add(scratch[index]);
                scratch[index] = 0;
            }
        }

        for (var i = 0; i < vector.Indices.Length; i++)
        {
            scratch[vector.Indices[i]] = 0; // its pivot entries cancelled (rows are 1 at their lead)
        }

        return SparseVector.FromSorted([.. indices], [.. values]);
    }
}
