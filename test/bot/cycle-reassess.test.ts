import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, cardText, execute, message, newUser, startTestBot, type TestBot, type TestUser, type TurnResult } from '../helpers/bot-harness.js';
import { executeActions, inputsOf, press } from '../helpers/card-driver.js';
import { completeAssessment } from '../helpers/full-assessment.js';

type Card = Record<string, unknown>;
const CASE = 'CR-7001';

async function cardFrom(pending: Promise<TurnResult>): Promise<Card> {
  const r = await pending;
  expect(r.status).toBe(200);
  return cardOf(r);
}

/**
 * Reassesses CASE from its latest completed assessment through the cards: the given C steps get the
 * given changes, every other step is saved as carried (confirmed). Returns the completed card.
 */
async function reassess(bot: TestBot, user: TestUser, assessedOn: string, changes: Record<string, Record<string, string>>, seen: string[] = []): Promise<Card> {
  let card = await cardFrom(bot.send(message(bot, user, `reassess ${CASE}`)));
  card = await cardFrom(press(bot, user, card, VERBS.cautionsAck));
  card = await cardFrom(press(bot, user, card, VERBS.stepNext, { assessedOn }));
  for (let n = 1; n <= 10; n++) {
    seen.push(cardText(card));
    card = await cardFrom(press(bot, user, card, VERBS.stepNext, changes[`c${n}`] ?? {}));
  }
  return cardFrom(press(bot, user, card, VERBS.reviewComplete));
}

describe('reassess and compare one case over time, through the real app', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000', RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await bot.close();
  });

  it(
    'when a case is assessed three times, then each reassessment starts from the last with carried marks, the first is unchanged, and the comparison names each change',
    { timeout: 120_000 },
    async () => {
      const user = newUser();
      const who = { tenantId: user.tenantId, aadObjectId: user.aadObjectId };
      const first = await completeAssessment(bot, user, CASE, (field, step) => `${field} in ${step}`);
      const firstCompleted = first.cards.at(-1)!;
      // Completing asked for a review date and stored the default (REVIEW_DEFAULT_DAYS, 91).
      expect(cardText(firstCompleted)).toMatch(/Review date: \d{1,2} [A-Z][a-z]+ \d{4}/);
      const stored1 = (await bot.deps.assessmentRepository.get(who, first.id))!.assessment;
      const expectedReview = new Date(Date.now() + 91 * 86_400_000).toISOString().slice(0, 10);
      expect([expectedReview, new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10)]).toContain(stored1.reviewOn);
      // A first assessment has nothing to compare with on its card.
      expect(executeActions(firstCompleted).map((a) => a.verb)).not.toContain(VERBS.compare);
      expect(executeActions(firstCompleted).map((a) => a.verb)).toContain(VERBS.reassess);

      // Second: C1's risk down from high to low, C10's risk up from medium to high.
      const seen: string[] = [];
      const second = await reassess(bot, user, '2025-01-10', { c1: { risk: 'low' }, c10: { risk: 'high' } }, seen);
      expect(seen[0]).toContain('From the assessment of 3 June 2024: confirm or change');
      expect(seen[4]).toContain('From the assessment of 3 June 2024: confirm or change');
      // The carried answers were there to confirm (what was typed in the first assessment).
      expect(seen[0]).toContain('strengths in c1');
      expect(cardText(second)).toMatch(/Completed/);
      const compareOnCard = executeActions(second).find((a) => a.verb === VERBS.compare);
      expect(compareOnCard).toBeDefined();

      // Nothing of the first assessment changed.
      const firstAfter = (await bot.deps.assessmentRepository.get(who, first.id))!.assessment;
      expect(firstAfter.answers.confidentiality?.risk).toBe('high');
      expect(firstAfter.updatedAt).toBe(stored1.updatedAt);

      const compared2 = cardText(await cardFrom(press(bot, user, second, VERBS.compare)));
      expect(compared2).toContain('The 2 most recent assessments, oldest first: 3 June 2024, 10 January 2025.');
      expect(compared2).toMatch(/C1 [^\n]+\n[\s\S]*?Since the last assessment: risk lower; resilience the same/);
      expect(compared2).toMatch(/Since the last assessment: risk higher; resilience the same/);

      // The reassessment's summary and case-record text say what changed since the last one.
      const summary = cardText(await cardFrom(press(bot, user, second, VERBS.summaryView)));
      expect(summary).toContain('What changed since the last assessment');
      expect(summary).toMatch(/C1 [^\n]*: risk lower \(high, now low\); resilience the same \(some\)\./);
      const copied = await bot.send(
        execute(bot, user, VERBS.summaryCopy, { assessmentId: executeActions(second).find((a) => a.data.assessmentId)!.data.assessmentId as string }),
      );
      const plain = JSON.stringify(copied.sent);
      expect(plain).toContain('WHAT CHANGED SINCE THE LAST ASSESSMENT');
      expect(plain).toContain('Changes since the assessment of 3 June 2024:');
      expect(plain).toMatch(/C10 [^"]*: risk higher \(medium, now high\)/);

      // Third: C2's resilience up from some to strong.
      await reassess(bot, user, '2025-07-10', { c2: { resilience: 'strong' } });
      const compared3 = cardText(await cardFrom(bot.send(message(bot, user, `compare ${CASE.toLowerCase()}`))));
      expect(compared3).toContain('The 3 most recent assessments, oldest first: 3 June 2024, 10 January 2025, 10 July 2025.');
      expect(compared3).toMatch(/Since the last assessment: risk the same; resilience higher/);
      // Each C row shows all three assessments side by side, in words.
      expect(compared3).toMatch(/Risk high; resilience some[\s\S]*Risk low; resilience some[\s\S]*Risk low; resilience some/);

      // Another practitioner's compare or reassess of the same reference finds nothing of this one's.
      const other = newUser('Other');
      expect(cardText(await cardFrom(bot.send(message(bot, other, `compare ${CASE}`))))).toContain('You have no assessment of case CR-7001');
      expect(cardText(await cardFrom(bot.send(message(bot, other, `reassess ${CASE}`))))).toContain('You have no completed assessment of case CR-7001');
    },
  );

  it('when a reassessment is already in progress, then reassess opens it rather than starting a second', { timeout: 120_000 }, async () => {
    const user = newUser();
    await completeAssessment(bot, user, 'CR-7002', (f, s) => `${f} ${s}`);
    const startedCard = await cardFrom(bot.send(message(bot, user, 'reassess CR-7002')));
    const id = inputsOf(startedCard) && executeActions(startedCard).find((a) => a.data.assessmentId)?.data.assessmentId;
    const again = await bot.send(message(bot, user, 'reassess CR-7002'));
    expect(JSON.stringify(again.sent)).toContain('already in progress');
    expect(executeActions(cardOf(again)).find((a) => a.data.assessmentId)?.data.assessmentId).toBe(id);
    const list = await bot.deps.assessments.listForOwner({ tenantId: user.tenantId, aadObjectId: user.aadObjectId }, 10);
    expect(list.filter((m) => m.caseRef === 'CR-7002')).toHaveLength(2);
  });

  it('when reassess or compare is typed without a case reference, then the bot says how to type it', async () => {
    const user = newUser();
    const r = await bot.send(message(bot, user, 'reassess'));
    expect(JSON.stringify(r.sent)).toContain('Type reassess followed by the case reference');
  });
});
