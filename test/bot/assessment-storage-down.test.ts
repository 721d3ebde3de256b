import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../helpers/azurite.js';
import { cardOf, cardText, message, newUser, startTestBot, type TestBot } from '../helpers/bot-harness.js';
import { inputsOf, press } from '../helpers/card-driver.js';

describe('when Table Storage goes away in the middle of an assessment', () => {
  const location = mkdtempSync(path.join(tmpdir(), 'tencs-h1-down-'));
  let azurite: AzuriteHandle;
  let bot: TestBot;

  beforeAll(async () => {
    azurite = await startAzurite({ location });
    bot = await startTestBot({ TABLES_CONNECTION_STRING: azurite.connectionString });
  });
  afterAll(async () => {
    await bot.close();
    await azurite.stop();
    rmSync(location, { recursive: true, force: true });
  });

  it('then a save says it was not saved, keeps every word on the card, and the same press works once storage is back', async () => {
    const user = newUser();
    let card = cardOf(await bot.send(message(bot, user, 'start')));
    card = cardOf(await press(bot, user, card, 'tencs.cautions.ack'));
    const c1 = cardOf(
      await press(bot, user, card, 'tencs.step.next', { caseRef: 'CR-77', ageBand: '11-13', participants: 'young-person', assessedOn: '2024-02-03' }),
    );
    const typed = {
      strengths: 'Talks to her older cousin',
      vulnerabilities: 'Late-night gaming chat',
      risk: 'medium',
      resilience: 'some',
      youngPersonView: 'It is fine',
      parentView: '',
      nextSteps: 'Safety plan',
    };

    await azurite.stop();
    const down = await press(bot, user, c1, 'tencs.step.next', typed);
    expect(down.status).toBe(200);
    const retry = cardOf(down);
    expect(cardText(retry)).toContain('C 1 of 10');
    expect(cardText(retry)).toMatch(/wasn't saved.*try again/);
    expect(inputsOf(retry)).toMatchObject(typed);

    const resume = await bot.send(message(bot, user, 'resume'));
    expect(cardText(cardOf(resume))).toMatch(/couldn't reach storage/);

    azurite = await startAzurite({ location, port: azurite.port });
    const up = cardOf(await press(bot, user, retry, 'tencs.step.next'));
    expect(cardText(up)).toContain('C 2 of 10');
    const back = cardOf(await press(bot, user, up, 'tencs.step.back'));
    expect(inputsOf(back)).toMatchObject(typed);
  });
});
