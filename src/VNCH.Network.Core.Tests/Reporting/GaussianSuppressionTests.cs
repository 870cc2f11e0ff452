using VNCH.Network.Core.Features.Reporting.Disclosure;

namespace VNCH.Network.Core.Tests.Reporting;

/// <summary>The suppressor and the auditor on a table small enough to reason about by hand.</summary>
public sealed class GaussianSuppressionTests
{
    // A 2x2 table a b / c d over four inner cells, with its row, column and grand totals.
    private static readonly SparseVector A = V(0), B = V(1), C = V(2), D = V(3);
    private static readonly SparseVector Row1 = V(0, 1), Row2 = V(2, 3), Col1 = V(0, 2), Col2 = V(1, 3), Total = V(0, 1, 2, 3);

    private static SparseVector V(params int[] cells) => SparseVector.From(cells.Select(c => new KeyValuePair<int, long>(c, 1)));

    [Fact]
    public void One_small_interior_cell_costs_the_other_three_interior_cells_and_keeps_every_margin()
    {
        var suppression = new GaussianSuppression();
        Assert.True(suppression.Protect(A));

        var published = new[] { (1, Total), (2, Row1), (3, Row2), (4, Col1), (5, Col2), (6, B), (7, C), (8, D) }
            .Where(c => suppression.TryPublish(c.Item2)).Select(c => c.Item1).ToList();

        Assert.Equal([1, 2, 3, 4, 5], published);
        Assert.Empty(LinearDisclosureAuditor.Derivable([Total, Row1, Row2, Col1, Col2], [A, B, C, D]));
    }

    [Fact]
    public void The_auditor_finds_a_cell_recoverable_as_a_total_minus_its_published_parts()
    {
        Assert.Equal([0], LinearDisclosureAuditor.Derivable([Row1, B], [A]));
        Assert.Equal([0], LinearDisclosureAuditor.Derivable([Total, Row2, Col2, C], [A]).Take(1)); // a = total - row2 - b, b = col2 - d, d = row2 - c
        Assert.Empty(LinearDisclosureAuditor.Derivable([Total, Row1, Col1], [A]));
    }

    [Fact]
    public void Known_cells_from_an_earlier_release_count_against_the_candidates()
    {
        var suppression = new GaussianSuppression();
        suppression.AddKnown(Row1);
        Assert.True(suppression.Protect(A));
        Assert.False(suppression.TryPublish(B)); // a = row1 - b
        Assert.False(new GaussianSuppression().Protect(SparseVector.From([])));
    }

    [Fact]
    public void Field_arithmetic_is_exact_for_negative_coefficients_and_inverses()
    {
        var difference = SparseVector.From([new(0, 1), new(1, -1)]);
        Assert.Equal(SparseVector.Prime - 1, difference[1]);
        Assert.Equal(1, 12345 * SparseVector.Inverse(12345) % SparseVector.Prime);
        Assert.True(difference.Subtract(1, A).Subtract(-1, B).IsZero);
    }

    [Fact]
    public void On_random_systems_the_auditor_agrees_with_a_naive_rank_test_and_the_suppressor_leaves_nothing_derivable()
    {
        var random = new Random(83);
        for (var trial = 0; trial < 200; trial++)
        {
            var size = random.Next(3, 12);
            var vectors = Enumerable.Range(0, random.Next(4, 18))
                .Select(_ => V(Enumerable.Range(0, size).Where(_ => random.Next(3) == 0).ToArray())).Where(v => !v.IsZero).ToList();
            var suppression = new GaussianSuppression();
            var hidden = vectors.Take(2).Where(suppression.Protect).ToList();
            var published = new List<SparseVector>();
            foreach (var candidate in vectors.Skip(2))
            {
                (suppression.TryPublish(candidate) ? published : hidden).Add(candidate);
            }

            var certificate = suppression.Witnesses();
            Assert.Empty(LinearDisclosureAuditor.Derivable(published, hidden));
            Assert.Empty(LinearDisclosureAuditor.Derivable(published, hidden, certificate));
            Assert.All(certificate, y => Assert.All(published, c => Assert.Equal(0, Dot(c, y))));
            foreach (var vector in vectors)
            {
                var derivable = NaiveRank([.. published, vector]) == NaiveRank(published);
                Assert.Equal(derivable, LinearDisclosureAuditor.Derivable(published, [vector]).Count == 1);
                Assert.Equal(derivable, LinearDisclosureAuditor.Derivable(published, [vector], certificate).Count == 1);
            }
        }
    }

    [Fact]
    public void The_suppressors_witnesses_prove_every_protected_cell_without_an_elimination()
    {
        var suppression = new GaussianSuppression();
        suppression.Protect(A);
        var published = new[] { Total, Row1, Row2, Col1, Col2, B, C, D }.Where(suppression.TryPublish).ToList();
        var certificate = suppression.Witnesses();

        Assert.Equal(2, certificate.Count);
        Assert.All(certificate, y => Assert.All(published, c => Assert.Equal(0, Dot(c, y))));
        Assert.All(new[] { A, B, C, D }, cell => Assert.Contains(certificate, y => Dot(cell, y) != 0));
        Assert.Empty(LinearDisclosureAuditor.Derivable(published, [A, B, C, D], certificate));
    }

    [Fact]
    public void A_certificate_is_trusted_only_after_it_vanishes_on_every_published_cell()
    {
        // a = row1 - b is derivable. A forged "witness" that separates a but changes row1, one too short to cover
        // the published cells, and a witness of row1 alone (it changes b) must all leave it reported: no vector that
        // is zero on row1 and on b can separate a.
        long[] forged = [1, 0, 0, 0], tooShort = [0], genuine = [5, SparseVector.Prime - 5, 7, 9];
        Assert.Equal(0, Dot(Row1, genuine));
        Assert.NotEqual(0, Dot(Row1, forged));

        Assert.Equal([0], LinearDisclosureAuditor.Derivable([Row1, B], [A], [forged, tooShort, genuine]));
        Assert.Empty(LinearDisclosureAuditor.Derivable([Row1], [A], [genuine])); // with only row1 published, the witness proves a safe
    }

    private static long Dot(SparseVector vector, long[] y) =>
        vector.Indices.Select((index, i) => SparseVector.MulMod(vector.Values[i], y[index])).Aggregate(0L, SparseVector.AddMod);

    /// <summary>Rank by floating-point elimination with partial pivoting: written apart from both, exact enough for small 0/1 systems.</summary>
    private static int NaiveRank(IReadOnlyList<SparseVector> vectors)
    {
        var width = vectors.Select(v => v.Lead + 1).DefaultIfEmpty(0).Max();
        var rows = vectors.Select(v => Enumerable.Range(0, width).Select(i => (double)v[i]).ToArray()).ToList();
        var rank = 0;
        for (var column = 0; column < width && rank < rows.Count; column++)
        {
            var best = Enumerable.Range(rank, rows.Count - rank).MaxBy(r => Math.Abs(rows[r][column]));
            if (Math.Abs(rows[best][column]) < 1e-9)
            {
                continue;
            }

            (rows[rank], rows[best]) = (rows[best], rows[rank]);
            for (var r = 0; r < rows.Count; r++)
            {
                if (r != rank)
                {
                    var factor = rows[r][column] / rows[rank][column];
                    for (var c = 0; c < width; c++)
                    {
                        rows[r][c] -= factor * rows[rank][c];
                    }
                }
            }

            rank++;
        }

        return rank;
    }
}
