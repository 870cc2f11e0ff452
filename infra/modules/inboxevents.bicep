// Flex Consumption runs blob triggers from Event Grid (no container polling): a storage system topic delivers
// BlobCreated events for the inbox container to the blobs extension webhook of the ingest function.
param location string
param tags object
param storageAccountName string
param functionAppName string
param inboxContainerName string
@description('Name of the blob-triggered function (its [Function] name).')
param ingestFunctionName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

// The blobs_extension system key is created by the runtime when the app with the blob trigger first starts.
var blobsExtensionKey = listKeys('${functionApp.id}/host/default', '2024-04-01').systemKeys.blobs_extension

resource systemTopic 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' = {
  name: 'evgt-${storageAccountName}'
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource inboxSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2024-06-01-preview' = {
  parent: systemTopic
  name: 'inbox-to-ingest'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${ingestFunctionName}&code=${blobsExtensionKey}'
      }
    }
    filter: {
      includedEventTypes: [ 'Microsoft.Storage.BlobCreated' ]
      subjectBeginsWith: '/blobServices/default/containers/${inboxContainerName}/blobs/'
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 }
  }
}
