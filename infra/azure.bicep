// tencs in Azure: a Linux App Service running the bot as a user-assigned managed identity, Table Storage
// reached with that identity only (no keys), the field-encryption keys in Key Vault, Application Insights,
// and the Azure Bot registration with the Microsoft Teams channel (./botRegistration/azurebot.bicep).
// Deployed by the Microsoft 365 Agents Toolkit (m365agents.yml, arm/deploy) or by `az deployment group create`.

@maxLength(20)
@minLength(4)
@description('Used to generate names for all resources in this file')
param resourceBaseName string

@description('App Service plan SKU; B1 is the smallest Linux plan with Always On')
param webAppSKU string = 'B1'

@maxLength(42)
@description('Name shown for the bot in the Azure portal')
param botDisplayName string

@description('Comma-separated Entra tenant ids whose users may use the bot; empty means this subscription\'s tenant only')
param allowedTenants string = ''

@secure()
@minLength(46)
@description('Field-encryption keys, "id:base64-of-32-bytes[,older-id:...]", newest first; stored in Key Vault, never in app settings')
param encryptionKeys string

@description('Days an assessment may stay unchanged before the daily purge deletes it (the bot is not the case record)')
@minValue(1)
@maxValue(3650)
param retentionDays int = 90

@description('Days audit entries are kept')
@minValue(30)
@maxValue(3650)
param auditRetentionDays int = 365

@description('Storage redundancy; pick Standard_ZRS or Standard_GZRS where the region offers them')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param storageSku string = 'Standard_LRS'

param location string = resourceGroup().location
param identityName string = resourceBaseName
param serverfarmsName string = resourceBaseName
// Web app, storage account and key vault names are global, so they carry a suffix unique to the resource group.
param webAppName string = '${resourceBaseName}-${uniqueString(resourceGroup().id)}'
param storageAccountName string = 'st${uniqueString(resourceGroup().id, resourceBaseName)}'
param keyVaultName string = 'kv${uniqueString(resourceGroup().id, resourceBaseName)}'

var tenantId = subscription().tenantId
// Built-in role definitions: least privilege for what the bot does.
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${resourceBaseName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'Node.JS'
    WorkspaceResourceId: logs.id
    RetentionInDays: 30
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: { name: storageSku }
  properties: {
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    // Entra ID only: no account keys or SAS can reach the data.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    accessTier: 'Hot'
    encryption: {
      keySource: 'Microsoft.Storage'
      services: {
        table: { enabled: true, keyType: 'Account' }
        blob: { enabled: true, keyType: 'Account' }
      }
    }
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tableRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Losing the key loses every stored answer, so a deleted vault can always be recovered.
    enablePurgeProtection: true
  }
}

resource encryptionKeysSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'encryption-keys'
  properties: {
    value: encryptionKeys
    contentType: 'id:base64 key list, newest first'
  }
}

resource vaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource serverfarm 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: serverfarmsName
  location: location
  kind: 'linux'
  sku: { name: webAppSKU }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      // Node 24 LTS (supported to April 2028), the Node package.json's engines and CI use.
      linuxFxVersion: 'NODE|24-lts'
      // 192 MB of old space: about twice the live heap at 400 concurrent practitioners in docs/benchmarks.md; without a cap V8 keeps ~500 MB.
      // The compiled JavaScript in dist/ (npm run build, in m365agents.yml's deploy): no TypeScript transpile at each start.
      // 16 MB semi-spaces: Node 24 on 64-bit (no pointer compression) grows the young generation to 64 MB; with ~85 MB live
      // under a 192 MB cap, V8 then starts a full (incremental) marking right after every full GC, about one per 4 turns.
      // bench/heap-probe.ts: 23 full GCs per 100 turns without this flag, 2 with it; CPU per turn about 4x lower.
      appCommandLine: 'node --max-old-space-size=192 --max-semi-space-size=16 dist/index.js'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/healthz'
      appSettings: [
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
        { name: 'HOST', value: '0.0.0.0' }
        { name: 'BOT_ID', value: identity.properties.clientId }
        { name: 'BOT_TYPE', value: 'UserAssignedMSI' }
        { name: 'BOT_TENANT_ID', value: identity.properties.tenantId }
        { name: 'TABLES_ACCOUNT_URL', value: storage.properties.primaryEndpoints.table }
        { name: 'ALLOWED_TENANTS', value: empty(allowedTenants) ? identity.properties.tenantId : allowedTenants }
        { name: 'ENCRYPTION_KEYS', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${encryptionKeysSecret.name})' }
        { name: 'LOG_LEVEL', value: 'info' }
        { name: 'RETENTION_DAYS', value: string(retentionDays) }
        { name: 'AUDIT_RETENTION_DAYS', value: string(auditRetentionDays) }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
        { name: 'ApplicationInsightsAgent_EXTENSION_VERSION', value: '~3' }
      ]
    }
  }
  // The app must not start before its identity can read the key and the tables.
  dependsOn: [
    tableRole
    vaultRole
    tableService
  ]
}

// Register the web app as a bot with the Bot Framework, single tenant, as the managed identity.
module azureBotRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    resourceBaseName: resourceBaseName
    identityClientId: identity.properties.clientId
    identityResourceId: identity.id
    identityTenantId: identity.properties.tenantId
    botAppDomain: webApp.properties.defaultHostName
    botDisplayName: botDisplayName
  }
}

// Persisted by arm/deploy into env/.env.<environment>; see m365agents.yml and scripts/package-app.ts.
output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output TABLES_ACCOUNT_URL string = storage.properties.primaryEndpoints.table
output KEY_VAULT_NAME string = vault.name
