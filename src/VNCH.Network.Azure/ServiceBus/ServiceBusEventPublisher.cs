using System.Globalization;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Results;

namespace VNCH.Network.Azure.ServiceBus;

/// <summary>
/// Result events to the <c>study-results</c> topic. The <c>tenantId</c> application property is what each
/// hospital's subscription filters on (infra/modules/servicebus.bicep); the message id is deterministic, so the
/// topic's duplicate detection drops a redelivered event. The body carries no patient data.
/// </summary>
public sealed class ServiceBusEventPublisher(ServiceBusSender sender) : IEventPublisher
{
    public const string TenantProperty = "tenantId";

    public Task PublishAsync(StudyResultEvent resultEvent, CancellationToken cancellationToken) =>
        sender.SendMessageAsync(ToMessage(resultEvent), cancellationToken);

    public static ServiceBusMessage ToMessage(StudyResultEvent resultEvent)
    {
        var body = new
        {
            tenantId = resultEvent.Tenant.Value,
            studyId = resultEvent.StudyId,
            status = resultEvent.Status.ToString(),
            kind = resultEvent.Kind.ToString(),
            at = resultEvent.At.ToUniversalTime(),
        };
        var message = new ServiceBusMessage(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(body)))
        {
            MessageId = $"{resultEvent.StudyId}:{resultEvent.Status}:{resultEvent.At.UtcTicks.ToString(CultureInfo.InvariantCulture)}",
            ContentType = MediaTypes.Json,
            Subject = $"study.{resultEvent.Status.ToString().ToLowerInvariant()}",
        };
        message.ApplicationProperties[TenantProperty] = resultEvent.Tenant.Value;
        message.ApplicationProperties["studyId"] = resultEvent.StudyId;
        message.ApplicationProperties["status"] = resultEvent.Status.ToString();
        return message;
    }
}
