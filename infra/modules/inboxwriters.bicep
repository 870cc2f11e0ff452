// Each hospital's uploader (a user, group or service principal of the hospital) may read, write and delete blobs
// only under its own prefix of the inbox container, '{tenant}/': Storage Blob Data Contributor on the container with
// an ABAC condition on the blob path (ADR 0105). Writing into another hospital's folder, or listing the container,
// is denied by Azure Storage itself, before anything reaches the app.
param storageAccountName string
param inboxContainerName string
@description('Objects { tenantId: string, principalId: string, principalType: \'User\' | \'Group\' | \'ServicePrincipal\' }.')
param inboxWriters array

var blobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var blobActions = [
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'
  'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'
]
var notBlobAction = join(map(blobActions, action => '!(ActionMatches{\'${action}\'})'), ' AND ')

resource inbox 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  name: '${storageAccountName}/default/${inboxContainerName}'
}

resource writers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for writer in inboxWriters: {
  name: guid(inbox.id, writer.principalId, writer.tenantId, blobDataContributor)
  scope: inbox
  properties: {
    principalId: writer.principalId
    principalType: writer.principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    description: 'Inbox writer of hospital ${writer.tenantId}: its own prefix only'
    conditionVersion: '2.0'
    condition: '((${notBlobAction}) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith \'${writer.tenantId}/\'))'
  }
}]
