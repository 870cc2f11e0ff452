namespace VNCH.Network.Core.Features.Reporting.Disclosure;

internal enum ColumnKind
{
    /// <summary>A cell of this snapshot.</summary>
    Current,

    /// <summary>A cell the previous snapshot published: the reader knows it.</summary>
    Previous,

    /// <summary>The part of a month-straddling week in one month: never published, derivable from weeks and months.</summary>
    WeekPart,

    /// <summary>A cell's change since the previous snapshot: derivable by subtracting two snapshots.</summary>
    Difference,
}

/// <summary>
/// The linear system of one snapshot: columns (cells, known or to protect) over inner cells (groups of
/// studies with identical memberships). Inner cells are numbered geography first, then the other dimensions, with
/// time least significant, so that a margin's leading index is its last leaf and the elimination stays sparse.
/// </summary>
internal sealed class CellSystem(int threshold, int maxEliminationMemoryMiB)
{
    private readonly Dictionary<(ColumnKind, ReportCell), int> ids = [];
    private readonly List<(ColumnKind Kind, ReportCell Cell)> columns = [];
    private readonly List<int> entityCounts = [];
    private readonly List<HashSet<string>?> children = [];
    private readonly Dictionary<(int Column, int Coefficient)[], int> innerBySignature = new(SignatureComparer.Instance);
    private readonly List<(int Column, int Coefficient)[]> inner = [];
    private readonly List<string> innerOrder = [];

    public int Column(ColumnKind kind, ReportCell cell, string? child = null)
    {
        if (!ids.TryGetValue((kind, cell), out var id))
        {
            id = columns.Count;
            ids[(kind, cell)] = id;
            columns.Add((kind, cell));
            entityCounts.Add(0);
            children.Add(kind is ColumnKind.Current or ColumnKind.WeekPart ? [] : null);
        }

        if (child is not null)
        {
            children[id]!.Add(child);
        }

        return id;
    }

    /// <summary>One study version and the columns it counts in; identical memberships share an inner cell, ordered by <paramref name="order"/>.</summary>
    public void AddEntity(List<(int Column, int Coefficient)> memberships, string order)
    {
        var merged = memberships.GroupBy(m => m.Column).Select(g => (Column: g.Key, Coefficient: g.Sum(m => m.Coefficient)))
            .Where(m => m.Coefficient != 0).OrderBy(m => m.Column).ToArray();
        foreach (var (column, _) in merged)
        {
            entityCounts[column]++;
        }

        if (innerBySignature.TryGetValue(merged, out var existing))
        {
            if (string.CompareOrdinal(order, innerOrder[existing]) < 0)
            {
                innerOrder[existing] = order;
            }

            return;
        }

        innerBySignature[merged] = inner.Count;
        inner.Add(merged);
        innerOrder.Add(order);
    }

    /// <summary>Decides every current cell: published, suppressed (primary) or withheld (secondary).</summary>
    public Dictionary<ReportCell, CellValue> Suppress()
    {
        var vectors = Vectors();
        EnsureItFits(vectors);
        var suppression = new GaussianSuppression(inner.Count);
        var known = new List<SparseVector>();
        var protectedColumns = new List<int>();
        var status = new Dictionary<ReportCell, CellValue>();
        var pending = new List<int>();
        for (var id = 0; id < columns.Count; id++)
        {
            var kind = columns[id].Kind;
            if (kind == ColumnKind.Previous)
            {
                suppression.AddKnown(vectors[id]);
                known.Add(vectors[id]);
            }
            else if ((kind is ColumnKind.Current or ColumnKind.WeekPart && Sensitive(id)) || (kind == ColumnKind.Difference && IsSmall(entityCounts[id])))
            {
                suppression.Protect(vectors[id]);
                protectedColumns.Add(id);
                if (kind == ColumnKind.Current)
                {
                    status[columns[id].Cell] = Value(id, CellStatus.Suppressed);
                }
            }
            else if (kind == ColumnKind.Current)
            {
                pending.Add(id);
            }
        }

        var candidates = pending
            .OrderByDescending(id => entityCounts[id])
            .ThenByDescending(id => columns[id].Cell.Totals)
            .ThenBy(id => columns[id].Cell.ToString(), StringComparer.Ordinal);
        foreach (var id in candidates)
        {
            var published = suppression.TryPublish(vectors[id]);
            if (published)
            {
                known.Add(vectors[id]);
            }
            else
            {
                protectedColumns.Add(id);
            }

            status[columns[id].Cell] = Value(id, published ? CellStatus.Published : CellStatus.SecondarySuppressed);
        }

        Audit(status, known, protectedColumns.Select(id => vectors[id]).ToList(), protectedColumns, suppression.Witnesses());
        return status;
    }

    /// <summary>The basis holds one dense row per pivot; pivots are bounded by the inner cells and by the cells that can become known.</summary>
    private void EnsureItFits(SparseVector[] vectors)
    {
        var knowable = Enumerable.Range(0, columns.Count).LongCount(id => columns[id].Kind is ColumnKind.Previous or ColumnKind.Current && !vectors[id].IsZero);
        var bytes = (double)inner.Count * Math.Min(inner.Count, knowable) * sizeof(int);
        if (bytes > maxEliminationMemoryMiB * 1024d * 1024d)
        {
            throw new SnapshotTooLargeException(
                $"The snapshot is not built: exact secondary suppression over {inner.Count:N0} inner cells would need about {bytes / (1L << 30):F1} GiB " +
                $"for its elimination, over the {maxEliminationMemoryMiB:N0} MiB allowed (Vnch:Reporting:MaxEliminationMemoryMiB). The newest published snapshot is unchanged.");
        }
    }

    private CellValue Value(int id, CellStatus status) => new(entityCounts[id], children[id]!.Count, status);

    private void Audit(Dictionary<ReportCell, CellValue> status, List<SparseVector> known, List<SparseVector> protectedVectors, List<int> protectedColumns, IReadOnlyList<long[]> certificates)
    {
        var small = status.Where(c => c.Value.IsPublished && (IsSmall(c.Value.Studies) || IsSmall(c.Value.Children))).Select(c => c.Key).ToList();
        var derivable = LinearDisclosureAuditor.Derivable(known, protectedVectors, certificates);
        if (small.Count > 0 || derivable.Count > 0)
        {
            throw new DisclosureAuditException(
                $"The snapshot is not published: {small.Count} cells below the threshold would be shown and {derivable.Count} protected cells " +
                $"are derivable (e.g. {string.Join("; ", derivable.Take(3).Select(i => $"{columns[protectedColumns[i]].Kind} {columns[protectedColumns[i]].Cell}"))}).");
        }
    }

    private bool Sensitive(int id) => IsSmall(entityCounts[id]) || IsSmall(children[id]!.Count);

    private bool IsSmall(int count) => count > 0 && count < threshold;

    private SparseVector[] Vectors()
    {
        var position = Enumerable.Range(0, inner.Count).OrderBy(i => innerOrder[i], StringComparer.Ordinal).ToArray();
        var entries = new List<KeyValuePair<int, long>>[columns.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = [];
        }

        for (var index = 0; index < position.Length; index++)
        {
            foreach (var (column, coefficient) in inner[position[index]])
            {
                entries[column].Add(new(index, coefficient));
            }
        }

        return entries.Select(SparseVector.From).ToArray();
    }

    private sealed class SignatureComparer : IEqualityComparer<(int Column, int Coefficient)[]>
    {
        public static readonly SignatureComparer Instance = new();

        public bool Equals((int Column, int Coefficient)[]? x, (int Column, int Coefficient)[]? y) =>
            x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode((int Column, int Coefficient)[] obj)
        {
            var hash = new HashCode();
            foreach (var (column, coefficient) in obj)
            {
                hash.Add(column);
                hash.Add(coefficient);
            }

            return hash.ToHashCode();
        }
    }
}

/// <summary>The snapshot is too large for the exact suppression within the configured memory: nothing is published.</summary>
public sealed class SnapshotTooLargeException(string message) : Exception(message);

/// <summary>The independent audit found a suppressed cell that could be computed: nothing is published.</summary>
public sealed class DisclosureAuditException(string message) : Exception(message);
