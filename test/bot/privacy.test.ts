import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { MAX_CARD_BYTES } from '../../src/cards/render.js';
import { MESSAGES, needCaseRef } from '../../src/interactions/messages.js';
import { LIMITS } from '../../src/tencs/assessment.js';
import { cardOf, cardText, execute, message, newUser, startTestBot, type TestBot, type TestUser, type TurnResult } from '../helpers/bot-harness.js';
import { actionOf, press } from '../helpers/card-driver.js';
import { completeAssessment } from '../helpers/full-assessment.js';

const ownerOf = (u: TestUser) => ({ tenantId: u.tenantId, aadObjectId: u.aadObjectId });

/** All Adaptive Cards the bot sent in a turn (export and audit may send several). */
const cardsOf = (r: TurnResult) =>
  r.sent.flatMap((a) =>
    ((a.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined) ?? [])
      .filter((x) => x.contentType === 'application/vnd.microsoft.card.adaptive')
      .map((x) => x.content),
  );

describe('delete, export and audit by the owner of a case reference', () => {
  let bot: TestBot;
  const owner = newUser('Owner');
  const intruder = newUser('Intruder');
  let id: string;

  beforeAll(async () => {
    bot = await startTestBot();
    ({ id } = await completeAssessment(bot, owner, 'CR-PRIV-1', (field, step) => `${step} ${field} zxtyped`));
  });
  afterAll(async () => {
    await bot.close();
  });

  const trail = async (assessmentId: string) => bot.deps.audit.listForAssessments([assessmentId]);

  it('when the owner types export with the case reference, then every answer comes back in cards under the size limit, and the export is audited', async () => {
    const result = await bot.send(message(bot, owner, 'export cr-priv-1'));
    const cards = cardsOf(result);
    expect(cards.length).toBeGreaterThan(0);
    const text = cards.map(cardText).join('\n');
    for (let n = 1; n <= 9; n++)
      for (const f of ['strengths', 'vulnerabilities', 'youngPersonView', 'parentView', 'nextSteps']) expect(text).toContain(`c${n} ${f} zxtyped`);
    for (const f of ['analysis', 'impact', 'offlineOther']) expect(text).toContain(`c10 ${f} zxtyped`);
    expect(text).toContain('setup participantsOther zxtyped');
    expect(text).toContain('Audit trail');
    for (const card of cards) expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(MAX_CARD_BYTES);
    expect((await trail(id)).some((e) => e.action === 'exported' && e.actorId === owner.aadObjectId)).toBe(true);
  });

  it('when the owner types audit with the case reference, then the trail lists what happened, by whom, without content', async () => {
    const result = await bot.send(message(bot, owner, 'audit CR-PRIV-1'));
    const text = cardsOf(result).map(cardText).join('\n');
    expect(text).toMatch(/Started the assessment, by you/);
    expect(text).toMatch(/Completed the assessment, by you/);
    expect(text).toMatch(/Exported all stored data, by you/);
    expect(text).not.toContain('zxtyped');
  });

  it("when someone else types export, audit or delete with that case reference, then they are told they have none and nothing of the owner's is shown", async () => {
    for (const command of ['export', 'audit', 'delete']) {
      const result = await bot.send(message(bot, intruder, `${command} CR-PRIV-1`));
      const text = cardsOf(result).map(cardText).join('\n');
      expect(text).toContain(MESSAGES.noneFoundTitle);
      expect(text).not.toContain('zxtyped');
      expect(text).not.toContain(id);
    }
  });

  it('when a command is typed in a channel, then the bot refuses and points to the personal chat', async () => {
    const inChannel = message(bot, owner, 'export CR-PRIV-1', {
      conversation: { id: '19:channel@thread.tacv2', conversationType: 'channel', tenantId: owner.tenantId },
    });
    const result = await bot.send(inChannel);
    expect(result.sent.map((a) => a.text)).toEqual([MESSAGES.privacyPersonalOnly]);
  });

  it('when delete is typed without a case reference, then the bot says how to type it', async () => {
    const result = await bot.send(message(bot, owner, 'delete'));
    expect(result.sent.map((a) => a.text)).toEqual([needCaseRef('delete')]);
  });

  it("when another user presses Delete permanently with the owner's assessment id, then it is refused, kept and audited", async () => {
    const result = await bot.send(execute(bot, intruder, VERBS.privacyDeleteConfirm, { assessmentId: id }));
    expect(cardText(cardOf(result))).toContain(MESSAGES.notYoursTitle);
    expect(await bot.deps.assessmentRepository.get(ownerOf(owner), id)).toBeDefined();
    expect((await trail(id)).some((e) => e.action === 'refused' && e.actorId === intruder.aadObjectId)).toBe(true);
  });

  it('when the owner types delete, then a confirmation comes first; Keep it keeps it; Delete permanently deletes it and the trail remembers', async () => {
    const confirm = cardsOf(await bot.send(message(bot, owner, 'delete CR-PRIV-1')));
    expect(confirm).toHaveLength(1);
    expect(cardText(confirm[0])).toMatch(/Delete this assessment\?/);
    expect(actionOf(confirm[0], VERBS.privacyDeleteConfirm).data.assessmentId).toBe(id);

    const kept = await press(bot, owner, confirm[0], VERBS.privacyDeleteCancel);
    expect(cardText(cardOf(kept))).toContain(MESSAGES.keptTitle);
    expect(await bot.deps.assessmentRepository.get(ownerOf(owner), id)).toBeDefined();

    const deleted = await press(bot, owner, confirm[0], VERBS.privacyDeleteConfirm);
    expect(cardText(cardOf(deleted))).toContain(MESSAGES.deletedTitle);
    expect(await bot.deps.assessmentRepository.get(ownerOf(owner), id)).toBeUndefined();

    const again = await press(bot, owner, confirm[0], VERBS.privacyDeleteConfirm);
    expect(cardText(cardOf(again))).toContain(MESSAGES.notYoursTitle);

    // The trail outlives the assessment and can still be read by its owner.
    const audit = cardsOf(await bot.send(message(bot, owner, 'audit CR-PRIV-1')))
      .map(cardText)
      .join('\n');
    expect(audit).toMatch(/Deleted the assessment, by you/);
    expect(audit).toMatch(/Was refused access \(not the owner\)/);
  });
});

describe('export of a very long assessment', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('when every field is at its limit in multi-byte characters, then the export spreads over several cards, each under the limit, with nothing lost', async () => {
    const user = newUser();
    const long = (field: string, step: string) => {
      const prefix = `${step}:${field}:`;
      // Long enough to need several export cards, short enough for one step card (LIMITS.cardTextBytes).
      const max = field === 'analysis' ? 1700 : field.endsWith('Other') ? LIMITS.otherText : 500;
      return prefix + '€'.repeat(max - prefix.length);
    };
    await completeAssessment(bot, user, 'CR-LONG-1', long);
    const cards = cardsOf(await bot.send(message(bot, user, 'export CR-LONG-1')));
    expect(cards.length).toBeGreaterThan(1);
    for (const card of cards) expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(MAX_CARD_BYTES);
    const text = cards.map(cardText).join('\n');
    for (let n = 1; n <= 9; n++) expect(text).toContain(long('nextSteps', `c${n}`));
    expect(text).toContain(long('analysis', 'c10'));
  });
});
