// The clinicians' portal on Azure: a Static Web App holding the portal's static files, deployed by azd (azure.yaml
// service "portal", built by src/VNCH.Network.Portal/build.mjs). It has no back end of its own: the portal calls the
// Functions app's public API (CORS allows this origin there) and signs in with Entra ID. Its security headers are in
// the deployed staticwebapp.config.json (the same CSP as the embedded host, connect-src widened to the API and Entra).
param location string
param tags object
param name string
@description('azd service name (azure.yaml) that deploys into this app.')
param serviceName string

resource portal 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  sku: { name: 'Free', tier: 'Free' }
  properties: {
    // Files come from azd (already built); Azure builds nothing and links no repository.
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

output name string = portal.name
output uri string = 'https://${portal.properties.defaultHostname}'
