// Production: three replicas on a zone-redundant PostgreSQL flexible server, and a webhook on
// the container registry named by GITOPS_BRIDGE_ACR_NAME (none when it is unset).
// Secrets are read from the environment of the `az deployment` command, never written here:
//   export GITOPS_BRIDGE_GITHUB_APP_ID=123456
//   export GITOPS_BRIDGE_GITHUB_PRIVATE_KEY="$(cat gitops-bridge.private-key.pem)"
//   export GITOPS_BRIDGE_GITHUB_WEBHOOK_SECRET='…'
//   export GITOPS_BRIDGE_POSTGRES_PASSWORD="$(openssl rand -base64 24)"
//   export GITOPS_BRIDGE_ACR_NAME=myregistry GITOPS_BRIDGE_ACR_AUTHORIZATION="Bearer $(openssl rand -hex 32)"
using '../main.bicep'

param namePrefix = 'gitops-bridge'
param githubAppId = readEnvironmentVariable('GITOPS_BRIDGE_GITHUB_APP_ID')
param githubPrivateKey = readEnvironmentVariable('GITOPS_BRIDGE_GITHUB_PRIVATE_KEY')
param githubWebhookSecret = readEnvironmentVariable('GITOPS_BRIDGE_GITHUB_WEBHOOK_SECRET')
param deployPostgres = true
param postgresAdministratorPassword = readEnvironmentVariable('GITOPS_BRIDGE_POSTGRES_PASSWORD')
param postgresSkuName = 'Standard_D2ds_v5'
param postgresSkuTier = 'GeneralPurpose'
param postgresHighAvailability = true
param replicas = 3
param acrName = readEnvironmentVariable('GITOPS_BRIDGE_ACR_NAME', '')
param acrWebhookAuthorization = readEnvironmentVariable('GITOPS_BRIDGE_ACR_AUTHORIZATION', '')
param keyVaultPurgeProtection = true
