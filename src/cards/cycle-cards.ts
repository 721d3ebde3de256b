import type { ReminderMessage } from '../tencs/cycle/reminders.js';
import type { HandOverRecord } from '../tencs/cycle/hand-over.js';
import { ukDateTime } from '../tencs/uk-dates.js';
import { renderCard, type AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

/** Verbs of the case-over-time cards (merge into VERBS when the handlers are bound). */
export const CYCLE_VERBS = {
  reassess: 'tencs.reassess',
  compare: 'tencs.compare',
  reminderSnooze: 'tencs.reminder.snooze',
  remindersOff: 'tencs.reminders.off',
  handOverAccept: 'tencs.handover.accept',
  handOverDecline: 'tencs.handover.decline',
  handOverTakeBack: 'tencs.handover.takeBack',
  retentionKeep: 'tencs.retention.keep',
} as const;

/** The reminder in personal chat: Reassess (review) or Resume (unfinished), Snooze, Turn off. */
export function reminderCard(m: ReminderMessage): AdaptiveCardJson {
  const review = m.kind === 'review';
  return renderCard('reminder', {
    title: review ? 'Review date reached' : 'An assessment is waiting for you',
    text: m.text,
    mainTitle: review ? 'Reassess' : 'Resume',
    mainVerb: review ? CYCLE_VERBS.reassess : VERBS.open,
    assessmentId: m.assessmentId,
    key: m.baseKey,
    verbs: { snooze: CYCLE_VERBS.reminderSnooze, off: CYCLE_VERBS.remindersOff },
  });
}

/** The offer the colleague sees in their personal chat. */
export function handOverOfferCard(r: HandOverRecord): AdaptiveCardJson {
  const n = r.assessmentIds.length;
  return renderCard('hand-over-offer', {
    caseRef: r.caseRef ?? 'without a case reference',
    countText: n === 1 ? ': one assessment.' : `: ${n} assessments.`,
    handOverId: r.id,
    verbs: { accept: CYCLE_VERBS.handOverAccept, decline: CYCLE_VERBS.handOverDecline },
  });
}

/** The warning two weeks before a case's assessments are deleted. */
export function retentionWarningCard(caseRef: string, deleteAfter: string): AdaptiveCardJson {
  return renderCard('retention-warning', { caseRef, whenText: `: its assessments will be deleted after ${ukDateTime(deleteAfter)}.`, verbs: { keep: CYCLE_VERBS.retentionKeep } });
}
