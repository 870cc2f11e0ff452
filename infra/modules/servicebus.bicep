// Service Bus topic for result events. Each hospital reads only its own subscription, whose SQL filter matches the
// tenantId application property that the publisher sets on every message.
param location string
param tags object
param name string
param topicName string = 'study-results'

@description('Objects { tenantId: string, subscriptionName: string }.')
param resultTenants array

@description('With private networking the app publishes through a private endpoint (Premium tier needed) and only the hospitals\' networks reach their subscriptions.')
param privateNetworking bool = false

@description('CIDR ranges (hospital networks) that may read result events when privateNetworking is on.')
param hospitalNetworks array = []

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: privateNetworking ? { name: 'Premium', tier: 'Premium', capacity: 1 } : { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

// Hospitals read their subscriptions from their own networks: with private networking only those ranges pass.
resource networkRules 'Microsoft.ServiceBus/namespaces/networkRuleSets@2022-10-01-preview' = if (privateNetworking) {
  parent: namespace
  name: 'default'
  properties: {
    defaultAction: 'Deny'
    publicNetworkAccess: 'Enabled'
    trustedServiceAccessEnabled: false
    ipRules: [for range in hospitalNetworks: { ipMask: range, action: 'Allow' }]
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview' = {
  parent: namespace
  name: topicName
  properties: {
    defaultMessageTimeToLive: 'P14D'
    requiresDuplicateDetection: true
    // Redelivered result events carry the same MessageId (study id + result version): the broker drops duplicates.
    duplicateDetectionHistoryTimeWindow: 'PT1H'
  }
}

resource subscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2022-10-01-preview' = [for tenant in resultTenants: {
  parent: topic
  name: tenant.subscriptionName
  properties: {
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
  }
}]

// A subscription created through ARM gets a catch-all '$Default' rule; replacing it with the tenant filter keeps other
// hospitals' events out.
resource tenantFilters 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2022-10-01-preview' = [for (tenant, i) in resultTenants: {
  parent: subscriptions[i]
  name: '$Default'
  properties: {
    filterType: 'SqlFilter'
    sqlFilter: { sqlExpression: 'tenantId = \'${replace(tenant.tenantId, '\'', '\'\'')}\'' }
  }
}]

output id string = namespace.id
output name string = namespace.name
// serviceBusEndpoint is https://<name>.servicebus.windows.net:443/; clients want the bare host name.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output topicName string = topic.name
