import type { Owner } from '../owner.js';
import { ukDate } from '../uk-dates.js';
import { addDays, isWorkingTime, localTime, startOfNextWorkingDay, type WorkingHours } from './working-time.js';

export type ReminderKind = 'review' | 'unfinished';

/** An assessment that may need a reminder, as the scan found it: ids, dates and the case reference only. */
export interface ReminderCandidate {
  readonly owner: Owner;
  readonly assessmentId: string;
  readonly caseRef: string | undefined;
  readonly kind: ReminderKind;
  /** The review day (review) or the last change (unfinished): part of the key, so a new date is a new reminder. */
  readonly since: string;
}

/** The reminder's identity: the same assessment, kind and date always give the same key. */
export function reminderBaseKey(c: Pick<ReminderCandidate, 'assessmentId' | 'kind' | 'since'>): string {
  return `${c.kind}|${c.assessmentId}|${c.since}`;
}

/** Each snooze starts a new round of the same reminder, which may be sent once more. */
export function reminderKey(baseKey: string, round: number): string {
  return `${baseKey}|${round}`;
}

export interface Snooze {
  readonly until: string;
  readonly round: number;
}

/** What reminders need from storage: scan, re-check, preferences, snoozes and insert-if-absent "sent" marks. */
export interface ReminderStore {
  /** Completed assessments with a review day on or before `today`, and unfinished ones untouched since `staleBefore`. */
  candidates(today: string, staleBefore: string): Promise<ReminderCandidate[]>;
  /** True when the candidate still stands: the assessment exists, is still the owner's, and its date is unchanged. */
  stillDue(c: ReminderCandidate): Promise<boolean>;
  remindersOff(owner: Owner): Promise<boolean>;
  setRemindersOff(owner: Owner, off: boolean): Promise<void>;
  snoozeOf(owner: Owner, baseKey: string): Promise<Snooze | undefined>;
  setSnooze(owner: Owner, baseKey: string, snooze: Snooze): Promise<void>;
  /**
   * Records that this run sends this reminder; false if it was sent already, or another run (this or another
   * instance) is sending it. A claim never confirmed and made before `staleBefore` is taken over: its run died
   * between the claim and the send, and the reminder would otherwise never come.
   */
  claim(owner: Owner, key: string, at: string, staleBefore: string): Promise<boolean>;
  /** Confirms that the claimed reminder was sent, so no later run sends it again. */
  confirm(owner: Owner, key: string): Promise<void>;
  /** Takes a claim back after the send failed, so the next run tries again. */
  release(owner: Owner, key: string): Promise<void>;
}

/** What a reminder card says; the card template is cards/reminder.json. */
export interface ReminderMessage {
  readonly owner: Owner;
  readonly key: string;
  readonly baseKey: string;
  readonly assessmentId: string;
  readonly caseRef: string | undefined;
  readonly kind: ReminderKind;
  readonly text: string;
}

/** Sends a message to the practitioner's personal chat. */
export interface ReminderSender {
  send(message: ReminderMessage): Promise<void>;
}

export interface ReminderContext {
  readonly now: Date;
  readonly store: ReminderStore;
  readonly sender: ReminderSender;
  readonly hours: WorkingHours;
  readonly staleDays: number;
}

export interface ReminderRun {
  readonly sent: number;
  readonly skipped: number;
  readonly outsideHours: boolean;
}

function message(c: ReminderCandidate, key: string, baseKey: string): ReminderMessage {
  const ref = c.caseRef ?? 'without a case reference';
  const text =
    c.kind === 'review'
      ? `The review date for case ${ref} was ${ukDate(c.since)}. When you are ready, reassess to see what has changed since.`
      : `Your assessment for case ${ref} has not been changed since ${ukDate(c.since.slice(0, 10))}. Carry on where you left off when you are ready.`;
  return { owner: c.owner, key, baseKey, assessmentId: c.assessmentId, caseRef: c.caseRef, kind: c.kind, text };
}

/**
 * How long a claimed reminder may stay unconfirmed before a later run takes it over and sends it. Far longer
 * than a send takes (every connector call has its own timeout), so a run still sending is never overtaken;
 * only a run that died between its claim and its confirmation leaves one this old. The one case that sends
 * twice: the process dies after Teams took the message and before the confirmation was written.
 */
export const UNCONFIRMED_CLAIM_MS = 10 * 60_000;

/**
 * The reminder job, run by the single-runner job mechanism: in working time only, it sends each due
 * reminder once (a "sent" mark is inserted before sending and confirmed after; a mark its run never
 * confirmed is taken over after UNCONFIRMED_CLAIM_MS), never when the practitioner turned reminders off,
 * while snoozed, or when the assessment was deleted or handed over since the scan.
 */
export async function runReminders(ctx: ReminderContext): Promise<ReminderRun> {
  if (!isWorkingTime(ctx.now, ctx.hours)) return { sent: 0, skipped: 0, outsideHours: true };
  const today = localTime(ctx.now, ctx.hours.timeZone).day;
  const staleBefore = new Date(ctx.now.getTime() - ctx.staleDays * 86_400_000).toISOString();
  let sent = 0;
  let skipped = 0;
  for (const c of await ctx.store.candidates(today, staleBefore)) {
    const baseKey = reminderBaseKey(c);
    const snooze = await ctx.store.snoozeOf(c.owner, baseKey);
    const due = !(await ctx.store.remindersOff(c.owner)) && !(snooze && snooze.until > ctx.now.toISOString());
    if (!due || !(await ctx.store.stillDue(c))) {
      skipped++;
      continue;
    }
    const key = reminderKey(baseKey, snooze?.round ?? 0);
    if (!(await ctx.store.claim(c.owner, key, ctx.now.toISOString(), new Date(ctx.now.getTime() - UNCONFIRMED_CLAIM_MS).toISOString()))) {
      skipped++;
      continue;
    }
    try {
      await ctx.sender.send(message(c, key, baseKey));
    } catch (error) {
      await ctx.store.release(c.owner, key);
      throw new Error(`Reminder ${key} was not sent`, { cause: error });
    }
    await ctx.store.confirm(c.owner, key);
    sent++;
  }
  return { sent, skipped, outsideHours: false };
}

export type SnoozeChoice = 'next-working-day' | 'week';

/** When a snoozed reminder may come back: the next working morning, or a week on (at the next working time). */
export function snoozeUntil(choice: SnoozeChoice, now: Date, hours: WorkingHours): Date {
  const today = localTime(now, hours.timeZone).day;
  return startOfNextWorkingDay(choice === 'week' ? addDays(today, 6) : today, hours);
}

/** Thrown when a card asks to snooze a reminder that is not the asker's. */
export class NotYourReminderError extends Error {
  override readonly name = 'NotYourReminderError';
}

/**
 * Snoozes the asker's reminder. The key comes from card data (client-controlled), so it is re-checked:
 * it must be a well-formed reminder key, and the snooze is stored in the asker's own partition only.
 */
export async function snoozeReminder(store: ReminderStore, asker: Owner, baseKey: string, choice: SnoozeChoice, now: Date, hours: WorkingHours): Promise<Date> {
  const m = /^(review|unfinished)\|([0-9]{13}-[A-Za-z0-9_-]{12})\|([0-9T:.Z-]{10,24})$/.exec(baseKey);
  if (!m) throw new NotYourReminderError('Not a reminder key');
  const candidate: ReminderCandidate = { owner: asker, assessmentId: m[2]!, caseRef: undefined, kind: m[1] as ReminderKind, since: m[3]! };
  if (!(await store.stillDue(candidate))) throw new NotYourReminderError("The assessment is not the asker's, or it changed");
  const previous = await store.snoozeOf(asker, baseKey);
  const until = snoozeUntil(choice, now, hours);
  await store.setSnooze(asker, baseKey, { until: until.toISOString(), round: (previous?.round ?? 0) + 1 });
  return until;
}
