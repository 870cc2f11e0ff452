namespace VNCH.Network.Core.Features.Reporting.Disclosure;

/// <summary>
/// Secondary suppression by Gaussian elimination (the idea of Statistics Norway's GaussSuppression): every published
/// cell is a vector over the inner cells (the finest groups of studies the tables distinguish); a suppressed cell is
/// protected as long as it is not a linear combination of published cells. Candidates are offered for publication
/// in order of preference; one is withheld (secondary suppression) exactly when publishing it would make some
/// protected cell a combination of what is published.
/// </summary>
/// <remarks>
/// The published cells are kept as an echelon basis by leading (largest) index, and every vector is kept fully
/// reduced (no entry at any pivot index). Two fully reduced vectors differ by an element of the span only if they
/// are equal, so "would publishing c expose a protected cell?" is one lookup: is c's reduced direction among the
/// protected cells' reduced directions? Publishing c then eliminates its pivot from the protected residuals.
/// </remarks>
public sealed class GaussianSuppression
{
    private readonly Dictionary<int, SparseVector> basis = [];

    // Distinct reduced directions of the protected cells, and for each index which of them use it.
    private readonly HashSet<SparseVector> protectedDirections = [];
    private readonly Dictionary<int, HashSet<SparseVector>> protectedByIndex = [];

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
        var residual = Reduce(vector);
        if (residual.IsZero)
        {
            return false;
        }

        Track(residual.Normalized());
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

        var direction = residual.Normalized();
        if (protectedDirections.Contains(direction))
        {
            return false; // it equals a protected cell up to published ones; it is now protected by being withheld
        }

        AddToBasis(direction);
        return true;
    }

    private void AddToBasis(SparseVector pivot)
    {
        var lead = pivot.Lead;
        basis[lead] = pivot;
        if (!protectedByIndex.Remove(lead, out var touched))
        {
            return;
        }

        foreach (var direction in touched)
        {
            Untrack(direction);
        }

        foreach (var direction in touched)
        {
            var reduced = direction.Subtract(direction[lead], pivot);
            if (!reduced.IsZero)
            {
                Track(reduced.Normalized()); // zero only when a known column exposes it: the audit reports that
            }
        }
    }

    private void Track(SparseVector direction)
    {
        if (!protectedDirections.Add(direction))
        {
            return;
        }

        foreach (var index in direction.Indices)
        {
            if (!protectedByIndex.TryGetValue(index, out var set))
            {
                protectedByIndex[index] = set = [];
            }

            set.Add(direction);
        }
    }

    private void Untrack(SparseVector direction)
    {
        protectedDirections.Remove(direction);
        foreach (var index in direction.Indices)
        {
            if (protectedByIndex.TryGetValue(index, out var set))
            {
                set.Remove(direction);
            }
        }
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
