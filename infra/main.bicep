// GitOps Bridge on Azure Container Apps.
//
// The app runs as a user-assigned managed identity. The GitHub App's private key and webhook
// secret (and, with PostgreSQL, the connection string) live in a Key Vault in RBAC mode; the
// identity may read them (Key Vault Secrets User) and Container Apps resolves them as Key Vault
// references, so no secret value is part of the app's definition. Logs go to Log Analytics.
// Optionally: an Azure Database for PostgreSQL flexible server for several replicas, and a
// webhook on an existing Azure Container Registry that posts every push to the bridge.
targetScope = 'resourceGroup'

@description('Prefix of every resource name.')
@minLength(3)
@maxLength(20)
param namePrefix string = 'gitops-bridge'

@description('Azure region.')
param location string = resourceGroup().location

@description('The bridge image, with its tag.')
param image string = 'ghcr.io/gitops-bridge/gitops-bridge:0.1.0'

@description('The GitHub App id (GitHub:AppId). Not a secret.')
param githubAppId string

@description('The GitHub App private key, PEM. Stored in Key Vault only.')
@secure()
param githubPrivateKey string

@description('The GitHub App webhook secret. Stored in Key Vault only.')
@secure()
param githubWebhookSecret string

@description('Deploy an Azure Database for PostgreSQL flexible server and run several replicas on it; otherwise one replica with SQLite on ephemeral storage.')
param deployPostgres bool = false

@description('PostgreSQL administrator password; required when deployPostgres is true.')
@secure()
param postgresAdministratorPassword string = ''

@description('PostgreSQL compute size.')
param postgresSkuName string = 'Standard_B1ms'

@description('PostgreSQL compute tier of postgresSkuName.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'Burstable'

@description('Zone-redundant PostgreSQL high availability.')
param postgresHighAvailability bool = false

@description('Replicas when deployPostgres is true (SQLite always runs one).')
@minValue(2)
@maxValue(10)
param replicas int = 3

@description('An existing Azure Container Registry in this resource group whose pushes the bridge should hear; empty for none.')
param acrName string = ''

@description('Authorization header value ACR sends to the bridge, such as "Bearer <token>"; required with acrName.')
@secure()
param acrWebhookAuthorization string = ''

@description('OTLP endpoint for traces, metrics and logs (OTEL_EXPORTER_OTLP_ENDPOINT); empty for none.')
param otlpEndpoint string = ''

@description('Turn Key Vault purge protection on (it cannot be turned off again).')
param keyVaultPurgeProtection bool = false

var suffix = uniqueString(resourceGroup().id, namePrefix)
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
var privateKeyMountPath = '/var/run/secrets/gitops-bridge/github'
var postgresLogin = 'gitopsbridge'
var postgresDatabase = 'gitopsbridge'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-id'
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${suffix}'
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: keyVaultPurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource privateKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'github-private-key'
  properties: {
    value: githubPrivateKey
    contentType: 'application/x-pem-file'
  }
}

resource webhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'github-webhook-secret'
  properties: {
    value: githubWebhookSecret
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

module postgres 'modules/postgres.bicep' = if (deployPostgres) {
  name: '${namePrefix}-postgres'
  params: {
    name: '${namePrefix}-pg-${suffix}'
    location: location
    administratorLogin: postgresLogin
    administratorPassword: postgresAdministratorPassword
    databaseName: postgresDatabase
    highAvailability: postgresHighAvailability
    skuName: postgresSkuName
    skuTier: postgresSkuTier
  }
}

resource connectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (deployPostgres) {
  parent: vault
  name: 'storage-connection-string'
  properties: {
    value: 'Host=${postgres!.outputs.fqdn};Port=5432;Database=${postgres!.outputs.databaseName};Username=${postgresLogin};Password=${postgresAdministratorPassword};SSL Mode=Require'
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${namePrefix}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

var keyVaultSecrets = concat(
  [
    {
      name: 'github-private-key'
      keyVaultUrl: privateKeySecret.properties.secretUri
      identity: identity.id
    }
    {
      name: 'github-webhook-secret'
      keyVaultUrl: webhookSecretSecret.properties.secretUri
      identity: identity.id
    }
  ],
  deployPostgres
    ? [
        {
          name: 'storage-connection-string'
          keyVaultUrl: connectionStringSecret!.properties.secretUri
          identity: identity.id
        }
      ]
    : []
)

var storageEnv = deployPostgres
  ? [
      { name: 'Storage__Provider', value: 'postgres' }
      { name: 'Storage__ConnectionString', secretRef: 'storage-connection-string' }
    ]
  : [
      { name: 'Storage__Provider', value: 'sqlite' }
    ]

var otlpEnv = empty(otlpEndpoint) ? [] : [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: otlpEndpoint }]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: namePrefix
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 8080
        transport: 'auto'
        allowInsecure: false
      }
      secrets: keyVaultSecrets
    }
    template: {
      containers: [
        {
          name: 'gitops-bridge'
          image: image
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: concat(
            [
              { name: 'ASPNETCORE_HTTP_PORTS', value: '8080' }
              { name: 'GitHub__AppId', value: githubAppId }
              { name: 'GitHub__PrivateKeyPath', value: '${privateKeyMountPath}/private-key.pem' }
              { name: 'GitHub__WebhookSecret', secretRef: 'github-webhook-secret' }
              { name: 'Storage__Path', value: '/data/gitops-bridge.db' }
              // DefaultAzureCredential picks the user-assigned identity by this id.
              { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
            ],
            storageEnv,
            otlpEnv
          )
          volumeMounts: [
            { volumeName: 'data', mountPath: '/data' }
            { volumeName: 'github-app', mountPath: privateKeyMountPath }
          ]
          probes: [
            {
              type: 'Liveness'
              httpGet: { path: '/healthz', port: 8080 }
              periodSeconds: 10
            }
            {
              type: 'Readiness'
              httpGet: { path: '/readyz', port: 8080 }
              periodSeconds: 5
            }
          ]
        }
      ]
      volumes: [
        // SQLite lives here without PostgreSQL (ephemeral: GitHub's missed-delivery recovery
        // refills it after a restart); with PostgreSQL only the git cache does.
        { name: 'data', storageType: 'EmptyDir' }
        {
          name: 'github-app'
          storageType: 'Secret'
          secrets: [
            { secretRef: 'github-private-key', path: 'private-key.pem' }
          ]
        }
      ]
      scale: {
        minReplicas: deployPostgres ? replicas : 1
        maxReplicas: deployPostgres ? replicas : 1
      }
    }
  }
  // Key Vault references are resolved when the revision is created: the identity must already
  // be allowed to read the secrets.
  dependsOn: [
    secretsUser
  ]
}

module acrWebhook 'modules/acr-webhook.bicep' = if (!empty(acrName)) {
  name: '${namePrefix}-acr-webhook'
  params: {
    registryName: acrName
    name: replace('${namePrefix}bridge', '-', '')
    location: location
    serviceUri: 'https://${app.properties.configuration.ingress.fqdn}/api/registries/acr'
    authorization: acrWebhookAuthorization
    scope: ''
  }
}

@description('Public host name of the bridge; the GitHub App webhook URL is https://<fqdn>/api/github/webhooks.')
output fqdn string = app.properties.configuration.ingress.fqdn

@description('Client id of the managed identity (for workload identity federation elsewhere).')
output identityClientId string = identity.properties.clientId

@description('Name of the Key Vault holding the GitHub App secrets.')
output keyVaultName string = vault.name
