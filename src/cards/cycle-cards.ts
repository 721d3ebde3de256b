import type { ReminderMessage } from '../tencs/cycle/reminders.js';
import type { HandOverRecord } from '../tencs/cycle/hand-over.js';
import { ukDateTime } from '../tencs/uk-dates.js';
import { renderCard, type AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

/** Verbs of the case-over-time cards (they live in VERBS; this alias keeps older imports working). */
export const CYCLE_VERBS = {
  reassess: VERBS.reassess,
  compare: VERBS.compare,
  reminderSnooze: VERBS.reminderSnooze,
  remindersOff: VERBS.remindersOff,
  handOverAccept: VERBS.handOverAccept,
  handOverDecline: VERBS.handOverDecline,
  handOverTakeBack: VERBS.handOverTakeBack,
  retentionKeep: VERBS.retentionKeep,
} as const;

/** The reminder in personal chat: Reassess (review) or Resume (unfinished), Snooze, Turn off. */
export function reminderCard(m: ReminderMessage): AdaptiveCardJson {
  const review = m.kind === 'review';
  return renderCard('reminder', {
    title: review ? 'Review date reached' : 'An assessment is waiting for you',
    text: m.text,
    review,
    assessmentId: m.assessmentId,
    key: m.baseKey,
  });
}

/** The offer the colleague sees in their personal chat. */
export function handOverOfferCard(r: HandOverRecord): AdaptiveCardJson {
  const n = r.assessmentIds.length;
  return renderCard('hand-over-offer', {
    title: r.by ? 'A supervisor is reassigning a case to you' : 'A colleague is handing an assessment to you',
    reassigned: r.by !== undefined,
    caseRef: r.caseRef ?? 'without a case reference',
    countText: n === 1 ? ': one assessment.' : `: ${n} assessments.`,
    handOverId: r.id,
  });
}

/** The warning two weeks before a case's assessments are deleted. */
export function retentionWarningCard(caseRef: string, deleteAfter: string): AdaptiveCardJson {
  return renderCard('retention-warning', { caseRef, whenText: `: its assessments will be deleted after ${ukDateTime(deleteAfter)}.` });
}

const countText = (n: number): string => (n === 1 ? ': one assessment.' : `: ${n} assessments.`);

/** The owner chooses the colleague: Teams' people picker, with a typed object id where no names appear (the Playground). */
export function handOverChooseCard(caseRef: string, count: number): AdaptiveCardJson {
  return renderCard('hand-over-choose', { caseRef, countText: countText(count) });
}

/** What the owner sees once the offer is on its way, with Take back. */
export function handOverSentCard(r: HandOverRecord): AdaptiveCardJson {
  return renderCard('hand-over-sent', { caseRef: r.caseRef ?? 'without a case reference', countText: countText(r.assessmentIds.length), handOverId: r.id });
}

/** A named supervisor chooses the colleague who takes over a departed practitioner's assessments shared to their team. */
export function reassignChooseCard(caseRef: string, count: number, teamNames: readonly string[]): AdaptiveCardJson {
  return renderCard('reassign-choose', { caseRef, countText: countText(count), teamsText: teamNames.join(', ') });
}
