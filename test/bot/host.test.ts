import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { message, newUser, startTestBot, type TestBot } from '../helpers/bot-harness.js';

// The behavioural suites run once per host (npm test runs test/bot again with BOT_HOST=teams-sdk).
// These tests prove the host really is the one named, so the second run is not the first run twice.

describe('BOT_HOST picks the SDK that binds the interaction table', () => {
  it("when BOT_HOST is missing, then the owner's choice (teams-ai) is used; when it names neither host, then start-up stops with the reason", () => {
    const base = { BOT_AUTH: 'disabled', HOST: '127.0.0.1' };
    expect(loadConfig(base).botHost).toBe('teams-ai');
    expect(loadConfig({ ...base, BOT_HOST: 'teams-sdk' }).botHost).toBe('teams-sdk');
    expect(() => loadConfig({ ...base, BOT_HOST: 'botkit' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, BOT_HOST: 'botkit' })).toThrow(/BOT_HOST/);
  });

  it.each([
    ['teams-ai', /botframework-connector/],
    ['teams-sdk', /teams\.ts\[apps\]/],
  ] as const)('when BOT_HOST=%s, then the replies come from that SDK', async (host, agent) => {
    const bot = await startTestBot({ BOT_HOST: host });
    try {
      const result = await bot.send(message(bot, newUser(), 'help'));
      expect(result.status).toBe(200);
      const calls = bot.connector.calls.filter((c) => c.method === 'POST');
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) expect(call.headers.userAgent ?? '').toMatch(agent);
    } finally {
      await bot.close();
    }
  });
});

describe("the Teams SDK host never takes credentials from the SDK's own environment variables", () => {
  const names = ['CLIENT_ID', 'CLIENT_SECRET', 'TENANT_ID', 'SERVICE_URL', 'DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS'] as const;
  const saved: Partial<Record<(typeof names)[number], string | undefined>> = {};
  let bot: TestBot;

  beforeAll(async () => {
    for (const n of names) saved[n] = process.env[n];
    process.env.CLIENT_ID = '00000000-0000-4000-8000-00000000c1d0';
    process.env.CLIENT_SECRET = 'sdk-env-secret-not-ours';
    process.env.TENANT_ID = '00000000-0000-4000-8000-0000000000e1';
    process.env.SERVICE_URL = 'https://attacker.example/';
    process.env.DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS = 'true';
    bot = await startTestBot({ BOT_HOST: 'teams-sdk' });
  });
  afterEach(() => {
    bot.connector.clear();
  });
  afterAll(async () => {
    await bot?.close();
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
  });

  it("when auth is disabled (loopback) and CLIENT_ID/CLIENT_SECRET are in the environment, then replies carry no token and go to the activity's connector", async () => {
    // With those credentials the SDK would ask login.microsoftonline.com for a token (nock refuses: the turn would fail).
    const result = await bot.send(message(bot, newUser(), 'help'));
    expect(result.status).toBe(200);
    expect(result.sent.length).toBeGreaterThan(0);
    for (const call of bot.connector.calls) expect(call.headers.authorization).toBeUndefined();
  });
});
