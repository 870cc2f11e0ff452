// VNCH.Network on Azure, provisioned by azd: one resource group with the Functions app and everything it talks to.
// No keys anywhere: the app's system-assigned identity gets data-plane roles on storage, Cosmos DB and Service Bus.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; used for the resource group and resource name suffix.')
param environmentName string

@minLength(1)
@description('Primary location for all resources.')
param location string

@description('Entra ID tenant that issues tokens to hospitals and the association (Microsoft.Identity.Web AzureAd:TenantId).')
param entraTenantId string = tenant().tenantId

@description('Application (client) ID of the VNCH.Network API app registration (AzureAd:ClientId). Its app roles are listed in docs/azure.md.')
param entraApiClientId string

@description('Accepted token audience; defaults to api://<client id>.')
param entraApiAudience string = ''

@description('Hospitals (tenants) that receive result events: one Service Bus subscription each, filtered on the tenantId application property.')
param resultTenants array = []

@description('Private endpoints for storage, Cosmos DB and Service Bus in a VNet the app joins; Cosmos DB refuses public traffic, storage and Service Bus admit only hospitalNetworks (ADR 0107).')
param privateNetworking bool = false

@description('CIDR ranges of the hospitals\' networks (inbox uploads, result subscriptions) when privateNetworking is on.')
param hospitalNetworks array = []

@description('Hospital uploaders of the inbox: { tenantId, principalId, principalType }; each may write only inbox/{tenantId}/ (ADR 0105).')
param inboxWriters array = []

@description('Days an original stays immutable (neither overwritten nor deleted, by anyone).')
param originalsRetentionDays int = 3650

@description('Maximum instances of the Flex Consumption app.')
param maximumInstanceCount int = 100

@description('Application (client) ID of the portal\'s app registration (single-page application, redirect URI = the portal\'s URL); docs/portal.md.')
param entraPortalClientId string

@description('Region of the portal\'s Static Web App (the service exists in a few regions only; its files are served from a global edge).')
@allowed(['eastasia', 'westeurope', 'centralus', 'eastus2', 'westus2'])
param portalLocation string = 'eastasia'

var abbreviations = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var apiAudience = empty(entraApiAudience) ? 'api://${entraApiClientId}' : entraApiAudience

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbreviations.resourceGroup}${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    logAnalyticsName: '${abbreviations.logAnalytics}${resourceToken}'
    applicationInsightsName: '${abbreviations.applicationInsights}${resourceToken}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: '${abbreviations.storageAccount}${resourceToken}'
    privateNetworking: privateNetworking
    hospitalNetworks: hospitalNetworks
    originalsRetentionDays: originalsRetentionDays
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: '${abbreviations.cosmosAccount}${resourceToken}'
    privateNetworking: privateNetworking
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: '${abbreviations.serviceBusNamespace}${resourceToken}'
    resultTenants: resultTenants
    privateNetworking: privateNetworking
    hospitalNetworks: hospitalNetworks
  }
}

module network 'modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: '${abbreviations.virtualNetwork}${resourceToken}'
    storageAccountId: storage.outputs.id
    cosmosAccountId: cosmos.outputs.id
    serviceBusNamespaceId: serviceBus.outputs.id
  }
}

// The clinicians' portal (static files; it calls the API below from the browser).
module portal 'modules/portal.bicep' = {
  name: 'portal'
  scope: resourceGroup
  params: {
    location: portalLocation
    tags: tags
    name: '${abbreviations.staticWebApp}${resourceToken}'
    serviceName: 'portal'
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    planName: '${abbreviations.functionPlan}${resourceToken}'
    appName: '${abbreviations.functionApp}${resourceToken}'
    serviceName: 'api'
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    maximumInstanceCount: maximumInstanceCount
    virtualNetworkSubnetId: privateNetworking ? network!.outputs.appSubnetId : ''
    // The portal's origin, and no other, may call the API from a browser.
    allowedOrigins: [portal.outputs.uri]
    appSettings: {
      // Identity-based host storage (no connection string): the runtime builds the endpoints from the account name.
      AzureWebJobsStorage__accountName: storage.outputs.name
      AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
      AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
      AzureWebJobsStorage__credential: 'managedidentity'
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
      // VNCH.Network.Azure options (section Vnch:Azure), endpoints only.
      Vnch__Azure__BlobServiceUri: storage.outputs.blobEndpoint
      Vnch__Azure__QueueServiceUri: storage.outputs.queueEndpoint
      // The queue trigger binds to %Vnch:Azure:AnalyseQueue%: the setting must exist for the host to index the function.
      Vnch__Azure__AnalyseQueue: storage.outputs.analyseQueueName
      Vnch__Azure__CosmosEndpoint: cosmos.outputs.endpoint
      Vnch__Azure__CosmosDatabase: cosmos.outputs.databaseName
      Vnch__Azure__ServiceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
      Vnch__Azure__ResultsTopic: serviceBus.outputs.topicName
      // Microsoft.Identity.Web (section AzureAd): Entra ID is the only token issuer this host accepts.
      AzureAd__Instance: environment().authentication.loginEndpoint
      AzureAd__TenantId: entraTenantId
      AzureAd__ClientId: entraApiClientId
      AzureAd__Audience: apiAudience
    }
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: resourceGroup
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.name
    cosmosDatabaseName: cosmos.outputs.databaseName
    serviceBusNamespaceName: serviceBus.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    inboxContainerName: storage.outputs.inboxContainerName
    originalsContainerName: storage.outputs.originalsContainerName
    deploymentContainerName: storage.outputs.deploymentContainerName
    hostContainerNames: storage.outputs.hostContainerNames
    queueNames: [
      storage.outputs.analyseQueueName
      '${storage.outputs.analyseQueueName}-poison'
      storage.outputs.inboxEventsQueueName
      '${storage.outputs.inboxEventsQueueName}-poison'
    ]
  }
}

// No function key is involved any more, so the subscription is created with everything else (no post-deploy step).
module inboxEvents 'modules/inboxevents.bicep' = {
  name: 'inboxevents'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    inboxContainerName: storage.outputs.inboxContainerName
    inboxEventsQueueName: storage.outputs.inboxEventsQueueName
  }
}

module inboxWriterRoles 'modules/inboxwriters.bicep' = {
  name: 'inboxwriters'
  scope: resourceGroup
  params: {
    storageAccountName: storage.outputs.name
    inboxContainerName: storage.outputs.inboxContainerName
    inboxWriters: inboxWriters
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_COSMOS_DATABASE string = cosmos.outputs.databaseName
output AZURE_SERVICEBUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_SERVICEBUS_TOPIC string = serviceBus.outputs.topicName
// What the portal's build (src/VNCH.Network.Portal/build.mjs, azd prepackage hook) writes into its config.json.
output SERVICE_PORTAL_NAME string = portal.outputs.name
output SERVICE_PORTAL_URI string = portal.outputs.uri
output AZURE_PORTAL_CLIENT_ID string = entraPortalClientId
output AZURE_PORTAL_AUTHORITY string = '${environment().authentication.loginEndpoint}${entraTenantId}'
output AZURE_PORTAL_API_SCOPES string = '${apiAudience}/.default'
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString
