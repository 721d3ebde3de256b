import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../src/interactions/messages.js';
import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, cardText, execute, message, newUser, startTestBot, type TestBot, type TestUser } from '../helpers/bot-harness.js';
import { actionOf, press } from '../helpers/card-driver.js';

type Card = Record<string, unknown>;
const ownerOf = (u: TestUser) => ({ tenantId: u.tenantId, aadObjectId: u.aadObjectId });

describe('"Not now" on the cautions card of a start typed by accident', () => {
  let bot: TestBot;
  const user = newUser('Accidental Starter');
  const intruder = newUser('Someone Else');

  beforeAll(async () => {
    bot = await startTestBot();
  });
  afterAll(async () => {
    await bot.close();
  });

  const start = async (): Promise<{ card: Card; id: string }> => {
    const card = cardOf(await bot.send(message(bot, user, 'start')));
    return { card, id: String(actionOf(card, VERBS.cautionsNotNow, 'Not now').data.assessmentId) };
  };
  const ids = async () => (await bot.deps.assessments.listForOwner(ownerOf(user), 100)).map((m) => m.id);

  it('when nothing has been entered, then the new assessment is deleted, the deletion audited, and a kind message replaces the card', async () => {
    const { card, id } = await start();
    expect(await ids()).toContain(id);
    const result = await press(bot, user, card, VERBS.cautionsNotNow);
    expect(result.status).toBe(200);
    const text = cardText(cardOf(result));
    expect(text).toContain(MESSAGES.notStartedTitle);
    expect(text).toMatch(/Type start whenever you're ready/);
    expect(await ids()).not.toContain(id);
    const trail = await bot.deps.audit.listForAssessments([id]);
    expect(trail.some((e) => e.action === 'deleted' && e.actorId === user.aadObjectId && e.detail === 'not-now')).toBe(true);
  });

  it('when the cautions were already confirmed, then "Not now" on the old card deletes nothing', async () => {
    const { card, id } = await start();
    await press(bot, user, card, VERBS.cautionsAck);
    const result = await press(bot, user, card, VERBS.cautionsNotNow);
    const text = cardText(cardOf(result));
    expect(text).toContain(MESSAGES.keptTitle);
    expect(text).toContain(MESSAGES.alreadyStarted);
    expect(await ids()).toContain(id);
  });

  it('when the card data claims a different revision, then nothing is deleted', async () => {
    const { id } = await start();
    const result = await bot.send(execute(bot, user, VERBS.cautionsNotNow, { assessmentId: id, rev: 3 }));
    expect(cardText(cardOf(result))).toContain(MESSAGES.keptTitle);
    const noRev = await bot.send(execute(bot, user, VERBS.cautionsNotNow, { assessmentId: id }));
    expect(cardText(cardOf(noRev))).toContain(MESSAGES.keptTitle);
    expect(await ids()).toContain(id);
  });

  it("when someone else presses Not now with the owner's assessment id, then they are refused and the assessment stays", async () => {
    const { card, id } = await start();
    const result = await press(bot, intruder, card, VERBS.cautionsNotNow);
    expect(cardText(cardOf(result))).toContain(MESSAGES.notYoursTitle);
    expect(await ids()).toContain(id);
    const trail = await bot.deps.audit.listForAssessments([id]);
    expect(trail.some((e) => e.action === 'refused' && e.actorId === intruder.aadObjectId)).toBe(true);
  });
});
