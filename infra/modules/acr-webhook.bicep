// A webhook on an existing Azure Container Registry: every push is posted to the bridge's ACR
// endpoint, which turns it into a pull request.

@description('Name of the existing registry, in this resource group.')
param registryName string

@description('Webhook name: 5-50 letters and digits.')
param name string

@description('Azure region of the registry.')
param location string

@description('The bridge endpoint that receives the pushes. ACR treats it as a secret, since a URI may carry credentials.')
@secure()
param serviceUri string

@description('Value of the Authorization header ACR sends, such as "Bearer <token>"; the bridge checks it.')
@secure()
param authorization string

@description('Repositories to watch ("repo:*"); empty for all.')
param scope string

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource webhook 'Microsoft.ContainerRegistry/registries/webhooks@2023-07-01' = {
  parent: registry
  name: name
  location: location
  properties: {
    serviceUri: serviceUri
    customHeaders: {
      Authorization: authorization
    }
    actions: [
      'push'
    ]
    scope: scope
    status: 'enabled'
  }
}

@description('Resource id of the webhook.')
output id string = webhook.id
