import type { Assessment } from '../assessment.js';
import { assessmentIdFor } from '../assessment.js';
import { sameCaseRef, type AuditLog } from '../audit.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { ownerKey, type Owner } from '../owner.js';
import type { AssessmentMeta, StoredAssessment } from '../ports.js';
import { C_IDS } from '../ten-cs.js';
import { caseRetention, keepCase } from './case-retention.js';
import { compareCase, type CaseComparison, type PlanAction } from './compare.js';
import type { CycleConfig } from './cycle-config.js';
import { HandOverRefusedError, type HandOverRecord } from './hand-over.js';
import { reassessFrom, startReassessment } from './reassess.js';
import { defaultReviewDate, reviewDateSchema, withReviewDate } from './review-date.js';
import { snoozeReminder, type ReminderStore, type SnoozeChoice } from './reminders.js';
import { localTime } from './working-time.js';

/** The assessments of one owner, with the hand-over rule applied (src/storage/owned-assessment-store.ts). */
export interface CaseAssessmentStore {
  create(assessment: Assessment): Promise<StoredAssessment>;
  get(owner: Owner, id: string): Promise<StoredAssessment | undefined>;
  replace(assessment: Assessment, etag: string): Promise<string>;
  /** Every assessment of the case the owner may use: the owner's partition only, every page. */
  listForCase(owner: Owner, caseRef: string): Promise<AssessmentMeta[]>;
}

/** The owner's choices about a case's retention (src/storage/case-keep-store.ts; in the owner's reminders partition). */
export interface CaseKeepStore {
  keptUntil(owner: Owner, caseRef: string): Promise<string | undefined>;
  setKeptUntil(owner: Owner, caseRef: string, until: string): Promise<void>;
  warnedAt(owner: Owner, caseRef: string): Promise<string | undefined>;
  setWarnedAt(owner: Owner, caseRef: string, at: string): Promise<void>;
}

/** The hand-over saga (src/storage/hand-over-store.ts). */
export interface HandOverPort {
  get(id: string): Promise<{ record: HandOverRecord } | undefined>;
  offer(id: string, from: Owner, to: Owner, assessmentIds: readonly string[]): Promise<HandOverRecord>;
  withdraw(id: string, actor: Owner, how: 'declined' | 'taken-back'): Promise<HandOverRecord>;
  accept(id: string, actor: Owner, actorName?: string): Promise<HandOverRecord>;
}

/** What tencs sends on its own to a practitioner's personal chat. */
export type PersonalMessage =
  | { readonly kind: 'hand-over-offer'; readonly record: HandOverRecord }
  | { readonly kind: 'retention-warning'; readonly caseRef: string; readonly deleteAfter: string };

/** Sends to a practitioner's personal chat; false when tencs cannot reach them (not installed, never opened). */
export interface PersonalChat {
  /** `via`: someone in the same tenant whose chat gives the service URL when `to` has none on record yet. */
  send(to: Owner, message: PersonalMessage, via?: Owner): Promise<boolean>;
}

export type ReassessResult =
  | { readonly kind: 'started'; readonly assessment: Assessment }
  /** An assessment of the case is already in progress: it is opened instead of a second one. */
  | { readonly kind: 'in-progress'; readonly assessment: Assessment }
  | { readonly kind: 'none' };

export type HandOverResult =
  | { readonly kind: 'offered'; readonly record: HandOverRecord }
  /** The colleague's personal chat could not be reached: the offer was taken back, nothing changed. */
  | { readonly kind: 'unreachable' }
  | { readonly kind: 'none' };

const optional = async <K extends string>(key: K, value: Promise<string | undefined>): Promise<Partial<Record<K, string>>> => {
  const v = await value;
  return v === undefined ? {} : ({ [key]: v } as Record<K, string>);
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An Entra object id as a people picker gives it (or as typed): a GUID, lower-cased; undefined otherwise. */
export function objectIdOf(value: string): string | undefined {
  const v = value.trim().toLowerCase();
  return GUID.test(v) ? v : undefined;
}

/** The plan's actions of an assessment, each with who and by when when given (the compare card lists those due). */
export function planActions(a: Assessment): PlanAction[] {
  const out: PlanAction[] = [];
  for (const id of C_IDS) {
    const c = a.answers[id];
    if (!c) continue;
    if (c.nextSteps.trim())
      out.push({ what: c.nextSteps, ...(c.nextStepsWho ? { who: c.nextStepsWho } : {}), ...(c.nextStepsBy ? { byWhen: c.nextStepsBy } : {}) });
    for (const s of c.moreSteps ?? []) out.push({ what: s.what, ...(s.who ? { who: s.who } : {}), ...(s.by ? { byWhen: s.by } : {}) });
  }
  return out;
}

/**
 * The case over time, bound to storage through ports: reassess, compare, the review date, reminder
 * preferences and snoozes, hand-over. Every read goes through the owner's own partition, so another
 * person's case reference or assessment id is simply not found.
 */
export class CycleService {
  constructor(
    private readonly store: CaseAssessmentStore,
    private readonly reminders: ReminderStore,
    private readonly handOvers: HandOverPort,
    private readonly personal: PersonalChat,
    private readonly audit: AuditLog,
    private readonly keeps: CaseKeepStore,
    private readonly config: CycleConfig,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async owned(owner: Owner, id: string): Promise<StoredAssessment> {
    const s = await this.store.get(owner, id);
    if (!s) throw new NotFoundError('No such assessment for this owner');
    return s;
  }

  private today(): string {
    return localTime(this.now(), this.config.hours.timeZone).day;
  }

  /** The case reference of one of the owner's assessments (from a card button). */
  async caseRefOf(owner: Owner, assessmentId: string): Promise<string | undefined> {
    return (await this.owned(owner, assessmentId)).assessment.setup?.caseRef;
  }

  /** How many of the owner's assessments have this case reference. */
  async caseCount(owner: Owner, caseRef: string): Promise<number> {
    return (await this.store.listForCase(owner, caseRef)).length;
  }

  /**
   * The owner keeps a case for another full retention period (from the warning card; the case
   * reference is card data, so only the asker's own assessments of it count). Audited against each.
   * Undefined when the asker has no assessment of the case.
   */
  async keepCase(owner: Owner, caseRef: string): Promise<string | undefined> {
    const rows = await this.store.listForCase(owner, caseRef);
    if (rows.length === 0) return undefined;
    const until = keepCase(this.now(), this.config.caseRetentionDays);
    for (const r of rows)
      await this.audit.record({
        actorTenantId: owner.tenantId,
        actorId: owner.aadObjectId,
        action: 'kept',
        assessmentId: r.id,
        ownerKey: ownerKey(owner),
        ...(r.caseRef ? { caseRef: r.caseRef } : {}),
      });
    await this.keeps.setKeptUntil(owner, caseRef, until);
    return until;
  }

  /**
   * The purge asks, once per owner and case a run: may this case's assessments go? Only when the case
   * has had no activity for the case retention period (or a later "keep") and a warning sent to the
   * owner's personal chat has stood for the warning period. Sends the warning when it is due.
   */
  async mayDeleteCase(owner: Owner, caseRef: string): Promise<boolean> {
    const rows = await this.store.listForCase(owner, caseRef);
    if (rows.length === 0) return false;
    const decision = caseRetention({
      assessments: rows,
      ...(await optional('keptUntil', this.keeps.keptUntil(owner, caseRef))),
      ...(await optional('warnedAt', this.keeps.warnedAt(owner, caseRef))),
      now: this.now(),
      retentionDays: this.config.caseRetentionDays,
      warningDays: this.config.retentionWarningDays,
    });
    if (decision.action === 'delete') return true;
    if (decision.action === 'warn') {
      // Recorded as warned only once it reached the owner: a warning that did not arrive delays the deletion.
      if (await this.personal.send(owner, { kind: 'retention-warning', caseRef: rows[0]?.caseRef ?? caseRef, deleteAfter: decision.deleteAfter })) {
        await this.keeps.setWarnedAt(owner, caseRef, this.now().toISOString());
      }
    }
    return false;
  }

  /** Starts the next assessment of a case from its latest completed one; the earlier one is only read. */
  async reassess(owner: Owner, caseRef: string, activityId: string, at: Date): Promise<ReassessResult> {
    const rows = await this.store.listForCase(owner, caseRef);
    const pick = reassessFrom(
      rows.map((r) => ({ id: r.id, caseRef: r.caseRef, status: r.status, completedAt: r.completedAt })),
      caseRef,
    );
    if (!pick) return { kind: 'none' };
    if ('inProgress' in pick) return { kind: 'in-progress', assessment: (await this.owned(owner, pick.inProgress.id)).assessment };
    const previous = (await this.owned(owner, pick.from.id)).assessment;
    const next = startReassessment(previous, { id: assessmentIdFor(activityId, at), now: this.now(), assessedOn: this.today() });
    try {
      const created = await this.store.create(next);
      await this.audit.record({
        actorTenantId: owner.tenantId,
        actorId: owner.aadObjectId,
        action: 'created',
        assessmentId: next.id,
        ownerKey: ownerKey(owner),
        ...(next.setup ? { caseRef: next.setup.caseRef } : {}),
        detail: `reassess:${previous.id}`,
      });
      return { kind: 'started', assessment: created.assessment };
    } catch (error) {
      // The id comes from the activity: a 409 is this same request delivered again.
      if (!(error instanceof ConflictError)) throw error;
      return { kind: 'started', assessment: (await this.owned(owner, next.id)).assessment };
    }
  }

  /** The map over time for a case: the owner's assessments of it only; undefined when there is none. */
  async compare(owner: Owner, caseRef: string): Promise<CaseComparison | undefined> {
    const rows = await this.store.listForCase(owner, caseRef);
    if (rows.length === 0) return undefined;
    const assessments: Assessment[] = [];
    for (const r of rows) {
      const s = await this.store.get(owner, r.id);
      if (s && sameCaseRef(s.assessment.setup?.caseRef, caseRef)) assessments.push(s.assessment);
    }
    if (assessments.length === 0) return undefined;
    const ordered = [...assessments].sort(
      (x, y) => (x.setup?.assessedOn ?? x.createdAt).localeCompare(y.setup?.assessedOn ?? y.createdAt) || x.createdAt.localeCompare(y.createdAt),
    );
    const before = ordered.length > 1 ? ordered[ordered.length - 2] : undefined;
    return compareCase(ordered, before ? planActions(before) : []);
  }

  /** The earlier assessment a reassessment was started from, if the owner still has it. */
  async previousOf(owner: Owner, a: Assessment): Promise<Assessment | undefined> {
    if (!a.previousId) return undefined;
    return (await this.store.get(owner, a.previousId))?.assessment;
  }

  /** The review day suggested on the completing card, and its range. */
  reviewDefault(): { today: string; days: number } {
    return { today: this.today(), days: this.config.reviewDefaultDays };
  }

  /**
   * Stores the review date chosen on completing. The value comes from a card (client-controlled): it is
   * checked here, and only the owner's own completed assessment is written.
   */
  async setReviewDate(owner: Owner, assessmentId: string, value: string): Promise<{ ok: true; reviewOn: string } | { ok: false; error: string }> {
    const parsed = reviewDateSchema(this.today()).safeParse(value);
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? 'Choose a review date.' };
    for (let attempt = 0; attempt < 3; attempt++) {
      const s = await this.owned(owner, assessmentId);
      if (s.assessment.status !== 'completed') return { ok: false, error: 'The review date is set when the assessment is complete.' };
      if (s.assessment.reviewOn === parsed.data) return { ok: true, reviewOn: parsed.data };
      try {
        await this.store.replace(withReviewDate({ ...s.assessment, updatedAt: this.now().toISOString() }, parsed.data), s.etag);
        return { ok: true, reviewOn: parsed.data };
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    throw new ConflictError('changed', 'The review date could not be saved after three attempts');
  }

  /**
   * Right after completing: the review date typed on the review card, or the default (REVIEW_DEFAULT_DAYS
   * from today). A date that cannot be used is replaced by the default and the reason is returned to show.
   */
  async reviewOnComplete(owner: Owner, a: Assessment, typed: unknown): Promise<{ assessment: Assessment; problem?: string }> {
    if (a.status !== 'completed' || a.reviewOn) return { assessment: a };
    const fallback = defaultReviewDate(this.today(), this.config.reviewDefaultDays);
    const wanted = typeof typed === 'string' && typed.trim() !== '' ? typed : fallback;
    const r = await this.setReviewDate(owner, a.id, wanted);
    let problem: string | undefined;
    if (!r.ok) {
      problem = r.error;
      await this.setReviewDate(owner, a.id, fallback);
    }
    const saved = (await this.owned(owner, a.id)).assessment;
    return problem ? { assessment: saved, problem } : { assessment: saved };
  }

  setRemindersOff(owner: Owner, off: boolean): Promise<void> {
    return this.reminders.setRemindersOff(owner, off);
  }

  remindersOff(owner: Owner): Promise<boolean> {
    return this.reminders.remindersOff(owner);
  }

  /** Snoozes one of the asker's reminders (the key from card data is re-checked in the domain). */
  snooze(owner: Owner, key: string, choice: SnoozeChoice): Promise<Date> {
    return snoozeReminder(this.reminders, owner, key, choice, this.now(), this.config.hours);
  }

  /**
   * Offers every assessment of a case the owner has to a colleague in the same tenant, and sends the
   * offer to the colleague's personal chat. If it cannot be delivered, the offer is taken back: nothing changes.
   */
  async handOver(owner: Owner, caseRef: string, colleagueObjectId: string, offerId: string): Promise<HandOverResult> {
    const to: Owner = { tenantId: owner.tenantId, aadObjectId: colleagueObjectId };
    const rows = await this.store.listForCase(owner, caseRef);
    if (rows.length === 0) return { kind: 'none' };
    const record = await this.handOvers.offer(offerId, owner, to, rows.map((r) => r.id).slice(0, 100));
    if (record.state !== 'pending') return { kind: 'offered', record };
    let delivered: boolean;
    try {
      delivered = await this.personal.send(to, { kind: 'hand-over-offer', record }, owner);
    } catch (error) {
      await this.handOvers.withdraw(record.id, owner, 'taken-back');
      throw new Error('The hand-over offer could not be sent', { cause: error });
    }
    if (!delivered) {
      await this.handOvers.withdraw(record.id, owner, 'taken-back');
      return { kind: 'unreachable' };
    }
    return { kind: 'offered', record };
  }

  /** The colleague accepts (the store checks the asker is the named colleague); the move runs to the end. */
  accept(asker: Owner, id: string, name: string): Promise<HandOverRecord> {
    return this.handOvers.accept(id, asker, name);
  }

  decline(asker: Owner, id: string): Promise<HandOverRecord> {
    return this.handOvers.withdraw(id, asker, 'declined');
  }

  takeBack(asker: Owner, id: string): Promise<HandOverRecord> {
    return this.handOvers.withdraw(id, asker, 'taken-back');
  }
}

export { HandOverRefusedError };

/** Where a practitioner's personal chat with tencs is, so tencs can write there on its own (ids only, no child data). */
export interface PersonalChatRef {
  readonly conversationId: string;
  readonly serviceUrl: string;
  readonly botId: string;
  /** The day (UTC) it was last written: at most one write a day per person. */
  readonly day: string;
}

/** The directory of personal chats (src/storage/personal-chat-store.ts). */
export interface PersonalChatDirectory {
  get(owner: Owner): Promise<PersonalChatRef | undefined>;
  put(owner: Owner, ref: PersonalChatRef): Promise<void>;
}
