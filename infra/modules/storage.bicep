// Storage for uploads (inbox), originals kept byte-for-byte, the analyse work queue and the app's deployment package.
// Shared key access is disabled: every client (host, triggers, adapters, deployment) authenticates with Entra ID.
param location string
param tags object
param name string

var inboxContainerName = 'inbox'
var originalsContainerName = 'originals'
var deploymentContainerName = 'app-package'
// The Functions host moves a message to '<queue>-poison' after maxDequeueCount: the app's queue trigger binds to the
// analyse queue name through the Vnch__Azure__AnalyseQueue setting (main.bicep), the poison queue follows from it.
var analyseQueueName = 'analyse'
var queueNames = [ analyseQueueName, '${analyseQueueName}-poison' ]

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
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    // Originals are evidence: soft delete protects them from an accidental delete.
    deleteRetentionPolicy: { enabled: true, days: 30 }
    containerDeleteRetentionPolicy: { enabled: true, days: 30 }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in [ inboxContainerName, originalsContainerName, deploymentContainerName ]: {
  parent: blobService
  name: container
  properties: { publicAccess: 'None' }
}]

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
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 7 } } }
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

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output inboxContainerName string = inboxContainerName
output originalsContainerName string = originalsContainerName
output deploymentContainerName string = deploymentContainerName
output analyseQueueName string = analyseQueueName
