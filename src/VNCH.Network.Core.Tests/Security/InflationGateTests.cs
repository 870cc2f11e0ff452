using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Budgets;
using VNCH.Network.Core.Features.Ingestion.Parsers;

namespace VNCH.Network.Core.Tests.Security;

/// <summary>Issue 13 item 6: at most MaxConcurrentInflations deflated data sets inflate at once; the others wait their turn.</summary>
public sealed class InflationGateTests
{
    [Fact]
    public async Task Concurrent_deflated_uploads_inflate_at_most_the_configured_number_at_once()
    {
        var budget = new InputBudget(Options.Create(new InputBudgetOptions { MaxConcurrentInflations = 2 }));
        var parser = new DicomDocumentParser(budget);
        var bomb = DeflatedDicomTests.Bomb(8);

        var reads = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                await parser.ParseAsync(new MemoryStream(bomb), CancellationToken.None);
                return "parsed";
            }
            catch (InputBudgetExceededException ex)
            {
                return ex.ReasonCode;
            }
        })).ToList();
        var answers = await Task.WhenAll(reads);

        Assert.All(answers, a => Assert.Equal("inflation-too-large", a));
        Assert.InRange(budget.InflationGate.MostActive, 1, 2);
        Assert.Equal(0, budget.InflationGate.Active);
        Assert.Equal(0, budget.InflationGate.Waiting);
    }
}
