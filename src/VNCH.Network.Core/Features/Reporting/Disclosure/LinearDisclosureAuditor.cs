namespace VNCH.Network.Core.Features.Reporting.Disclosure;

/// <summary>
/// The independent check before anything leaves: proves every protected cell underivable from everything the reader
/// can know, or reports it. It trusts nothing it is given: a certificate from the suppressor is used only after it
/// is checked exactly, and what no checked certificate proves is decided by its own elimination, which shares no
/// state and no elimination order with <see cref="GaussianSuppression"/> (it eliminates on the smallest index).
/// </summary>
/// <remarks>
/// Proof by witness (ADR 0083, 0121): a witness is a vector y over the inner cells with y·c = 0 for every known cell
/// c, checked exactly, one sparse dot product per known cell. Such a y is a change of the inner counts that leaves
/// everything published unchanged; a protected p with y·p ≠ 0 is therefore proven underivable. The suppressor's
/// two functionals are such vectors when its elimination is right, so checking them costs linear time where
/// building an echelon of the published cells grows with the square of the inner cells and more (ADR 0121). Cells
/// no certificate separates (none, unless the suppressor is wrong or a 2^-62 chance struck) go to the exact path:
/// the auditor's own echelon form, two witnesses drawn from it and checked the same way, then exact reduction (a
/// residual whose smallest index is not a pivot is not in the span).
/// </remarks>
public static class LinearDisclosureAuditor
{
    private const int Witnesses = 2;

    /// <returns>The indices (into <paramref name="protectedCells"/>) of cells the reader could derive.</returns>
    public static IReadOnlyList<int> Derivable(IEnumerable<SparseVector> known, IReadOnlyList<SparseVector> protectedCells) =>
        Derivable(known, protectedCells, []);

    /// <param name="certificates">Candidate witnesses (e.g. <see cref="GaussianSuppression.Witnesses"/>): each is used only if it vanishes on every known cell.</param>
    /// <returns>The indices (into <paramref name="protectedCells"/>) of cells the reader could derive.</returns>
    public static IReadOnlyList<int> Derivable(IEnumerable<SparseVector> known, IReadOnlyList<SparseVector> protectedCells, IReadOnlyList<long[]> certificates)
    {
        var knownCells = known.Distinct().ToList();
        var checkedCertificates = certificates.Where(y => VanishesOn(y, knownCells)).ToList();
        var unproven = Enumerable.Range(0, protectedCells.Count).Where(i => !Separates(checkedCertificates, protectedCells[i])).ToList();
        return unproven.Count == 0 ? [] : ExactlyDerivable(knownCells, protectedCells, unproven);
    }

    private static List<int> ExactlyDerivable(List<SparseVector> knownCells, IReadOnlyList<SparseVector> protectedCells, List<int> cells)
    {
        var dimension = 1 + Math.Max(knownCells.Select(c => c.Lead).DefaultIfEmpty(-1).Max(), cells.Select(i => protectedCells[i].Lead).DefaultIfEmpty(-1).Max());
        var echelon = new Echelon(dimension);
        foreach (var column in knownCells.OrderBy(c => c.Indices.Length)) // sparse first: less fill-in
        {
            echelon.Add(column);
        }

        var witnesses = new long[Witnesses][];
        for (var w = 0; w < Witnesses; w++)
        {
            witnesses[w] = echelon.Witness(new Random(7919 + w));
            if (!VanishesOn(witnesses[w], knownCells))
            {
                throw new DisclosureAuditException("The auditor's witness does not vanish on a published cell: its elimination is wrong; nothing is published.");
            }
        }

        var derivable = new List<int>();
        var verdicts = new Dictionary<SparseVector, bool>();
        foreach (var i in cells)
        {
            var cell = protectedCells[i];
            if (!verdicts.TryGetValue(cell, out var inSpan))
            {
                verdicts[cell] = inSpan = !Separates(witnesses, cell) && echelon.Contains(cell);
            }

            if (inSpan)
            {
                derivable.Add(i);
            }
        }

        return derivable;
    }

    /// <summary>Whether y is a witness: zero on every known cell, exactly (and defined on all of their indices).</summary>
    private static bool VanishesOn(long[] y, List<SparseVector> knownCells) =>
        knownCells.All(c => c.Lead < y.Length && Dot(c, y) == 0);

    private static bool Separates(IEnumerable<long[]> witnesses, SparseVector cell) =>
        witnesses.Any(y => cell.Lead < y.Length && Dot(cell, y) != 0);

    private static long Dot(SparseVector vector, long[] y)
    {
        long sum = 0;
        for (var i = 0; i < vector.Indices.Length; i++)
        {
            sum = SparseVector.AddMod(sum, SparseVector.MulMod(vector.Values[i], y[vector.Indices[i]]));
        }

        return sum;
    }

    /// <summary>Row echelon form keyed by each vector's smallest index (its trail), normalized to 1 there; a dense scratch row for reductions.</summary>
    private sealed class Echelon(int dimension)
    {
        private readonly SparseVector?[] byTrail = new SparseVector?[dimension];
        private readonly long[] row = new long[dimension];

        public void Add(SparseVector vector)
        {
            if (Residual(vector) is { } residual)
            {
                byTrail[residual.Trail] = residual;
            }
        }

        /// <summary>In the span exactly when the reduction leaves nothing (a leftover trail is never a pivot).</summary>
        public bool Contains(SparseVector vector) => Residual(vector) is null;

        /// <summary>A random vector orthogonal to every basis vector: free indices random, pivots solved from the largest trail down.</summary>
        public long[] Witness(Random random)
        {
            var y = new long[dimension];
            for (var index = dimension - 1; index >= 0; index--)
            {
                if (byTrail[index] is not { } pivot)
                {
                    y[index] = random.NextInt64(1, SparseVector.Prime);
                    continue;
                }

                long sum = 0;
                for (var i = 1; i < pivot.Indices.Length; i++) // every other entry lies above the trail: already set
                {
                    sum = SparseVector.AddMod(sum, SparseVector.MulMod(pivot.Values[i], y[pivot.Indices[i]]));
                }

                y[index] = SparseVector.Mod(-sum);
            }

            return y;
        }

        /// <summary>Eliminates pivots from the smallest index up until one is free; null when the vector vanishes.</summary>
        private SparseVector? Residual(SparseVector vector)
        {
            if (vector.IsZero)
            {
                return null;
            }

            for (var i = 0; i < vector.Indices.Length; i++)
            {
                row[vector.Indices[i]] = vector.Values[i];
            }

            var lead = vector.Lead;
            var index = vector.Trail;
            for (; index <= lead; index++)
            {
                if (row[index] == 0)
                {
                    continue;
                }

                if (byTrail[index] is not { } pivot)
                {
                    break; // a free trail: not in the span
                }

                var factor = SparseVector.Mod(-row[index]);
                for (var i = 0; i < pivot.Indices.Length; i++)
                {
                    row[pivot.Indices[i]] = SparseVector.AddMod(row[pivot.Indices[i]], SparseVector.MulMod(factor, pivot.Values[i]));
                }

                lead = Math.Max(lead, pivot.Lead);
            }

            if (index > lead)
            {
                return null;
            }

            var indices = new List<int>();
            var values = new List<long>();
            for (var at = index; at <= lead; at++)
            {
                if (row[at] != 0)
                {
                    indices.Add(at);
                    values.Add(row[at]);
                    row[at] = 0;
                }
            }

            var scale = SparseVector.Inverse(values[0]); // stored with 1 at the trail
            return SparseVector.FromSorted([.. indices], values.Select(v => SparseVector.MulMod(v, scale)).ToArray());
        }
    }
}
