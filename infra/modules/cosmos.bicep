// Cosmos DB (NoSQL, serverless) for studies, FHIR records, audit, the tenant directory and the de-identified reporting
// projection. Keys are disabled: the app uses its identity through a Cosmos SQL role assignment.
param location string
param tags object
param name string
param databaseName string = 'vnch'
@description('Only the app uses Cosmos DB: with private networking it is reachable through its private endpoint only.')
param privateNetworking bool = false

// Hierarchical keys keep each hospital's data under one prefix (tenant-scoped queries stay in-prefix) while no logical
// partition grows without bound: the patient bucket for studies, the study for its instances and FHIR records, the UTC
// day for audit.
// Same definitions as src/VNCH.Network.Azure/Cosmos/CosmosContainers.cs (a test compares them).
var containers = [
  {
    name: 'studies'
    paths: [ '/tenantId', '/subjectKey' ]
    // Listing order: newest first, id as tie-breaker (keyset paging); filtered listings lead with the filter's field.
    compositeIndexes: [
      [ { path: '/updatedAt', order: 'descending' }, { path: '/id', order: 'descending' } ]
      [ { path: '/status', order: 'descending' }, { path: '/updatedAt', order: 'descending' }, { path: '/id', order: 'descending' } ]
      [ { path: '/kind', order: 'descending' }, { path: '/updatedAt', order: 'descending' }, { path: '/id', order: 'descending' } ]
      [ { path: '/modality', order: 'descending' }, { path: '/updatedAt', order: 'descending' }, { path: '/id', order: 'descending' } ]
    ]
    excludedPaths: [ { path: '/study/*' } ]
  }
  // A study's instance records: one partition per study (ADR 0110).
  { name: 'instances', paths: [ '/tenantId', '/studyId' ], compositeIndexes: [], excludedPaths: [ { path: '/instance/*' } ] }
  { name: 'records', paths: [ '/tenantId', '/studyId' ], compositeIndexes: [], excludedPaths: [ { path: '/json/?' } ] }
  { name: 'audit', paths: [ '/tenantId', '/day' ], compositeIndexes: [], excludedPaths: [ { path: '/record/*' } ] }
  { name: 'tenants', paths: [ '/directory' ], compositeIndexes: [], excludedPaths: [] }
  // DICOMweb index: a study's study, series and instance items share one partition; the orders of the QIDO searches.
  {
    name: 'dicom'
    paths: [ '/tenantId', '/studyUid' ]
    compositeIndexes: [
      [ { path: '/studySortKey', order: 'descending' }, { path: '/seriesNumber', order: 'ascending' }, { path: '/sortKey', order: 'ascending' } ]
      [ { path: '/studySortKey', order: 'descending' }, { path: '/seriesNumber', order: 'ascending' }, { path: '/seriesSortKey', order: 'ascending' }, { path: '/sortKey', order: 'ascending' } ]
      [ { path: '/seriesNumber', order: 'ascending' }, { path: '/seriesSortKey', order: 'ascending' }, { path: '/sortKey', order: 'ascending' } ]
    ]
    excludedPaths: [ { path: '/attributes/?' }, { path: '/instanceUids/*' }, { path: '/seriesUids/*' } ]
  }
  // De-identified reporting cube (ADR 0085): study contributions over 16 fixed fact buckets (a national read is 16
  // single-partition queries), the pseudonym key and the snapshots (gzip chunks under the 2 MB item limit) in buckets
  // of their own. Queries filter on bucket, id, chunks and sequence only: the bodies are not indexed.
  { name: 'reporting', paths: [ '/bucket' ], compositeIndexes: [], excludedPaths: [ { path: '/fact/*' }, { path: '/header/*' }, { path: '/data/?' }, { path: '/value/?' } ] }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    locations: [ { locationName: location, failoverPriority: 0, isZoneRedundant: false } ]
    capabilities: [ { name: 'EnableServerless' } ]
    disableLocalAuth: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAclBypass: 'None'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [for container in containers: {
  parent: database
  name: container.name
  properties: {
    resource: {
      id: container.name
      partitionKey: length(container.paths) > 1
        ? { paths: container.paths, kind: 'MultiHash', version: 2 }
        : { paths: container.paths, kind: 'Hash', version: 2 }
      indexingPolicy: {
        indexingMode: 'consistent'
        includedPaths: [ { path: '/*' } ]
        // Bodies are read whole, never filtered on: not indexing them keeps writes cheap.
        excludedPaths: union([ { path: '/"_etag"/?' } ], container.excludedPaths)
        compositeIndexes: container.compositeIndexes
      }
    }
  }
}]

output id string = account.id
output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
