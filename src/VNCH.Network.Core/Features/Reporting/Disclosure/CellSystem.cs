using System.Text;

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

/// <summary>The linear system of one snapshot: columns (cells, known or to protect) over inner cells (groups of studies).</summary>
internal sealed class CellSystem(int threshold)
{
    private readonly Dictionary<(ColumnKind, ReportCell), int> ids = [];
    private readonly List<(ColumnKind Kind, ReportCell Cell)> columns = [];
    private readonly List<int> entityCounts = [];
    private readonly List<HashSet<string>?> children = [];
    private readonly Dictionary<string, int> innerBySignature = [];
    private readonly List<(int Column, int Coefficient)[]> inner = [];

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

    /// <summary>One study version and the columns it counts in; identical memberships share an inner cell.</summary>
    public void AddEntity(List<(int Column, int Coefficient)> memberships)
    {
        var merged = memberships.GroupBy(m => m.Column).Select(g => (Column: g.Key, Coefficient: g.Sum(m => m.Coefficient)))
            .Where(m => m.Coefficient != 0).OrderBy(m => m.Column).ToArray();
        foreach (var (column, _) in merged)
        {
            entityCounts[column]++;
        }

        var signature = new StringBuilder(merged.Length * 8);
        foreach (var (column, coefficient) in merged)
        {
            signature.Append(column).Append(coefficient > 0 ? '+' : '-').Append(Math.Abs(coefficient)).Append(',');
        }

        if (!innerBySignature.ContainsKey(signature.ToString()))
        {
            innerBySignature[signature.ToString()] = inner.Count;
            inner.Add(merged);
        }
    }

    public Dictionary<ReportCell, CellValue> Suppress()
    {
        var vectors = Vectors();
        var suppression = new GaussianSuppression();
        var known = new List<SparseVector>();
        var protectedColumns = new List<int>();
        var primary = new HashSet<int>();
        for (var id = 0; id < columns.Count; id++)
        {
            switch (columns[id].Kind)
            {
                case ColumnKind.Previous:
                    suppression.AddKnown(vectors[id]);
                    known.Add(vectors[id]);
                    break;
                case ColumnKind.Current or ColumnKind.WeekPart when Sensitive(id):
                case ColumnKind.Difference when IsSmall(entityCounts[id]):
                    suppression.Protect(vectors[id]); // already derivable is caught by the audit below
                    protectedColumns.Add(id);
                    if (columns[id].Kind == ColumnKind.Current)
                    {
                        primary.Add(id);
                    }

                    break;
            }
        }

        var status = new Dictionary<ReportCell, CellValue>();
        var candidates = Enumerable.Range(0, columns.Count)
            .Where(id => columns[id].Kind == ColumnKind.Current && !primary.Contains(id))
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

            status[columns[id].Cell] = new CellValue(entityCounts[id], children[id]!.Count, published ? CellStatus.Published : CellStatus.SecondarySuppressed);
        }

        foreach (var id in primary)
        {
            status[columns[id].Cell] = new CellValue(entityCounts[id], children[id]!.Count, CellStatus.Suppressed);
        }

        Audit(status, known, protectedColumns.Select(id => vectors[id]).ToList(), protectedColumns);
        return status;
    }

    private void Audit(Dictionary<ReportCell, CellValue> status, List<SparseVector> known, List<SparseVector> protectedVectors, List<int> protectedColumns)
    {
        var small = status.Where(c => c.Value.IsPublished && (IsSmall(c.Value.Studies) || IsSmall(c.Value.Children))).Select(c => c.Key).ToList();
        var derivable = LinearDisclosureAuditor.Derivable(known, protectedVectors);
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
        var entries = new List<KeyValuePair<int, long>>[columns.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = [];
        }

        for (var cell = 0; cell < inner.Count; cell++)
        {
            foreach (var (column, coefficient) in inner[cell])
            {
                entries[column].Add(new(cell, coefficient));
            }
        }

        return entries.Select(SparseVector.From).ToArray();
    }
}

/// <summary>The independent audit found a suppressed cell that could be computed: nothing is published.</summary>
public sealed class DisclosureAuditException(string message) : Exception(message);
