using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Embedded.Audit;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Cli.Commands.Audit;

public sealed class VerifyAuditCommand : AsyncCommand<DataPathSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DataPathSettings settings, CancellationToken cancellationToken)
    {
        var broken = await new SqliteAuditSink(new SqliteDatabase(settings.Folder())).VerifyChainAsync(cancellationToken);
        if (broken is null)
        {
            AnsiConsole.MarkupLine("[green]Audit hash chain intact.[/]");
            return 0;
        }

        AnsiConsole.MarkupLineInterpolated($"[red]Audit hash chain broken at record {broken}.[/]");
        return 1;
    }
}
