// Data-plane roles for the Functions app's managed identity: the only way it reaches storage, Cosmos DB, Service Bus
// and Application Insights (all of which have key access disabled). Least privilege (issue 13 item 10, ADR 0107):
// every storage role is scoped to the one container or queue it is for, never the account; Cosmos roles are scoped
// to containers, and the audit container gets a custom role that can create and read items but never replace,
// upsert or delete them, so the app can append to the audit trail and cannot rewrite it.
param principalId string
param storageAccountName string
param cosmosAccountName string
param cosmosDatabaseName string
param serviceBusNamespaceName string
param applicationInsightsName string
param inboxContainerName string
param originalsContainerName string
param deploymentContainerName string
param hostContainerNames array
param queueNames array

// Built-in role definition ids (stable across clouds).
var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // the host's own containers (leases, keys)
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // originals (immutable), deployment package
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' // inbox: read what hospitals dropped
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // analyse and inbox-events queues (+ poison)
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Entra-authenticated telemetry ingestion
}
// Cosmos DB built-in data roles (Cosmos SQL roles, not Azure RBAC roles).
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'
var cosmosDataReaderRoleId = '00000000-0000-0000-0000-000000000001'
var cosmosContributorContainers = [ 'studies', 'records', 'reporting' ]

var blobRoles = concat(
  [ { container: originalsContainerName, role: roleIds.storageBlobDataContributor } ],
  [ { container: deploymentContainerName, role: roleIds.storageBlobDataContributor } ],
  [ { container: inboxContainerName, role: roleIds.storageBlobDataReader } ],
  map(hostContainerNames, name => { container: name, role: roleIds.storageBlobDataOwner }))

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [for grant in blobRoles: {
  name: '${storageAccountName}/default/${grant.container}'
}]

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = [for queue in queueNames: {
  name: '${storageAccountName}/default/${queue}'
}]

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
  name: serviceBusNamespaceName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource blobRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (grant, i) in blobRoles: {
  name: guid(blobContainers[i].id, principalId, grant.role)
  scope: blobContainers[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.role)
  }
}]

resource queueRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (queue, i) in queueNames: {
  name: guid(queues[i].id, principalId, roleIds.storageQueueDataContributor)
  scope: queues[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageQueueDataContributor)
  }
}]

resource serviceBusSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(serviceBus.id, principalId, roleIds.serviceBusDataSender)
  scope: serviceBus
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataSender)
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, roleIds.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
  }
}

resource cosmosContributors 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = [for container in cosmosContributorContainers: {
  parent: cosmos
  name: guid(cosmos.id, principalId, cosmosDataContributorRoleId, container)
  properties: {
    principalId: principalId
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    scope: '${cosmos.id}/dbs/${cosmosDatabaseName}/colls/${container}'
  }
}]

// Hospitals are registered by operators (docs/azure.md): the app only reads the directory.
resource cosmosTenantsReader 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmos.id, principalId, cosmosDataReaderRoleId, 'tenants')
  properties: {
    principalId: principalId
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataReaderRoleId}'
    scope: '${cosmos.id}/dbs/${cosmosDatabaseName}/colls/tenants'
  }
}

// Append-only audit trail: create and read, never replace, upsert or delete (CosmosAuditSink only creates).
resource auditAppender 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-11-15' = {
  parent: cosmos
  name: guid(cosmos.id, 'vnch-audit-appender')
  properties: {
    roleName: 'VNCH audit appender'
    type: 'CustomRole'
    assignableScopes: [ '${cosmos.id}/dbs/${cosmosDatabaseName}/colls/audit' ]
    permissions: [
      {
        dataActions: [
          'Microsoft.DocumentDB/databaseAccounts/readMetadata'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/create'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/readChangeFeed'
        ]
      }
    ]
  }
}

resource auditAppenderAssignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmos.id, principalId, 'vnch-audit-appender')
  properties: {
    principalId: principalId
    roleDefinitionId: auditAppender.id
    scope: '${cosmos.id}/dbs/${cosmosDatabaseName}/colls/audit'
  }
}
