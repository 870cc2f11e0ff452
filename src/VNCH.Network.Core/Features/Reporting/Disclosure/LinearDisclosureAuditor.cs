namespace VNCH.Network.Core.Features.Reporting.Disclosure;

/// <summary>
/// The independent check before anything leaves: builds its own echelon form of everything the reader can know
/// (eliminating on the smallest index, unlike <see cref="GaussianSuppression"/>) and reports every protected cell
/// that is a linear combination of it. It shares no state and no elimination order with the suppressor.
/// </summary>
/// <remarks>
/// Proof by witness (ADR 0083): from its echelon form the auditor draws two vectors y over the inner cells with
/// random values on the free indices, solved on the pivots so that y·c = 0 for every basis vector, and then checks
/// y·c = 0 for every known vector c itself, exactly (a wrong elimination cannot pass this). Such a y is a change of
/// the inner counts that leaves everything published unchanged; a protected p with y·p ≠ 0 is therefore proven
/// underivable, at the cost of one sparse dot product. A protected cell that no witness separates is decided by
/// exact reduction against the echelon form (a residual whose smallest index is not a pivot is not in the span).
/// </remarks>
public static class LinearDisclosureAuditor
{
    private const int Witnesses = 2;

    /// <returns>The indices (into <paramref name="protectedCells"/>) of cells the reader could derive.</returns>
    public static IReadOnlyList<int> Derivable(IEnumerable<SparseVector> known, IReadOnlyList<SparseVector> protectedCells)
    {
        var knownCells = known.Distinct().ToList();
        var dimension = 1 + Math.Max(knownCells.Select(c => c.Lead).DefaultIfEmpty(-1).Max(), protectedCells.Select(c => c.Lead).DefaultIfEmpty(-1).Max());
        var echelon = new Echelon(dimension);
        foreach (var column in knownCells.OrderBy(c => c.Indices.Length)) // sparse first: less fill-in
        {
            echelon.Add(column);
        }

        var witnesses = new long[Witnesses][];
        for (var w = 0; w < Witnesses; w++)
        {
            witnesses[w] = echelon.Witness(new Random(7919 + w));
            foreach (var column in knownCells)
            {
                if (Dot(column, witnesses[w]) != 0)
                {
                    throw new DisclosureAuditException("The auditor's witness does not vanish on a published cell: its elimination is wrong; nothing is published.");
                }
            }
        }

        var derivable = new List<int>();
        var verdicts = new Dictionary<SparseVector, bool>();
        for (var i = 0; i < protectedCells.Count; i++)
        {
            var cell = protectedCells[i];
            if (!verdicts.TryGetValue(cell, out var inSpan))
            {
                verdicts[cell] = inSpan = !witnesses.Any(y => Dot(cell, y) != 0) && echelon.Contains(cell);
            }

            if (inSpan)
            {
                derivable.Add(i);
            }
        }

        return derivable;
    }

    private static long Dot(SparseVector vector, long[] y)
    {
        long sum = 0;
        for (var i = 0; i < vector.Indices.Length; i++)
        {
            sum = (sum + SparseVector.MulMod(vector.Values[i], y[vector.Indices[i]])) % SparseVector.Prime;
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
                    sum = (sum + SparseVector.MulMod(pivot.Values[i], y[pivot.Indices[i]])) % SparseVector.Prime;
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
                    row[pivot.Indices[i]] = (row[pivot.Indices[i]] + SparseVector.MulMod(factor, pivot.Values[i])) % SparseVector.Prime;
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
