using Microsoft.Extensions.Logging;
using VNCH.Network.Core.Features.Results;

namespace VNCH.Network.Embedded.Events;

/// <summary>Embedded mode has no subscribers: result events go to the log (Service Bus topic in Azure).</summary>
public sealed class LoggingEventPublisher(ILogger<LoggingEventPublisher> logger) : IEventPublisher
{
    public Task PublishAsync(StudyResultEvent resultEvent, CancellationToken cancellationToken)
    {
        logger.LogInformation("Study {Tenant}/{Study} is {Status}", resultEvent.Tenant, resultEvent.StudyId, resultEvent.Status);
        return Task.CompletedTask;
    }
}
