import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOf, cardText, installed, message, newUser, startTestBot, type TestBot } from '../helpers/bot-harness.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { buildDependencies } from '../../src/compose.js';
import { createServer, listen } from '../../src/server.js';
import { freePort } from '../helpers/azurite.js';

describe('walking skeleton over real HTTP', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('when a user sends a first message, then the bot replies with the 1.5 welcome card through the connector', async () => {
    const user = newUser();
    const result = await bot.send(message(bot, user, 'hello'));
    expect(result.status).toBe(200);
    const card = cardOf(result);
    expect(card.version).toBe('1.5');
    expect(cardText(card)).toContain('10 Cs');
    const reply = result.sent.at(-1)!;
    expect((reply.conversation as { id: string }).id).toBe(user.conversationId);
  });

  it('when the user types something unrecognised, then a kind pointer to the commands comes back', async () => {
    const result = await bot.send(message(bot, newUser(), 'what is this'));
    expect(result.sent.at(-1)?.text).toMatch(/start.*resume.*help/s);
  });

  it('when the bot is installed, then it sends the welcome card', async () => {
    const result = await bot.send(installed(bot, newUser()));
    expect(cardText(cardOf(result))).toContain('case references');
  });

  it('when storage answers, then /healthz is 200 ok', async () => {
    const res = await fetch(`${bot.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', storage: 'ok' });
  });

  it('when the body is not JSON, then the server rejects it without reaching the bot', async () => {
    const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe('health when storage is unreachable', () => {
  it('when nothing listens on the table endpoint, then /healthz is 503 and says storage is unreachable', async () => {
    const port = await freePort();
    const config = loadConfig({
      BOT_AUTH: 'disabled',
      PORT: '0',
      TABLES_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
      LOG_LEVEL: 'silent',
    });
    const deps = await buildDependencies(config, createLogger('silent'));
    const running = await listen(
      createServer({ bot: deps.bot, storageHealthy: deps.storageHealthy, logger: deps.logger, maxBodyBytes: 1024 * 64 }),
      '127.0.0.1',
      0,
    );
    try {
      const res = await fetch(`${running.url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'degraded', storage: 'unreachable' });
    } finally {
      await running.close();
    }
  });
});
