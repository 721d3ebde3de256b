import { createHmac, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, cardText, execute, message, newUser, startTestBot, TEST_TENANT, type TestBot, type TurnResult } from '../helpers/bot-harness.js';
import { outboundAccessToken } from './signed-bot.js';

// Tokens are signed here with locally generated keys; the bot fetches the matching public keys
// from OpenID metadata that nock serves, exactly as it would from login.botframework.com.
const METADATA_HOST = 'https://login.tencs-auth-test.example';
const METADATA_PATH = '/v1/.well-known/openidconfiguration';
const JWKS_PATH = '/v1/.well-known/keys';
const ISSUER = 'https://api.botframework.com';
const BOT_ID = randomUUID();

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

function newKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: randomUUID(), privateKey, publicKey };
}

const teamsKey = newKey();
const webchatOnlyKey = newKey();
const unpublishedKey = newKey();

function jwk(key: SigningKey, endorsements: string[]): Record<string, unknown> {
  const { n, e } = key.publicKey.export({ format: 'jwk' });
  return { kty: 'RSA', use: 'sig', kid: key.kid, n, e, endorsements };
}

interface Claims {
  iss?: string;
  aud?: string;
  serviceurl?: string;
  exp?: number;
  nbf?: number;
  [claim: string]: unknown;
}

function claimsFor(bot: TestBot, overrides: Claims = {}): Claims {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: BOT_ID, serviceurl: bot.connector.url, nbf: now - 60, exp: now + 3600, ...overrides };
}

function sign(claims: Claims, key: SigningKey = teamsKey): string {
  return jwt.sign(claims, key.privateKey, { algorithm: 'RS256', keyid: key.kid, noTimestamp: true });
}

const b64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token whose header says HS256, signed with the published public key as the HMAC secret (the classic confusion attack). */
function signHs256WithPublicKey(claims: Claims): string {
  const head = `${b64url({ alg: 'HS256', typ: 'JWT', kid: teamsKey.kid })}.${b64url(claims)}`;
  const secret = teamsKey.publicKey.export({ format: 'pem', type: 'spki' });
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

function unsigned(claims: Claims): string {
  return `${b64url({ alg: 'none', typ: 'JWT', kid: teamsKey.kid })}.${b64url(claims)}.`;
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

describe('authentication of every request, against locally signed Bot Framework tokens', () => {
  let bot: TestBot;
  const tokenRequests: string[] = [];

  beforeAll(async () => {
    nock(METADATA_HOST)
      .persist()
      .get(METADATA_PATH)
      .reply(200, { issuer: ISSUER, jwks_uri: `${METADATA_HOST}${JWKS_PATH}`, id_token_signing_alg_values_supported: ['RS256'] })
      .get(JWKS_PATH)
      .reply(200, { keys: [jwk(teamsKey, ['msteams']), jwk(webchatOnlyKey, ['webchat'])] });
    // The bot's own token for replying (client credentials against its tenant), answered by nock.
    nock('https://login.microsoftonline.com')
      .persist()
      .post(`/${TEST_TENANT}/oauth2/v2.0/token`)
      .query(true)
      .reply(200, (_uri, body) => {
        tokenRequests.push(String(body));
        return { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: outboundAccessToken() };
      });

    bot = await startTestBot({
      BOT_AUTH: 'enabled',
      BOT_ID,
      BOT_PASSWORD: 'test-password-not-a-secret',
      BOT_TENANT_ID: TEST_TENANT,
      BOT_TYPE: 'SingleTenant',
      BOT_OPENID_METADATA: `${METADATA_HOST}${METADATA_PATH}`,
      // The loopback connector stands in for Teams's Bot Connector; fail closed otherwise.
      ALLOW_LOOPBACK_SERVICE_URL: 'true',
    });
  });

  afterAll(async () => {
    await bot?.close();
    nock.cleanAll();
  });

  const commandLogLines = (activityId: unknown): string[] =>
    bot.logLines.filter((l) => l.includes('"event":"message.command"') && l.includes(String(activityId)));

  /** A "hello" message: if any handler ran, the route would log the command and the bot would reply through the connector. */
  async function helloWith(
    headers: Record<string, string>,
    tweak: (a: Record<string, unknown>) => void = () => undefined,
  ): Promise<TurnResult & { handled: boolean }> {
    const activity = message(bot, newUser(), 'hello');
    tweak(activity);
    const result = await bot.send(activity, headers);
    return { ...result, handled: commandLogLines(activity.id).length > 0 || result.sent.length > 0 };
  }

  function expectRejectedQuietly(result: TurnResult & { handled: boolean }, token?: string): void {
    expect([401, 403]).toContain(result.status);
    expect(result.handled).toBe(false);
    const body = result.body === undefined ? '' : typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
    // Nothing about the token, the keys or the reason goes back to the caller.
    expect(body).toBe('');
    if (token) {
      for (const part of token.split('.').filter((p) => p.length > 8)) expect(body).not.toContain(part);
    }
  }

  it('when a card action carries a valid channel token, then it is answered', async () => {
    const result = await bot.send(execute(bot, newUser(), VERBS.help), bearer(sign(claimsFor(bot))));
    expect(result.status).toBe(200);
    expect(cardText(cardOf(result))).toContain('10 Cs');
  });

  it("when a message carries a valid channel token, then the handler runs and the reply goes out with the bot's own token", async () => {
    const result = await helloWith(bearer(sign(claimsFor(bot))));
    expect(result.status).toBe(200);
    expect(result.handled).toBe(true);
    expect(cardText(cardOf(result))).toContain('10 Cs');
    expect(tokenRequests.length).toBeGreaterThan(0);
    expect(tokenRequests.at(-1)).toContain(`client_id=${BOT_ID}`);
  });

  it('when a token expired less than five minutes ago, then the clock skew allowance still accepts it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const result = await bot.send(execute(bot, newUser(), VERBS.help), bearer(sign(claimsFor(bot, { nbf: now - 3600, exp: now - 120 }))));
    expect(result.status).toBe(200);
  });

  it('when there is no Authorization header, then 401 and no handler runs', async () => {
    expectRejectedQuietly(await helloWith({}));
  });

  it('when the header is not a Bearer token, then 401 and no handler runs', async () => {
    const token = sign(claimsFor(bot));
    expectRejectedQuietly(await helloWith({ authorization: `Basic ${token}` }), token);
  });

  it('when the audience is another bot, then 401 and no handler runs', async () => {
    const token = sign(claimsFor(bot, { aud: randomUUID() }));
    expectRejectedQuietly(await helloWith(bearer(token)), token);
  });

  it('when the issuer is not the Bot Framework, then 401 and no handler runs', async () => {
    const token = sign(claimsFor(bot, { iss: 'https://evil.example' }));
    expectRejectedQuietly(await helloWith(bearer(token)), token);
  });

  it('when the token is signed with a key the metadata does not publish, then 401 and no handler runs', async () => {
    const token = sign(claimsFor(bot), unpublishedKey);
    expectRejectedQuietly(await helloWith(bearer(token)), token);
  });

  it('when the token names a published key id but was signed by another key, then 401 and no handler runs', async () => {
    const token = jwt.sign(claimsFor(bot), unpublishedKey.privateKey, { algorithm: 'RS256', keyid: teamsKey.kid, noTimestamp: true });
    expectRejectedQuietly(await helloWith(bearer(token)), token);
  });

  it('when the token expired more than five minutes ago, then 401 and no handler runs', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = sign(claimsFor(bot, { nbf: now - 7200, exp: now - 6 * 60 }));
    expectRejectedQuietly(await helloWith(bearer(token)), token);
  });

  it('when the token is not valid until well in the future, then 401 and no handler runs', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = sign(claimsFor(bot, { nbf: now + 3600, exp: now + 7200 }));
    expectRejectedQuietly(await helloWith(bearer(token)), token);
  });

  it('when the serviceUrl claim differs from the activity, then 401 and no handler runs', async () => {
    const token = sign(claimsFor(bot, { serviceurl: 'https://smba.evil.example/' }));
    expectRejectedQuietly(await helloWith(bearer(token)), token);
  });

  it('when the activity points its serviceUrl somewhere the token does not name, then 401 and no handler runs', async () => {
    const token = sign(claimsFor(bot));
    expectRejectedQuietly(
      await helloWith(bearer(token), (a) => {
        a.serviceUrl = 'http://127.0.0.1:9/';
      }),
      token,
    );
  });

  it('when the signing key is endorsed for another channel only, then 401 and no handler runs', async () => {
    const token = sign(claimsFor(bot), webchatOnlyKey);
    expectRejectedQuietly(await helloWith(bearer(token)), token);
  });

  it('when the token is HS256-signed with the public key as secret, then 401 and no handler runs', async () => {
    const token = signHs256WithPublicKey(claimsFor(bot));
    expectRejectedQuietly(await helloWith(bearer(token)), token);
  });

  it('when the token has alg "none" and no signature, then 401 and no handler runs', async () => {
    const token = unsigned(claimsFor(bot));
    expectRejectedQuietly(await helloWith(bearer(token)), token);
  });

  it('when a token is rejected, then the log names the event but carries no token, claim or key', async () => {
    const token = sign(claimsFor(bot, { aud: 'not-our-bot-audience' }));
    const before = bot.logLines.length;
    expectRejectedQuietly(await helloWith(bearer(token)), token);
    const lines = bot.logLines.slice(before);
    expect(lines.some((l) => l.includes('"event":"auth.rejected"'))).toBe(true);
    for (const line of lines) {
      expect(line).not.toContain('not-our-bot-audience');
      for (const part of token.split('.')) expect(line).not.toContain(part);
    }
  });
});
