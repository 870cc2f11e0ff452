using System.Text.Json;

namespace VNCH.Network.Core.Features.Ingestion.Budgets;

/// <summary>
/// The JSON budget, checked before any JSON library sees the document: at most
/// <see cref="InputBudgetOptions.MaxJsonBytes"/> read (refused while streaming), then one forward pass with
/// <see cref="Utf8JsonReader"/> (no recursion) that refuses nesting deeper than
/// <see cref="InputBudgetOptions.MaxJsonDepth"/>, so a recursive deserializer never meets a hostile depth.
/// </summary>
public static class JsonBudget
{
    /// <summary>The whole document within the budget; syntax errors are left for the reader to report.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(Stream content, InputBudgetOptions limits, CancellationToken cancellationToken)
    {
        var bounded = new BoundedReadStream(content, limits.MaxJsonBytes, BudgetReasons.DocumentTooLarge, "The JSON document");
        using var buffer = new MemoryStream();
        await bounded.CopyToAsync(buffer, cancellationToken);
        var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        CheckDepth(json.Span, limits.MaxJsonDepth);
        return json;
    }

    private static void CheckDepth(ReadOnlySpan<byte> json, int maxDepth)
    {
        // The reader's own limit sits above ours so that ours is the one that speaks.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 2, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth >= maxDepth)
                {
                    throw new InputBudgetExceededException(BudgetReasons.TooDeep, isTooLarge: false,
                        $"The JSON document nests deeper than {maxDepth} levels.");
                }
            }
        }
        catch (JsonException)
        {
            // Not well-formed: the document's reader reports it with its own words.
        }
    }
}
