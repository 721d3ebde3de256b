import { expect } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, message, type TestBot, type TestUser, type TurnResult } from './bot-harness.js';
import { executeActions, press } from './card-driver.js';

type Card = Record<string, unknown>;

/** What a practitioner typed into one field of one step, so a test can trace where it went. */
export type Typed = (field: string, step: string) => string;

/** A whole assessment driven through the cards, every card seen and the id it got. */
export interface DrivenAssessment {
  readonly id: string;
  readonly cards: Card[];
  readonly results: TurnResult[];
}

const C_FIELDS = ['strengths', 'vulnerabilities', 'youngPersonView', 'parentView', 'nextSteps'] as const;

/**
 * Drives start, cautions, setup, the ten Cs, the composite and review to completion over HTTP, with
 * `typed(field, step)` in every free-text field. The case reference must be a valid one.
 */
export async function completeAssessment(bot: Pick<TestBot, 'send' | 'connector'>, user: TestUser, caseRef: string, typed: Typed): Promise<DrivenAssessment> {
  const cards: Card[] = [];
  const results: TurnResult[] = [];
  const go = async (pending: Promise<TurnResult>): Promise<Card> => {
    const r = await pending;
    expect(r.status).toBe(200);
    results.push(r);
    const card = cardOf(r);
    cards.push(card);
    return card;
  };
  let card = await go(bot.send(message(bot, user, 'start')));
  card = await go(press(bot, user, card, VERBS.cautionsAck));
  card = await go(
    press(bot, user, card, VERBS.stepNext, {
      caseRef,
      ageBand: '14-15',
      participants: 'young-person,parent-carer',
      participantsOther: typed('participantsOther', 'setup'),
      assessedOn: '2024-06-03',
    }),
  );
  for (let n = 1; n <= 9; n++) {
    const step = `c${n}`;
    const answers = Object.fromEntries(C_FIELDS.map((f) => [f, typed(f, step)]));
    card = await go(press(bot, user, card, VERBS.stepNext, { ...answers, risk: 'high', resilience: 'some' }));
  }
  card = await go(
    press(bot, user, card, VERBS.stepNext, {
      strengths: typed('strengths', 'c10'),
      youngPersonView: typed('youngPersonView', 'c10'),
      parentView: typed('parentView', 'c10'),
      nextSteps: typed('nextSteps', 'c10'),
      risk: 'medium',
      resilience: 'low',
      offlineFactors: 'domestic-abuse',
      offlineOther: typed('offlineOther', 'c10'),
      analysis: typed('analysis', 'c10'),
      impact: typed('impact', 'c10'),
    }),
  );
  const id = String(executeActions(card).find((a) => a.data.assessmentId)?.data.assessmentId);
  await go(press(bot, user, card, VERBS.reviewComplete));
  return { id, cards, results };
}
