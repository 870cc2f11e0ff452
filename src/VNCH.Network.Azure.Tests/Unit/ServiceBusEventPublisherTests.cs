using System.Text.Json;
using Azure.Messaging.ServiceBus;
using VNCH.Network.Azure.ServiceBus;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Azure.Tests.Unit;

/// <summary>No Service Bus emulator is available here: the publisher sends through a recording sender instead.</summary>
public sealed class ServiceBusEventPublisherTests
{
    private static readonly StudyResultEvent Event = new(TenantId.Parse("vnch-children-2"), "5f0c6b7e-1111-5222-8333-444455556666",
        StudyStatus.Completed, StudyKind.Imaging, new DateTimeOffset(2026, 11, 25, 15, 30, 0, TimeSpan.FromHours(7)));

    [Fact]
    public async Task Sends_one_message_per_event_with_the_tenant_property_the_subscriptions_filter_on()
    {
        var sender = new RecordingSender();
        await new ServiceBusEventPublisher(sender).PublishAsync(Event, CancellationToken.None);

        var message = Assert.Single(sender.Sent);
        Assert.Equal("vnch-children-2", message.ApplicationProperties[ServiceBusEventPublisher.TenantProperty]);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal("study.completed", message.Subject);
    }

    [Fact]
    public void The_body_names_the_study_and_its_outcome_and_nothing_about_the_patient()
    {
        using var body = JsonDocument.Parse(ServiceBusEventPublisher.ToMessage(Event).Body.ToString());

        Assert.Equal(["tenantId", "studyId", "status", "kind", "at"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Event.StudyId, body.RootElement.GetProperty("studyId").GetString());
        Assert.Equal("Completed", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 30, 0, TimeSpan.Zero), body.RootElement.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public void Redelivered_events_get_the_same_message_id_so_duplicate_detection_drops_them()
    {
        Assert.Equal(ServiceBusEventPublisher.ToMessage(Event).MessageId, ServiceBusEventPublisher.ToMessage(Event).MessageId);
        Assert.NotEqual(ServiceBusEventPublisher.ToMessage(Event).MessageId, ServiceBusEventPublisher.ToMessage(Event with { Status = StudyStatus.Failed }).MessageId);
        Assert.NotEqual(ServiceBusEventPublisher.ToMessage(Event).MessageId, ServiceBusEventPublisher.ToMessage(Event with { At = Event.At.AddSeconds(1) }).MessageId);
        Assert.True(ServiceBusEventPublisher.ToMessage(Event).MessageId.Length <= 128);
    }

    private sealed class RecordingSender : ServiceBusSender
    {
        public List<ServiceBusMessage> Sent { get; } = [];

        public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
        {
            Sent.Add(message);
            return Task.CompletedTask;
        }
    }
}
