// Storage for uploads (inbox), originals kept byte-for-byte, the analyse work queue and the app's deployment package.
// Shared key access is disabled: every client (host, triggers, adapters, deployment) authenticates with Entra ID.
param location string
param tags object
param name string
@description('Refuse traffic from the internet except the hospitals\' networks and trusted Azure services (Event Grid delivery); the app reaches storage through private endpoints (network.bicep).')
param privateNetworking bool = false
@description('CIDR ranges (hospital egress) allowed to write their inbox when privateNetworking is on.')
param hospitalNetworks array = []
@description('Days an original can be neither overwritten nor deleted (version-level immutability, WORM).')
@minValue(1)
param originalsRetentionDays int = 3650

var inboxContainerName = 'inbox'
var originalsContainerName = 'originals'
var deploymentContainerName = 'app-package'
// The Functions host's own containers (leases, timer schedules, keys): created here so that the app's identity needs
// roles on these containers only, never the right to create containers in the account.
var hostContainerNames = [ 'azure-webjobs-hosts', 'azure-webjobs-secrets' ]
// Event Grid delivers the inbox's BlobCreated events here with its own identity (inboxevents.bicep); the ingest
// function reads it (InboxEventFunction.Queue).
var inboxEventsQueueName = 'inbox-events'
var hospitalIpRules = [for range in hospitalNetworks: { value: range, action: 'Allow' }]
// The Functions host moves a message to '<queue>-poison' after maxDequeueCount: the app's queue trigger binds to the
// analyse queue name through the Vnch__Azure__AnalyseQueue setting (main.bicep), the poison queue follows from it.
var analyseQueueName = 'analyse'
var queueNames = [ analyseQueueName, '${analyseQueueName}-poison', inboxEventsQueueName, '${inboxEventsQueueName}-poison' ]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Hospitals upload to the inbox from their own networks, so the account keeps a public endpoint; with private
    // networking its firewall admits only those networks and trusted Azure services (Event Grid's managed-identity
    // delivery), and the app's own traffic goes through the private endpoints.
    publicNetworkAccess: 'Enabled'
    networkAcls: privateNetworking
      ? {
          defaultAction: 'Deny'
          bypass: 'AzureServices'
          ipRules: hospitalIpRules
        }
      : { defaultAction: 'Allow', bypass: 'AzureServices' }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    // Originals are evidence: soft delete protects them from an accidental delete, versioning keeps every write, and
    // the originals container's immutability policy (below) forbids overwriting or deleting them at all.
    isVersioningEnabled: true
    deleteRetentionPolicy: { enabled: true, days: 30 }
    containerDeleteRetentionPolicy: { enabled: true, days: 30 }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in concat([ inboxContainerName, deploymentContainerName ], hostContainerNames): {
  parent: blobService
  name: container
  properties: { publicAccess: 'None' }
}]

// Write once, read many: the app creates an original (If-None-Match: *) and nobody, the app included, can overwrite
// or delete it during the retention period.
resource originals 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: originalsContainerName
  properties: {
    publicAccess: 'None'
    immutableStorageWithVersioning: { enabled: true }
  }
}

resource originalsImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = {
  parent: originals
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: originalsRetentionDays
    allowProtectedAppendWrites: false
  }
}

// The inbox is a drop zone: once ingested, every file is kept in originals, so inbox copies expire after a week.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-inbox'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: [ 'blockBlob' ], prefixMatch: [ '${inboxContainerName}/' ] }
            actions: {
              baseBlob: { delete: { daysAfterModificationGreaterThan: 7 } }
              version: { delete: { daysAfterCreationGreaterThan: 7 } }
            }
          }
        }
      ]
    }
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queue in queueNames: {
  parent: queueService
  name: queue
}]

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output inboxContainerName string = inboxContainerName
output originalsContainerName string = originalsContainerName
output deploymentContainerName string = deploymentContainerName
output analyseQueueName string = analyseQueueName
output inboxEventsQueueName string = inboxEventsQueueName
output hostContainerNames array = hostContainerNames
