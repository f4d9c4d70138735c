// Azure Database for PostgreSQL flexible server for the bridge's shared state (Storage:Provider
// postgres), so several replicas can run. Password authentication, TLS required.

@description('Server name; globally unique.')
param name string

@description('Azure region.')
param location string

@description('Administrator login the bridge connects as.')
param administratorLogin string

@description('Administrator password.')
@secure()
@minLength(16)
param administratorPassword string

@description('Database the bridge uses.')
param databaseName string

@description('Zone-redundant high availability (doubles the cost).')
param highAvailability bool

@description('Compute tier and size.')
param skuName string

@description('Compute tier of skuName.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: '16'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorPassword
    storage: {
      storageSizeGB: 32
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: highAvailability ? 'ZoneRedundant' : 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
    authConfig: {
      passwordAuth: 'Enabled'
      activeDirectoryAuth: 'Disabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// 0.0.0.0 is Azure's convention for "connections from Azure services", which Container Apps'
// outbound addresses are; the server is not open to the internet.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

@description('Host name clients connect to.')
output fqdn string = server.properties.fullyQualifiedDomainName

@description('The database name.')
output databaseName string = database.name
