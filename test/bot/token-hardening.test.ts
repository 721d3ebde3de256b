import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { ConfigError, loadConfig, TEAMS_PUBLIC_CLOUD_SERVICE_HOSTS } from '../../src/config.js';
import { cardOf, cardText, execute, message, newUser, TEST_TENANT } from '../helpers/bot-harness.js';
import { startConnector, type LoopbackConnector } from '../helpers/connector.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { jwk, newKey, sign, startSignedBot, type SignedBot } from './signed-bot.js';

// Tokens Entra ID would issue (the emulator path, the bot's own outbound token) are signed with a key
// published at the Entra metadata botbuilder's emulator path reads, so that botbuilder alone would accept them.
const ENTRA_METADATA = '/common/v2.0/.well-known/openid-configuration';
const ENTRA_JWKS = '/common/discovery/v2.0/keys';
const entraKey = newKey();
const entraIssuer = `https://sts.windows.net/${TEST_TENANT}/`;

interface Result {
  readonly status: number;
  readonly body: string;
}

async function postActivity(bot: SignedBot, activity: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Result> {
  const res = await fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  return { status: res.status, body: await res.text() };
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

describe("only the Teams channel's tokens, for Teams service URLs", () => {
  let bot: SignedBot;
  let attacker: LoopbackConnector;

  beforeAll(async () => {
    nock('https://login.microsoftonline.com')
      .persist()
      .get(ENTRA_METADATA)
      .reply(200, { issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0', jwks_uri: `https://login.microsoftonline.com${ENTRA_JWKS}` })
      .get(ENTRA_JWKS)
      .reply(200, { keys: [jwk(entraKey)] });
    bot = await startSignedBot();
    attacker = await startConnector();
  });

  afterAll(async () => {
    await bot?.close();
    await attacker?.close();
    nock.cleanAll();
  });

  function expectBare401(result: Result): void {
    expect(result.status).toBe(401);
    expect(result.body).toBe('');
  }

  it('when a valid Teams channel token comes with the loopback connector allowed for tests, then it is answered', async () => {
    const result = await postActivity(bot, execute(bot, newUser(), VERBS.help), bearer(bot.token()));
    expect(result.status).toBe(200);
    expect(cardText(cardOf({ status: 200, body: JSON.parse(result.body), sent: [] }))).toContain('10 Cs');
  });

  it("when an Entra token for the bot's own audience with no serviceurl claim (the emulator path) names another serviceUrl, then a bare 401 and nothing is sent there", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = sign({ iss: entraIssuer, aud: bot.botId, appid: bot.botId, ver: '1.0', tid: TEST_TENANT, nbf: now - 60, exp: now + 3600 }, entraKey);
    const activity = { ...message(bot, newUser(), 'hello'), serviceUrl: attacker.url };
    const result = await postActivity(bot, activity, bearer(token));
    expectBare401(result);
    await new Promise((r) => setTimeout(r, 200));
    expect(attacker.calls).toEqual([]);
  });

  it("when the bot's own outbound (bot-to-channel) token is replayed to it, then a bare 401, not a 500", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = sign(
      { iss: entraIssuer, aud: 'https://api.botframework.com', appid: bot.botId, ver: '1.0', tid: TEST_TENANT, nbf: now - 60, exp: now + 3600 },
      entraKey,
    );
    expectBare401(await postActivity(bot, message(bot, newUser(), 'hello'), bearer(token)));
    // The same token, v2 shape (azp instead of appid).
    const v2 = sign(
      {
        iss: `https://login.microsoftonline.com/${TEST_TENANT}/v2.0`,
        aud: 'https://api.botframework.com',
        azp: bot.botId,
        ver: '2.0',
        tid: TEST_TENANT,
        exp: now + 3600,
      },
      entraKey,
    );
    expectBare401(await postActivity(bot, message(bot, newUser(), 'hello'), bearer(v2)));
  });

  it('when a channel token has no exp, then a bare 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = sign({ iss: 'https://api.botframework.com', aud: bot.botId, serviceurl: bot.connector.url, nbf: now - 60 }, bot.teamsKey);
    const before = bot.connector.calls.length;
    expectBare401(await postActivity(bot, message(bot, newUser(), 'hello'), bearer(token)));
    expect(bot.connector.calls.length).toBe(before);
  });

  it('when a channel token has no serviceurl claim, then a bare 401', async () => {
    const token = bot.token({ serviceurl: undefined });
    expectBare401(await postActivity(bot, message(bot, newUser(), 'hello'), bearer(token)));
  });

  it('when a validly signed channel token and its activity both name a service URL outside Teams, then a bare 401 and nothing is sent', async () => {
    const interceptor = nock('https://smba.evil.example').post(/.*/);
    const scope = interceptor.reply(200, { id: '1' });
    const serviceUrl = 'https://smba.evil.example/uk/';
    const token = bot.token({ serviceurl: serviceUrl });
    expectBare401(await postActivity(bot, { ...message(bot, newUser(), 'hello'), serviceUrl }, bearer(token)));
    expect(scope.isDone()).toBe(false);
    nock.removeInterceptor(interceptor);
  });

  it("when the service URL is Teams's public-cloud connector, then the turn is answered there", async () => {
    const serviceUrl = 'https://smba.trafficmanager.net/uk/';
    const posted: unknown[] = [];
    const scope = nock('https://smba.trafficmanager.net')
      .post(/\/uk\/v3\/conversations\/.*\/activities.*/)
      .reply(200, (_uri, body) => {
        posted.push(body);
        return { id: 'reply-1' };
      });
    const token = bot.token({ serviceurl: serviceUrl });
    const result = await postActivity(bot, { ...message(bot, newUser(), 'hello'), serviceUrl }, bearer(token));
    expect(result.status).toBe(200);
    expect(scope.isDone()).toBe(true);
    expect(JSON.stringify(posted)).toContain('10 Cs');
  });

  it('when the channelId is not msteams, then a bare 401 even with a valid channel token', async () => {
    const activity = { ...message(bot, newUser(), 'hello'), channelId: 'webchat' };
    expectBare401(await postActivity(bot, activity, bearer(bot.token())));
  });
});

describe('the service URL allow-list fails closed', () => {
  it('when auth is on and nothing is said about loopback, then only the Teams public-cloud host is allowed', () => {
    const config = loadConfig({
      BOT_ID: randomUUID(),
      BOT_PASSWORD: 'p',
      BOT_TENANT_ID: TEST_TENANT,
      ENCRYPTION_KEYS: `k:${Buffer.alloc(32, 1).toString('base64')}`,
      HOST: '0.0.0.0',
    });
    expect(config.serviceUrls).toEqual({ hosts: [...TEAMS_PUBLIC_CLOUD_SERVICE_HOSTS], allowLoopback: false });
    expect(TEAMS_PUBLIC_CLOUD_SERVICE_HOSTS).toEqual(['smba.trafficmanager.net']);
  });

  it('when ALLOW_LOOPBACK_SERVICE_URL is true on a non-loopback HOST, then the config is refused', () => {
    expect(() =>
      loadConfig({
        BOT_ID: randomUUID(),
        BOT_PASSWORD: 'p',
        BOT_TENANT_ID: TEST_TENANT,
        ENCRYPTION_KEYS: `k:${Buffer.alloc(32, 1).toString('base64')}`,
        HOST: '0.0.0.0',
        ALLOW_LOOPBACK_SERVICE_URL: 'true',
      }),
    ).toThrow(/ALLOW_LOOPBACK_SERVICE_URL/);
  });

  it('when TEAMS_SERVICE_URL_HOSTS holds something that is not a host name, then the config is refused', () => {
    expect(() => loadConfig({ BOT_AUTH: 'disabled', TEAMS_SERVICE_URL_HOSTS: 'https://evil.example/x' })).toThrow(ConfigError);
  });

  describe('a bot with auth on and loopback not allowed', () => {
    let bot: SignedBot;
    beforeAll(async () => {
      bot = await startSignedBot({ ALLOW_LOOPBACK_SERVICE_URL: 'false' });
    });
    afterAll(async () => {
      await bot?.close();
    });

    it('when a valid channel token names a loopback service URL, then a bare 401 and nothing is sent', async () => {
      const result = await postActivity(bot, message(bot, newUser(), 'hello'), bearer(bot.token()));
      expect(result.status).toBe(401);
      expect(result.body).toBe('');
      expect(bot.connector.calls).toEqual([]);
    });
  });
});

describe('what is logged before authentication is bounded', () => {
  let bot: SignedBot;
  beforeAll(async () => {
    bot = await startSignedBot({ MAX_BODY_BYTES: String(1024 * 1024) });
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('when an unauthenticated activity carries a 200 KB channelId, then 400 and no log line holds more than a short piece of it', async () => {
    const from = bot.logLines.length;
    const result = await postActivity(bot, { ...message(bot, newUser(), 'hello'), channelId: 'c'.repeat(200 * 1024) });
    expect(result.status).toBe(400);
    expect(result.body).toBe('');
    const lines = bot.logLines.slice(from);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.length).toBeLessThan(1024);
      expect(line).not.toContain('c'.repeat(100));
    }
  });

  it('when an unauthenticated request names a long path of odd characters, then the logged path is short and in a safe charset', async () => {
    const from = bot.logLines.length;
    const path = `/api/${'%3Cscript%3E'.repeat(600)}`;
    const res = await fetch(`${bot.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(404);
    const lines = bot.logLines.slice(from);
    const logged = lines.find((l) => l.includes('"event":"http.error"'));
    expect(logged).toBeDefined();
    const shown = (JSON.parse(logged!) as { path: string }).path;
    expect(shown.length).toBeLessThanOrEqual(129);
    expect(shown).toMatch(/^[A-Za-z0-9:._@/_-]+…?$/);
    expect(shown).not.toContain('<');
  });
});

describe('/healthz does not cost a storage call per request', () => {
  let proxy: FaultProxy;
  let bot: SignedBot;
  beforeAll(async () => {
    proxy = await startFaultProxy(inject('azuritePort'));
    bot = await startSignedBot({ TABLES_CONNECTION_STRING: proxy.connectionString }, { healthCacheMs: 800 });
  });
  afterAll(async () => {
    await bot?.close();
    await proxy?.close();
  });

  const probes = (): number => proxy.requests.filter((r) => r.method === 'GET' && /\/Tables(\?|$|\()/.test(r.path)).length;

  it('when /healthz is hit 30 times at once and then again in a row, then storage is probed once, and again only after the cache expires', async () => {
    await new Promise((r) => setTimeout(r, 900));
    const before = probes();
    const burst = await Promise.all(
      Array.from({ length: 30 }, () => fetch(`${bot.url}/healthz`).then(async (r) => ({ status: r.status, body: await r.json() }))),
    );
    for (let i = 0; i < 10; i++) burst.push(await fetch(`${bot.url}/healthz`).then(async (r) => ({ status: r.status, body: await r.json() })));
    for (const r of burst) {
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ status: 'ok', storage: 'ok' });
    }
    expect(probes() - before).toBe(1);
    await new Promise((r) => setTimeout(r, 900));
    const again = await fetch(`${bot.url}/healthz`);
    expect(again.status).toBe(200);
    expect(probes() - before).toBe(2);
  });
});
