// Cosmos DB (NoSQL, serverless) for studies, FHIR records, audit, the tenant directory and the de-identified reporting
// projection. Keys are disabled: the app uses its identity through a Cosmos SQL role assignment.
param location string
param tags object
param name string
param databaseName string = 'vnch'

// Hierarchical keys keep each hospital's data under one prefix (tenant-scoped queries stay in-prefix) while no logical
// partition grows without bound: a subject (patient) is the second level, a UTC day for audit.
var containers = [
  { name: 'studies', paths: [ '/tenantId', '/subjectKey' ] }
  { name: 'records', paths: [ '/tenantId', '/subjectKey' ] }
  { name: 'audit', paths: [ '/tenantId', '/day' ] }
  { name: 'tenants', paths: [ '/id' ] }
  // No identifiers in here: age band, modality, finding, period. Partitioned by period so rollups stay small.
  { name: 'reporting', paths: [ '/period' ] }
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
    publicNetworkAccess: 'Enabled'
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
        excludedPaths: [ { path: '/"_etag"/?' }, { path: '/resource/*' } ]
      }
    }
  }
}]

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
