// Development: one replica, SQLite on ephemeral storage, no PostgreSQL.
// Secrets are read from the environment of the `az deployment` command, never written here:
//   export GITOPS_BRIDGE_GITHUB_APP_ID=123456
//   export GITOPS_BRIDGE_GITHUB_PRIVATE_KEY="$(cat gitops-bridge.private-key.pem)"
//   export GITOPS_BRIDGE_GITHUB_WEBHOOK_SECRET='…'
using '../main.bicep'

param namePrefix = 'gitops-bridge-dev'
param githubAppId = readEnvironmentVariable('GITOPS_BRIDGE_GITHUB_APP_ID')
param githubPrivateKey = readEnvironmentVariable('GITOPS_BRIDGE_GITHUB_PRIVATE_KEY')
param githubWebhookSecret = readEnvironmentVariable('GITOPS_BRIDGE_GITHUB_WEBHOOK_SECRET')
param deployPostgres = false
