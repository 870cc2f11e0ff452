namespace VNCH.Network.Core.Features.Reporting.Disclosure;

/// <summary>
/// The independent check before anything leaves: builds its own echelon form of everything the reader can know
/// (eliminating on the smallest index, unlike <see cref="GaussianSuppression"/>) and reports every protected cell
/// that is a linear combination of it. It shares no state and no elimination order with the suppressor.
/// </summary>
public static class LinearDisclosureAuditor
{
    /// <returns>The indices (into <paramref name="protectedCells"/>) of cells the reader could derive.</returns>
    public static IReadOnlyList<int> Derivable(IEnumerable<SparseVector> known, IReadOnlyList<SparseVector> protectedCells)
    {
        var basis = new Dictionary<int, SparseVector>();
        foreach (var column in known.Distinct())
        {
            var residual = Reduce(basis, column);
            if (!residual.IsZero)
            {
                basis[residual.Trail] = residual;
            }
        }

        var derivable = new List<int>();
        var verdicts = new Dictionary<SparseVector, bool>();
        for (var i = 0; i < protectedCells.Count; i++)
        {
            if (!verdicts.TryGetValue(protectedCells[i], out var zero))
            {
                verdicts[protectedCells[i]] = zero = Reduce(basis, protectedCells[i]).IsZero;
            }

            if (zero)
            {
                derivable.Add(i);
            }
        }

        return derivable;
    }

    private static SparseVector Reduce(Dictionary<int, SparseVector> basis, SparseVector vector)
    {
        // Eliminates every entry that has a pivot, smallest first, until none is left (full reduction).
        var position = 0;
        while (position < vector.Indices.Length)
        {
            var index = vector.Indices[position];
            if (basis.TryGetValue(index, out var pivot))
            {
                var factor = vector.Values[position] * SparseVector.Inverse(pivot.Values[0]) % SparseVector.Prime;
                vector = vector.Subtract(factor, pivot); // adds entries only above index: earlier positions stand
                continue;
            }

            position++;
        }

        return vector;
    }
}
