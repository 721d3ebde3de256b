import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TURN_ERROR_MESSAGE } from '../../src/bot/adapter.js';
import { CONNECTOR_WAIT_CAP_MS } from '../../src/bot/connector-retry-cap.js';
import { message, newUser, startTestBot, type TestBot } from '../helpers/bot-harness.js';
import type { ConnectorCall } from '../helpers/connector.js';

// Teams drops the bot's HTTP response after about 15 s and redelivers; a turn must end well before.

describe('when the Bot Connector throttles a reply to a typed message', () => {
  let bot: TestBot;

  beforeAll(async () => {
    bot = await startTestBot();
  });
  afterAll(async () => {
    await bot.close();
  });

  async function help(fault: (activity: Record<string, unknown>) => void) {
    const user = newUser();
    const activity = message(bot, user, 'help');
    fault(activity);
    const replies = () => bot.connector.calls.filter((c: ConnectorCall) => c.body.replyToId === activity.id);
    const result = await bot.send(activity);
    return { result, replies: replies() };
  }

  it('when the connector asks for a short wait (Retry-After 1), then the reply waits and is delivered once', async () => {
    const { result, replies } = await help((a) =>
      bot.connector.fail({ status: 429, headers: { 'Retry-After': '1' }, match: (c) => c.body.replyToId === a.id }),
    );
    expect(result.status).toBe(200);
    expect(replies.map((c) => c.status)).toEqual([429, 200]);
    expect(replies.some((c) => c.body.text === TURN_ERROR_MESSAGE)).toBe(false);
  });

  it('when the connector asks for a long wait (Retry-After 30), then the reply is not retried and the turn ends at once with the apology', async () => {
    const { result, replies } = await help((a) =>
      bot.connector.fail({ status: 429, headers: { 'Retry-After': '30' }, match: (c) => c.body.replyToId === a.id }),
    );
    // The help reply was tried once; the only other call is the apology onTurnError sends.
    expect(replies.map((c) => c.status)).toEqual([429, 200]);
    expect(replies[1]!.body.text).toBe(TURN_ERROR_MESSAGE);
    expect(result.status).toBe(200);
  });

  it('when the connector keeps asking for a long wait, then the turn fails (500) at once so Teams redelivers later', async () => {
    const { result, replies } = await help((a) =>
      bot.connector.fail(...[1, 2].map(() => ({ status: 429, headers: { 'Retry-After': '30' }, match: (c: ConnectorCall) => c.body.replyToId === a.id }))),
    );
    expect(replies.map((c) => c.status)).toEqual([429, 429]);
    expect(result.status).toBe(500);
  });

  it('when short waits add up past the cap, then each call stops retrying before it would wait more than the cap', async () => {
    // Retry-After 2: each call fits as many 2 s waits as the cap allows, then gives up (the SDK default waits 2+2+2).
    const triesPerCall = Math.floor(CONNECTOR_WAIT_CAP_MS / 2000) + 1;
    const { result, replies } = await help((a) =>
      bot.connector.fail(
        ...Array.from({ length: 2 * triesPerCall }, () => ({
          status: 429,
          headers: { 'Retry-After': '2' },
          match: (c: ConnectorCall) => c.body.replyToId === a.id,
        })),
      ),
    );
    bot.connector.clearFaults();
    // The help reply, then the apology, each tried triesPerCall times; nothing got through, so Teams will redeliver.
    expect(replies.map((c) => c.status)).toEqual(Array.from({ length: 2 * triesPerCall }, () => 429));
    expect(replies[triesPerCall]!.body.text).toBe(TURN_ERROR_MESSAGE);
    expect(replies[triesPerCall - 1]!.body.text).not.toBe(TURN_ERROR_MESSAGE);
    expect(result.status).toBe(500);
  });
});
