import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { PassThrough } from 'node:stream';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import { inject } from 'vitest';
import { buildDependencies, type Dependencies } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createServer, listen, type RunningServer, type ServerDeps } from '../../src/server.js';
import { startConnector, type LoopbackConnector } from '../helpers/connector.js';
import { TEST_TENANT, uniquePrefix } from '../helpers/bot-harness.js';

// The real app with authentication on, as test/bot/auth.test.ts builds it: tokens are signed here with
// locally generated keys, and the bot fetches the public keys from OpenID metadata that nock serves.
const METADATA_PATH = '/v1/.well-known/openidconfiguration';
const JWKS_PATH = '/v1/.well-known/keys';
export const CHANNEL_ISSUER = 'https://api.botframework.com';

/**
 * The bot's own outbound token as login.microsoftonline.com would answer it: JWT-shaped, because the
 * Teams SDK host decodes it (botbuilder does not care); never verified by anyone in the tests.
 */
export function outboundAccessToken(): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ aud: 'https://api.botframework.com', iat: now, exp: now + 3600 })}.outbound-access-token`;
}

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function newKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: randomUUID(), privateKey, publicKey };
}

export function jwk(key: SigningKey, endorsements?: string[]): Record<string, unknown> {
  const { n, e } = key.publicKey.export({ format: 'jwk' });
  return { kty: 'RSA', use: 'sig', kid: key.kid, n, e, ...(endorsements ? { endorsements } : {}) };
}

export function sign(claims: Record<string, unknown>, key: SigningKey): string {
  return jwt.sign(claims, key.privateKey, { algorithm: 'RS256', keyid: key.kid, noTimestamp: true });
}

export interface SignedBot {
  readonly url: string;
  readonly botId: string;
  readonly connector: LoopbackConnector;
  readonly deps: Dependencies;
  readonly logLines: string[];
  readonly teamsKey: SigningKey;
  /** A valid Teams channel token for the loopback connector. */
  token(overrides?: Record<string, unknown>): string;
  close(): Promise<void>;
}

/** Starts the real server with auth on; `server` tunes the HTTP layer (e.g. a short body deadline). */
export async function startSignedBot(env: Record<string, string> = {}, server: Partial<ServerDeps> = {}): Promise<SignedBot> {
  const botId = randomUUID();
  const teamsKey = newKey();
  // One metadata host per bot, so two bots in one file never see each other's keys.
  const METADATA_HOST = `https://login-${botId.slice(0, 8)}.tencs-intake-test.example`;
  nock(METADATA_HOST)
    .persist()
    .get(METADATA_PATH)
    .reply(200, { issuer: CHANNEL_ISSUER, jwks_uri: `${METADATA_HOST}${JWKS_PATH}`, id_token_signing_alg_values_supported: ['RS256'] })
    .get(JWKS_PATH)
    .reply(200, { keys: [jwk(teamsKey, ['msteams'])] });
  nock('https://login.microsoftonline.com')
    .persist()
    .post(`/${TEST_TENANT}/oauth2/v2.0/token`)
    .query(true)
    .reply(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: outboundAccessToken() });

  const connector = await startConnector();
  const logStream = new PassThrough();
  const logLines: string[] = [];
  logStream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const config = loadConfig({
    BOT_AUTH: 'enabled',
    BOT_ID: botId,
    BOT_PASSWORD: 'test-password-not-a-secret',
    BOT_TENANT_ID: TEST_TENANT,
    BOT_TYPE: 'SingleTenant',
    BOT_OPENID_METADATA: `${METADATA_HOST}${METADATA_PATH}`,
    ALLOW_LOOPBACK_SERVICE_URL: 'true',
    HOST: '127.0.0.1',
    PORT: '0',
    TABLES_CONNECTION_STRING: inject('tablesConnectionString'),
    TABLE_PREFIX: uniquePrefix(),
    LOG_LEVEL: 'info',
    ENCRYPTION_KEYS: `test:${randomBytes(32).toString('base64')}`,
    // The behavioural suites run once per host: BOT_HOST=teams-sdk (npm run test:teams-sdk) picks the Teams SDK.
    ...(process.env.BOT_HOST ? { BOT_HOST: process.env.BOT_HOST } : {}),
    ...env,
  });
  const deps = await buildDependencies(config, createLogger(config.logLevel, logStream));
  const running: RunningServer = await listen(
    createServer({ bot: deps.bot, storageHealthy: deps.storageHealthy, logger: deps.logger, maxBodyBytes: config.maxBodyBytes, ...server }),
    config.host,
    0,
  );
  return {
    url: running.url,
    botId,
    connector,
    deps,
    logLines,
    teamsKey,
    token(overrides = {}) {
      const now = Math.floor(Date.now() / 1000);
      return sign({ iss: CHANNEL_ISSUER, aud: botId, serviceurl: connector.url, nbf: now - 60, exp: now + 3600, ...overrides }, teamsKey);
    },
    async close() {
      await running.close();
      await connector.close();
    },
  };
}
