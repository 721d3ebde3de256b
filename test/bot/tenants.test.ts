import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, cardText, execute, message, newUser, startTestBot, TEST_TENANT, type TestBot } from '../helpers/bot-harness.js';

describe('tenant allow-list, checked before any handler', () => {
  let bot: TestBot;
  const secondTenant = randomUUID();

  beforeAll(async () => {
    // Upper case in config: tenant ids are GUIDs and compare case-insensitively.
    bot = await startTestBot({ ALLOWED_TENANTS: `${TEST_TENANT.toUpperCase()}, ${secondTenant}` });
  });
  afterAll(async () => {
    await bot.close();
  });

  const handled = (activityId: unknown): boolean => bot.logLines.some((l) => l.includes('"event":"message.command"') && l.includes(String(activityId)));

  it('when a user in an allowed tenant writes, then the bot answers', async () => {
    const activity = message(bot, newUser(), 'hello');
    const result = await bot.send(activity);
    expect(result.status).toBe(200);
    expect(handled(activity.id)).toBe(true);
    expect(cardText(cardOf(result))).toContain('10 Cs');
  });

  it('when a user in the second allowed tenant writes, then the bot answers', async () => {
    const result = await bot.send(message(bot, newUser('Other council', secondTenant), 'hello'));
    expect(result.status).toBe(200);
    expect(result.sent.length).toBeGreaterThan(0);
  });

  it('when a user in another tenant writes, then 403, no handler runs and the log carries only ids', async () => {
    const outsider = newUser('Outsider', randomUUID());
    const activity = message(bot, outsider, 'hello, distinctive-outsider-words');
    const before = bot.logLines.length;
    const result = await bot.send(activity);
    expect(result.status).toBe(403);
    expect(result.sent).toEqual([]);
    expect(handled(activity.id)).toBe(false);
    const lines = bot.logLines.slice(before);
    const rejection = lines.find((l) => l.includes('"event":"tenant.rejected"'));
    expect(rejection).toBeDefined();
    expect(rejection).toContain(outsider.tenantId);
    for (const line of lines) {
      expect(line).not.toContain('distinctive-outsider-words');
      expect(line).not.toContain('Outsider');
    }
  });

  it('when a card action comes from another tenant, then 403 and no card comes back', async () => {
    const result = await bot.send(execute(bot, newUser('Outsider', randomUUID()), VERBS.help));
    expect(result.status).toBe(403);
    expect(result.body).toBeUndefined();
    expect(result.sent).toEqual([]);
  });

  it('when the activity names no tenant at all, then 403', async () => {
    const activity = message(bot, newUser(), 'hello');
    activity.channelData = {};
    activity.conversation = { ...(activity.conversation as object), tenantId: undefined };
    const result = await bot.send(activity);
    expect(result.status).toBe(403);
    expect(handled(activity.id)).toBe(false);
  });

  it('when channelData names an allowed tenant but the conversation belongs to another, then 403', async () => {
    const activity = message(bot, newUser('Outsider', randomUUID()), 'hello');
    activity.channelData = { tenant: { id: TEST_TENANT } };
    const result = await bot.send(activity);
    expect(result.status).toBe(403);
    expect(handled(activity.id)).toBe(false);
  });
});
