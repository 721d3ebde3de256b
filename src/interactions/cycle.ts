import { createHash } from 'node:crypto';
import { z } from 'zod';
import { renderNoticeCard, renderOutcome } from '../cards/assessment-cards.js';
import { compareCard } from '../cards/compare-cards.js';
import { handOverChooseCard, handOverSentCard, reassignChooseCard } from '../cards/cycle-cards.js';
import { VERBS } from '../cards/verbs.js';
import { ASSESSMENT_ID_PATTERN, CaseRefSchema, type Assessment } from '../tencs/assessment.js';
import type { AssessmentService } from '../tencs/assessment-service.js';
import { CycleService, HandOverRefusedError, objectIdOf, type ReassessResult } from '../tencs/cycle/cycle-service.js';
import { NotYourReminderError } from '../tencs/cycle/reminders.js';
import type { ReassignCheck, ReassignService } from '../tencs/cycle/reassign.js';
import { ukDate } from '../tencs/uk-dates.js';
import { ASSESSMENT } from './families.js';
import { needCaseRef } from './messages.js';
import { card, many, message, type Reply } from './reply.js';
import { owned, type Entry, type OwnedFacts } from './table.js';

const Arg = z.string();
const AssessmentIdData = z.object({ assessmentId: z.string().regex(ASSESSMENT_ID_PATTERN) });
const CaseData = z.object({ caseRef: CaseRefSchema });
const HandOverIdData = z.object({ handOverId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) });
const SnoozeData = z.object({ key: z.string().max(120), choice: z.enum(['next-working-day', 'week']) });
const OfferData = z.object({ caseRef: CaseRefSchema, colleague: z.string().max(200).optional(), colleagueId: z.string().max(200).optional() });
const ReviewDateData = AssessmentIdData.extend({ reviewOn: z.string().max(40).default('') });

const verb = (v: string) => ({ kind: 'verb' as const, verb: v });
const notice = (f: OwnedFacts, title: string, text: string): Reply => card(renderNoticeCard(title, text, { personal: f.conversation.personal }));

/** The hand-over's id from the activity that offered it: the same message delivered twice is one offer. */
const offerIdOf = (activityId: string): string => `ho-${createHash('sha256').update(activityId, 'utf8').digest('base64url').slice(0, 24)}`;

/**
 * The case over time (issue 16): reassess and compare, the review date, reminder choices and hand-over.
 * Personal chat only; every rule is in CycleService, and ownership is checked there on every action.
 */
export function cycleEntries(cycle: CycleService, assessments: AssessmentService, reassigning: ReassignService): Entry[] {
  const shown = (a: Assessment): Reply => card(renderOutcome(assessments.showCurrent(a)));

  const reassessed = (f: OwnedFacts, r: ReassessResult, caseRef: string): Reply => {
    if (r.kind === 'none')
      return notice(
        f,
        'Nothing to reassess',
        `You have no completed assessment of case ${caseRef}. Reassess starts from a completed one; type my assessments to see yours.`,
      );
    if (r.kind === 'in-progress')
      return many(message('An assessment of this case is already in progress, so I opened it rather than starting another.'), shown(r.assessment));
    return shown(r.assessment);
  };
  const reassess = async (f: OwnedFacts, caseRef: string): Promise<Reply> =>
    reassessed(f, await cycle.reassess(f.who, caseRef, f.activityId ?? `${f.who.aadObjectId}:${f.at.toISOString()}`, f.at), caseRef);

  const compare = async (f: OwnedFacts, caseRef: string): Promise<Reply> => {
    const c = await cycle.compare(f.who, caseRef);
    return c ? card(compareCard(c)) : notice(f, 'Nothing to compare', `You have no assessment of case ${caseRef}. Type my assessments to see yours.`);
  };

  const chooseColleague = async (f: OwnedFacts, caseRef: string): Promise<Reply> => {
    const n = await cycle.caseCount(f.who, caseRef);
    return n === 0
      ? notice(f, 'Nothing to hand over', `You have no assessment of case ${caseRef}. Type my assessments to see yours.`)
      : card(handOverChooseCard(caseRef, n));
  };

  /** Refusals the domain words itself (not the asker's hand-over, already withdrawn): kind words, nothing changed. */
  const refusable = async (f: OwnedFacts, run: () => Promise<Reply>): Promise<Reply> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof HandOverRefusedError) return notice(f, 'Nothing was changed', error.message);
      if (error instanceof NotYourReminderError)
        return notice(
          f,
          'That reminder is no longer current',
          'The assessment was changed, completed, handed over or deleted since, so there is nothing to snooze.',
        );
      throw error;
    }
  };

  /**
   * An offer card pressed (a hand-over or a reassignment): the colleague must be an Entra object id (the
   * picker's, or the typed fallback; nothing else is accepted), the offer id comes from the activity (Teams
   * sending it again is the same offer), and a colleague tencs cannot reach is told about the same way.
   */
  const offering = (
    f: OwnedFacts,
    d: z.infer<typeof OfferData>,
    what: string,
    offer: (colleague: string, offerId: string) => Promise<Reply | 'unreachable'>,
  ): Promise<Reply> =>
    refusable(f, async () => {
      const colleague = objectIdOf(d.colleague?.trim() ? d.colleague : (d.colleagueId ?? ''));
      if (!colleague)
        return notice(
          f,
          'Choose a colleague',
          'Choose your colleague in the list, or type their Microsoft Entra object id (a code like 00000000-0000-0000-0000-000000000000).',
        );
      const r = await offer(colleague, offerIdOf(f.activityId ?? `${f.who.aadObjectId}:${f.at.toISOString()}`));
      if (r !== 'unreachable') return r;
      return notice(
        f,
        'Your colleague has not opened tencs yet',
        `I could not reach your colleague in Teams, so nothing has changed. Please ask them to open a chat with tencs once (search for it in Teams), then offer ${what} again.`,
      );
    });

  const typedCase = (command: 'reassess' | 'compare' | 'hand-over' | 'reassign', run: (f: OwnedFacts, caseRef: string) => Promise<Reply>): Entry =>
    owned({
      trigger: { kind: 'command', command },
      family: ASSESSMENT,
      where: 'personal',
      schema: Arg,
      run: async (f, arg) => {
        const ref = CaseRefSchema.safeParse(arg);
        return ref.success ? run(f, ref.data) : message(needCaseRef(command === 'hand-over' ? 'hand over' : command));
      },
    });

  /** A button on a completed assessment: its case reference, read from the asker's own assessment. */
  const fromAssessment = (v: string, run: (f: OwnedFacts, caseRef: string) => Promise<Reply>): Entry =>
    owned({
      trigger: verb(v),
      family: ASSESSMENT,
      where: 'personal',
      schema: z.union([AssessmentIdData, CaseData]),
      run: async (f, d) => {
        const caseRef = 'assessmentId' in d ? await cycle.caseRefOf(f.who, d.assessmentId) : d.caseRef;
        return caseRef ? run(f, caseRef) : notice(f, 'This assessment has no case reference', 'Add the case reference on the details step first.');
      },
    });

  const remindersSet = async (f: OwnedFacts, off: boolean): Promise<Reply> => {
    await cycle.setRemindersOff(f.who, off);
    return off
      ? notice(f, 'Reminders are off', 'I will not remind you about review dates or unfinished assessments. Type reminders on to have them again.')
      : notice(f, 'Reminders are on', 'I will remind you in this chat, on working days in working hours, about review dates and assessments left unfinished.');
  };

  /** Why a supervisor cannot reassign a case now, in kind words; nothing was changed. */
  const notReassignable = (f: OwnedFacts, r: Exclude<ReassignCheck, { kind: 'ok' }>, caseRef: string): Reply => {
    if (r.kind === 'unknown')
      return notice(
        f,
        'Teams could not confirm the team just now',
        `I couldn't check with Teams who is in the team case ${caseRef} was shared to, so I haven't changed anything. Please try again in a few minutes.`,
      );
    if (r.kind === 'owner-still-member')
      return notice(
        f,
        'The practitioner is still in the team',
        `Teams tells me the practitioner who shared case ${caseRef} is still a member of your team, so they can hand it over themselves (hand over, in their chat with tencs). Reassigning is for when they have left. Nothing was changed.`,
      );
    return notice(
      f,
      'Nothing you can reassign',
      `Reassigning is for a supervisor the practitioner named when sharing case ${caseRef} to a team, who is still in that team, once the practitioner has left it. I found no such share of this case for you, so nothing was changed.`,
    );
  };

  const reassignEntries: Entry[] = [
    typedCase('reassign', async (f, caseRef) => {
      const r = await reassigning.check(f.who, caseRef);
      if (r.kind !== 'ok') return notReassignable(f, r, caseRef);
      const ids = r.groups.flatMap((g) => g.assessmentIds);
      return card(reassignChooseCard(caseRef, ids.length, [...new Set(r.groups.flatMap((g) => g.teamNames))]));
    }),
    owned({
      trigger: verb(VERBS.reassignOffer),
      family: ASSESSMENT,
      where: 'personal',
      schema: OfferData,
      run: (f, d) =>
        offering(f, d, 'the case', async (colleague, offerId) => {
          // Checked again from the signed sender and Teams: the card that asked may be old, or not theirs.
          const r = await reassigning.reassign(f.who, d.caseRef, colleague, offerId);
          if (r.kind === 'unreachable') return 'unreachable';
          if (r.kind === 'colleague-not-in-team')
            return notice(
              f,
              'Choose a colleague in the team',
              `The case was shared to ${r.teamNames.join(', ')}, and Teams tells me the colleague you chose is not a member of it, so nothing was offered. Choose someone in that team, or add them to the team first.`,
            );
          if (r.kind !== 'offered') return notReassignable(f, r, d.caseRef);
          return many(...r.records.map((rec) => card(handOverSentCard(rec))));
        }),
    }),
  ];

  return [
    ...reassignEntries,
    typedCase('reassess', reassess),
    fromAssessment(VERBS.reassess, reassess),
    typedCase('compare', compare),
    fromAssessment(VERBS.compare, compare),
    typedCase('hand-over', chooseColleague),
    fromAssessment(VERBS.handOverChoose, chooseColleague),

    owned({
      trigger: verb(VERBS.reviewDate),
      family: ASSESSMENT,
      where: 'personal',
      schema: ReviewDateData,
      run: async (f, d) => {
        const r = await cycle.setReviewDate(f.who, d.assessmentId, d.reviewOn);
        if (!r.ok) return notice(f, 'Review date not saved', r.error);
        return many(
          message(`Review date saved: ${ukDate(r.reviewOn)}. I'll remind you in this chat on that day.`),
          shown((await assessments.getOwned(f.who, d.assessmentId)).assessment),
        );
      },
    }),

    owned({
      trigger: { kind: 'command', command: 'reminders' },
      family: ASSESSMENT,
      where: 'personal',
      schema: Arg,
      run: async (f, arg) => {
        const choice = arg.trim().toLowerCase();
        if (choice === 'off' || choice === 'on') return remindersSet(f, choice === 'off');
        const off = await cycle.remindersOff(f.who);
        return message(`Reminders are ${off ? 'off' : 'on'}. Type reminders off or reminders on to change that.`);
      },
    }),
    owned({ trigger: verb(VERBS.remindersOff), family: ASSESSMENT, where: 'personal', schema: z.object({}), run: (f) => remindersSet(f, true) }),
    owned({ trigger: verb(VERBS.remindersOn), family: ASSESSMENT, where: 'personal', schema: z.object({}), run: (f) => remindersSet(f, false) }),
    owned({
      trigger: verb(VERBS.reminderSnooze),
      family: ASSESSMENT,
      where: 'personal',
      schema: SnoozeData,
      run: (f, d) =>
        refusable(f, async () => {
          const until = await cycle.snooze(f.who, d.key, d.choice);
          return notice(f, 'Reminder snoozed', `I'll remind you again on ${ukDate(until.toISOString().slice(0, 10))}.`);
        }),
    }),

    owned({
      trigger: verb(VERBS.handOverOffer),
      family: ASSESSMENT,
      where: 'personal',
      schema: OfferData,
      run: (f, d) =>
        offering(f, d, 'the hand-over', async (colleague, offerId) => {
          const r = await cycle.handOver(f.who, d.caseRef, colleague, offerId);
          if (r.kind === 'none') return notice(f, 'Nothing to hand over', `You have no assessment of case ${d.caseRef}.`);
          if (r.kind === 'unreachable') return 'unreachable';
          return card(handOverSentCard(r.record));
        }),
    }),
    owned({
      trigger: verb(VERBS.handOverAccept),
      family: ASSESSMENT,
      where: 'personal',
      schema: HandOverIdData,
      run: (f, d) =>
        refusable(f, async () => {
          const r = await cycle.accept(f.who, d.handOverId, f.name);
          const n = r.assessmentIds.length;
          return notice(
            f,
            'The case is yours now',
            `${n === 1 ? 'The assessment' : `The ${n} assessments`} of case ${r.caseRef ?? ''} moved to you with every answer, share and note. Type my assessments to see ${n === 1 ? 'it' : 'them'}.`,
          );
        }),
    }),
    owned({
      trigger: verb(VERBS.handOverDecline),
      family: ASSESSMENT,
      where: 'personal',
      schema: HandOverIdData,
      run: (f, d) =>
        refusable(f, async () => {
          await cycle.decline(f.who, d.handOverId);
          return notice(f, 'Hand-over declined', 'Nothing moved: your colleague keeps the assessments and can offer them to someone else.');
        }),
    }),
    owned({
      trigger: verb(VERBS.handOverTakeBack),
      family: ASSESSMENT,
      where: 'personal',
      schema: HandOverIdData,
      run: (f, d) =>
        refusable(f, async () => {
          await cycle.takeBack(f.who, d.handOverId);
          return notice(f, 'Hand-over taken back', 'The assessments stay yours; the offer to your colleague no longer works.');
        }),
    }),
    owned({
      trigger: verb(VERBS.retentionKeep),
      family: ASSESSMENT,
      where: 'personal',
      schema: CaseData,
      run: async (f, d) => {
        const until = await cycle.keepCase(f.who, d.caseRef);
        if (!until) return notice(f, 'Nothing to keep', `You have no assessment of case ${d.caseRef} any more.`);
        return notice(
          f,
          'Kept for another period',
          `The assessments of case ${d.caseRef} are kept until at least ${ukDate(until.slice(0, 10))}. The audit trail notes that you chose this.`,
        );
      },
    }),
  ];
}
