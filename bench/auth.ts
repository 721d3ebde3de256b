import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import jwt from 'jsonwebtoken';
import { readBody } from '../test/helpers/read-body.js';

/** The issuer botbuilder expects on tokens from the Bot Framework channel (public cloud). */
export const CHANNEL_ISSUER = 'https://api.botframework.com';

/** The scope the bot asks Entra ID for when it calls the Bot Connector. */
export const CONNECTOR_SCOPE = 'https://api.botframework.com';

/** The host botbuilder (through MSAL) asks for the bot's outgoing token. */
export const LOGIN_HOST = 'login.microsoftonline.com';

/** Bot identity shared by both bots and the load generator. */
export interface BenchIdentity {
  readonly appId: string;
  readonly password: string;
  readonly tenantId: string;
}

/** A new random bot identity for one bench run. */
export function newIdentity(): BenchIdentity {
  return { appId: randomUUID(), password: `bench-${randomUUID()}`, tenantId: randomUUID() };
}

/** What the load generator needs to sign channel tokens. */
export interface ChannelSigner {
  readonly privateKeyPem: string;
  readonly kid: string;
}

/** The loopback stand-ins for the Bot Framework channel's key endpoint and Entra ID's token endpoint. */
export interface AuthServer {
  readonly url: string;
  /** BOT_OPENID_METADATA for both bots. */
  readonly openIdMetadataUrl: string;
  readonly channel: ChannelSigner;
  /** Public key of the login stub, for the connector to check the bot's outgoing bearer token. */
  readonly loginPublicKeyPem: string;
  /** Tokens the login stub issued (one per bot process is expected: botbuilder caches them). */
  readonly issued: () => number;
  close(): Promise<void>;
}

function rsaKey(): { privateKey: KeyObject; jwk: { n: string; e: string }; kid: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { privateKey, jwk, kid: randomUUID() };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Starts one loopback server with two roles: the channel's OpenID metadata and JWKS (keys endorsed
 * for msteams, as the real channel's are), and the Entra ID endpoints MSAL calls for the bot's
 * client-credentials token (reached through bench/login-redirect.ts).
 */
export async function startAuthServer(identity: BenchIdentity): Promise<AuthServer> {
  const channelKey = rsaKey();
  const loginKey = rsaKey();
  let issued = 0;
  let base = '';

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const p = url.pathname;
      if (req.method === 'GET' && p === '/channel/.well-known/openidconfiguration') {
        json(res, 200, {
          issuer: CHANNEL_ISSUER,
          authorization_endpoint: `${base}/channel/authorize`,
          jwks_uri: `${base}/channel/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        });
        return;
      }
      if (req.method === 'GET' && p === '/channel/keys') {
        json(res, 200, { keys: [{ kty: 'RSA', use: 'sig', kid: channelKey.kid, n: channelKey.jwk.n, e: channelKey.jwk.e, endorsements: ['msteams'] }] });
        return;
      }
      // Entra ID as MSAL sees it: instance discovery, tenant metadata, then the token endpoint.
      const tenant = p.split('/')[1] ?? 'common';
      const authority = `https://${LOGIN_HOST}/${tenant}`;
      if (req.method === 'GET' && p.includes('/discovery/instance')) {
        json(res, 200, {
          tenant_discovery_endpoint: `https://${LOGIN_HOST}/${tenant}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [{ preferred_network: LOGIN_HOST, preferred_cache: LOGIN_HOST, aliases: [LOGIN_HOST] }],
        });
        return;
      }
      if (req.method === 'GET' && p.endsWith('/.well-known/openid-configuration')) {
        json(res, 200, {
          token_endpoint: `${authority}/oauth2/v2.0/token`,
          authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
          device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
          jwks_uri: `${authority}/discovery/v2.0/keys`,
          issuer: `https://${LOGIN_HOST}/${tenant}/v2.0`,
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        });
        return;
      }
      if (req.method === 'POST' && p.endsWith('/oauth2/v2.0/token')) {
        const form = new URLSearchParams(await readBody(req));
        if (form.get('client_id') !== identity.appId || form.get('client_secret') !== identity.password || tenant !== identity.tenantId) {
          json(res, 401, { error: 'invalid_client', error_description: 'bench login stub: unknown client or tenant' });
          return;
        }
        issued += 1;
        const token = jwt.sign({ aud: CONNECTOR_SCOPE, appid: identity.appId, tid: identity.tenantId }, loginKey.privateKey, {
          algorithm: 'RS256',
          keyid: loginKey.kid,
          issuer: `https://sts.windows.net/${identity.tenantId}/`,
          expiresIn: 3600,
        });
        json(res, 200, { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: token });
        return;
      }
      json(res, 404, { error: 'not_found', path: p });
    })().catch((error: unknown) => {
      json(res, 500, { error: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    openIdMetadataUrl: `${base}/channel/.well-known/openidconfiguration`,
    channel: { privateKeyPem: channelKey.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), kid: channelKey.kid },
    loginPublicKeyPem: createPublicKey(loginKey.privateKey).export({ format: 'pem', type: 'spki' }).toString(),
    issued: () => issued,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Signs a channel token the way the Bot Framework channel does: issuer api.botframework.com,
 * audience the bot's app id, serviceurl claim equal to the activity's serviceUrl. Like the
 * channel, the load generator signs once and reuses the token for its lifetime.
 */
export function signChannelToken(signer: ChannelSigner, appId: string, serviceUrl: string): string {
  return jwt.sign({ serviceurl: serviceUrl }, signer.privateKeyPem, {
    algorithm: 'RS256',
    keyid: signer.kid,
    issuer: CHANNEL_ISSUER,
    audience: appId,
    expiresIn: 3600,
    notBefore: -60,
  });
}

/** The environment that gives a bot under test the bench's identity, channel keys and login stub (auth on). */
export function botAuthEnv(identity: BenchIdentity, auth: AuthServer): Record<string, string> {
  return {
    BOT_ID: identity.appId,
    BOT_PASSWORD: identity.password,
    BOT_TENANT_ID: identity.tenantId,
    BOT_TYPE: 'SingleTenant',
    BOT_OPENID_METADATA: auth.openIdMetadataUrl,
    BENCH_LOGIN_URL: auth.url,
  };
}
