import { DeletionRefusedError, NotFoundError } from './errors.js';
import { committed, live, type HandOverRecord } from './cycle/hand-over.js';
import { ownerKey, ownerOfKey, tenantOfOwnerKey } from './owner.js';
import type {
  AssessmentMeta,
  AssessmentStore,
  AuditStore,
  CardQueuePort,
  CardReplacement,
  DeletionQueuePort,
  PendingDeletion,
  RetentionScan,
  ShareCleanupPort,
} from './ports.js';
import type { ShareStore } from './share-service.js';
import { ASSESSMENT_ID_PATTERN, type Assessment } from './assessment.js';
import { SYSTEM_ACTOR, sameCaseRef } from './audit.js';
import { assessmentSections, auditLine, shareSection, type AuditTrail, type CaseExport, type ExportLine, type ExportSection } from './case-export.js';
import { ConnectorFailure } from './connector-retry.js';
import type { Owner } from './owner.js';
import { shareIdFor, type Share } from './sharing.js';

/** What one purge removed. */
export interface PurgeResult {
  readonly assessments: number;
  readonly auditEntries: number;
  /** Final hand-over records older than the case retention period. */
  readonly handOvers?: number;
  /** Personal-chat references of people inactive for that period who own no assessment. */
  readonly personalChats?: number;
}

/** What an owner's deletion did: the assessment and its rows are gone; some channel cards may still be queued for replacement. */
export interface DeletionOutcome {
  readonly assessment: Assessment;
  /** Channel cards Teams did not take the "removed" card for yet; the follow-up job keeps trying. */
  readonly channelCardsPending: number;
}

/** What one pass over the queued channel-card replacements did. */
export interface CardReplacementResult {
  readonly replaced: number;
  readonly deferred: number;
}

/** Teams allows about 7 messages a second and 60 in 30 s per conversation; we stay well inside both. */
export const CARD_PACING = { minGapMs: 200, maxPerConversationPerPass: 50 } as const;
/** Retries back off from a minute to six hours; a card unreachable for 30 days is given up (and audited). */
const CARD_BACKOFF = { firstMs: 60_000, maxMs: 6 * 60 * 60_000, giveUpMs: 30 * 24 * 60 * 60_000 } as const;

/** Options for retention, and the channel shares that go when their assessment goes. */
export interface PrivacyOptions {
  readonly retentionDays: number;
  readonly auditRetentionDays: number;
  readonly now?: () => Date;
  /** Deletions under way and channel cards still to replace, kept durably so a deletion cut short is finished. */
  readonly queues: { readonly deletions: DeletionQueuePort; readonly cards: CardQueuePort };
  /** Summaries shared to teams: their clean-up, and the replacement of a posted channel card when its assessment goes. */
  readonly shares?: { readonly cleanup: ShareCleanupPort; readonly repository: Pick<ShareStore, 'entries' | 'get'>; readonly notifyRemoved: ChannelNotifier };
  /** Sleeps between channel updates (pacing); tests may pass a fake. */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Retention by case (issue 16): an assessment with a case reference goes only when the whole case may
   * (no activity for the case retention period, the owner warned and not keeping it); see CycleService.
   */
  readonly cases?: { mayDeleteCase(owner: Owner, caseRef: string): Promise<boolean> };
  /** Reminder and retention rows of the case over time: in an export, and removed with an assessment. */
  readonly cycleData?: {
    exportLines(owner: Owner, caseRef: string, assessmentIds: readonly string[]): Promise<ExportLine[]>;
    forget(owner: Owner, assessmentId: string, caseRef: string | undefined): Promise<void>;
    /** Every reminder and retention row of the owner (their preferences too), for "delete all my data". */
    forgetOwner?(owner: Owner): Promise<void>;
  };
  /** Hand-over records: in exports, removed with all of a person's data, purged when final and old (issue 16). */
  readonly handOvers?: HandOverRights;
  /** The personal-chat directory: in exports, removed with all of a person's data, purged when unused. */
  readonly personalChats?: PersonalChatRights;
  /** Days a case's assessments are kept without activity: also how long final hand-over records and unused personal-chat references are kept. */
  readonly caseRetentionDays?: number;
}

/** The hand-over records as data rights need them (src/storage/hand-over-store.ts). */
export interface HandOverRights {
  /** Every hand-over the person is a party to: giver, receiver, or the supervisor who started it. */
  forParty(who: Owner): Promise<HandOverRecord[]>;
  /** Removes a hand-over record in a final state (declined, taken back, done) and its index rows. */
  forget(id: string): Promise<boolean>;
  /** Retention: final records whose last change is before `before`; returns how many went. */
  purgeFinal(before: Date, signal?: AbortSignal): Promise<number>;
}

/** Where a practitioner's personal chat with tencs is, as data rights need it (src/storage/personal-chat-store.ts). */
export interface PersonalChatRights {
  /** The reference kept (ids only) and the day it was last written, if any. */
  get(owner: Owner): Promise<{ readonly conversationId: string; readonly day: string } | undefined>;
  remove(owner: Owner): Promise<void>;
  /** People whose reference was last written before this day (YYYY-MM-DD), at most `top`. */
  inactiveBefore(day: string, top?: number): Promise<Owner[]>;
}

/** Replaces a posted channel card with the "removed" card (built in compose.ts over the channel port). */
export type ChannelNotifier = (share: Share) => Promise<void>;

export { tenantOfOwnerKey };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Subject access, deletion and retention: the owner can see the trail, take a full copy and delete at
 * any time; everything unchanged for the retention period is deleted automatically.
 */
export class PrivacyService {
  private readonly now: () => Date;
  private readonly notifier: ChannelNotifier | undefined;
  private readonly deletions: DeletionQueuePort;
  private readonly cards: CardQueuePort;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly retention: RetentionScan,
    private readonly repository: AssessmentStore,
    private readonly audit: AuditStore,
    private readonly options: PrivacyOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.deletions = options.queues.deletions;
    this.cards = options.queues.cards;
    this.notifier = options.shares?.notifyRemoved;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The owner's assessments with this case reference (any letter case), newest first. */
  async findByCaseRef(owner: Owner, caseRef: string): Promise<AssessmentMeta[]> {
    // Every page of the owner's partition: data-rights commands must be complete, however many there are.
    const all = await this.repository.listAllForOwner(owner);
    return all.filter((m) => sameCaseRef(m.caseRef, caseRef));
  }

  /** The owner's own assessment meta by id; NotFoundError (and a refusal in the trail) for anyone else's. */
  async describe(owner: Owner, id: string): Promise<Assessment> {
    const stored = await this.repository.get(owner, id);
    if (!stored) {
      await this.refused(owner, id, 'describe');
      throw new NotFoundError('No such assessment for this owner');
    }
    return stored.assessment;
  }

  /**
   * "Not now" on the cautions card of a start typed by accident: deletes the assessment (audited like any
   * delete) only while nothing has been entered: still at the cautions, unacknowledged, at the revision the
   * card showed, with no details or answers. Anything else is kept and "kept" returned.
   */
  async discardUnstarted(owner: Owner, id: string, cardRev: number): Promise<'discarded' | 'kept'> {
    const stored = await this.repository.get(owner, id);
    if (!stored) {
      await this.refused(owner, id, 'describe');
      throw new NotFoundError('No such assessment for this owner');
    }
    const a = stored.assessment;
    const untouched =
      a.status === 'in-progress' &&
      a.step === 'cautions' &&
      !a.cautionsAcknowledged &&
      a.rev === cardRev &&
      !a.setup &&
      Object.keys(a.answers).length === 0 &&
      !a.composite;
    if (!untouched) return 'kept';
    // Only the version checked above: if another device acknowledged meanwhile (412), the assessment stays.
    const key = ownerKey(owner);
    if (!(await this.retention.deleteIfUnchanged({ partitionKey: key, rowKey: id, etag: stored.etag, caseRef: undefined, status: a.status }))) return 'kept';
    await this.audit.record({ ...this.actor(owner), action: 'deleted', assessmentId: id, ownerKey: key, detail: 'not-now' });
    return 'discarded';
  }

  /**
   * Deletes one of the owner's assessments and everything stored with it. A marker is written first, so
   * a deletion cut short is finished by the follow-up job; channel cards are queued durably and replaced
   * now if Teams lets us, otherwise later (`channelCardsPending` says how many are still showing).
   */
  async deleteAssessment(owner: Owner, id: string, detail?: string): Promise<DeletionOutcome> {
    const assessment = await this.describe(owner, id);
    await this.refuseWhileHandingOver(owner, [id]);
    const marker: PendingDeletion = {
      ownerKey: ownerKey(owner),
      assessmentId: id,
      action: 'deleted',
      ...this.actor(owner),
      ...caseRefOf(assessment),
      ...(detail ? { detail } : {}),
      at: this.now().toISOString(),
    };
    await this.deletions.put(marker);
    const { queued } = await this.finishDeletion(marker);
    let pending = 0;
    for (const share of queued) if (!(await this.replaceCardNow(share))) pending++;
    return { assessment, channelCardsPending: pending };
  }

  /**
   * The steps of a deletion, each idempotent, in an order that leaves nothing orphaned if cut short:
   * the assessment (only if unchanged, for retention), each share's card queued then its notes and row,
   * the audit entry (keyed by the marker, so recorded once), and last the marker. Returns the shares
   * whose channel cards were queued. 'kept' when retention finds the assessment changed since its scan.
   */
  private async finishDeletion(marker: PendingDeletion, signal?: AbortSignal): Promise<{ deletedNow: boolean; queued: Share[] }> {
    const tenantId = tenantOfOwnerKey(marker.ownerKey);
    const deleted = await this.retention.deleteIfUnchanged({
      partitionKey: marker.ownerKey,
      rowKey: marker.assessmentId,
      etag: marker.etag ?? '*',
      caseRef: marker.caseRef,
      status: undefined,
    });
    if (!deleted && marker.etag) {
      // Retention only: 412 (changed since the scan: in use again, so kept) or 404 (already deleted, perhaps by
      // a run cut short after this step). Told apart by whether the assessment is still there.
      const still = await this.repository.get(ownerOfKey(marker.ownerKey), marker.assessmentId);
      if (still) {
        await this.deletions.remove(marker);
        return { deletedNow: false, queued: [] };
      }
    }
    const queued = await this.removeShares(tenantId, marker.assessmentId, signal);
    await this.options.cycleData?.forget(ownerOfKey(marker.ownerKey), marker.assessmentId, marker.caseRef);
    await this.audit.record(
      {
        ...(marker.action === 'purged' ? SYSTEM_ACTOR : { actorTenantId: marker.actorTenantId, actorId: marker.actorId }),
        action: marker.action,
        assessmentId: marker.assessmentId,
        ownerKey: marker.ownerKey,
        at: marker.at,
        ...(marker.caseRef ? { caseRef: marker.caseRef } : {}),
        ...(marker.detail ? { detail: marker.detail } : {}),
      },
      { idempotencyKey: `${marker.action}|${marker.ownerKey}|${marker.assessmentId}` },
    );
    await this.deletions.remove(marker);
    return { deletedNow: deleted, queued };
  }

  /** Finishes deletions an earlier run or turn left unfinished; returns how many. */
  async finishPendingDeletions(signal?: AbortSignal): Promise<number> {
    let finished = 0;
    for (;;) {
      const pending = await this.deletions.list();
      if (pending.length === 0) return finished;
      for (const marker of pending) {
        signal?.throwIfAborted();
        await this.finishDeletion(marker, signal);
        finished++;
      }
    }
  }

  /**
   * Refuses, with DeletionRefusedError and nothing deleted, while a hand-over that includes any of these
   * assessments is under way for this person (offered, or accepted and still moving); with 'all', while
   * any hand-over they are a party to is. Public so the confirmation step can say so before asking.
   */
  async refuseWhileHandingOver(owner: Owner, ids: readonly string[] | 'all'): Promise<void> {
    const handOvers = this.options.handOvers;
    if (!handOvers) return;
    for (const r of await handOvers.forParty(owner)) {
      if (!live(r.state)) continue;
      if (ids !== 'all' && !r.assessmentIds.some((id) => ids.includes(id))) continue;
      throw new DeletionRefusedError(handOverRefusal(r, owner));
    }
  }

  /** How many assessments "delete all my data" would remove (to ask first); refused while a hand-over is under way. */
  async everythingToDelete(owner: Owner): Promise<number> {
    await this.refuseWhileHandingOver(owner, 'all');
    return (await this.repository.listAllForOwner(owner)).length;
  }

  /**
   * "Delete all my data": every assessment the person owns (each the way `delete` does it, with its
   * shares, notes, reminders and audit entry), their reminder preferences, the hand-over records they
   * are a party to (all final: a live one refuses the whole request before anything goes), and the
   * reference to their personal chat. The audit trail is kept, as for any deletion. A marker is written
   * for every assessment before the first goes, so a request cut short is finished by the follow-up job.
   */
  async deleteEverything(owner: Owner): Promise<{ assessments: number; handOvers: number; channelCardsPending: number }> {
    await this.refuseWhileHandingOver(owner, 'all');
    const metas = await this.repository.listAllForOwner(owner);
    const key = ownerKey(owner);
    const markers: PendingDeletion[] = metas.map((m) => ({
      ownerKey: key,
      assessmentId: m.id,
      action: 'deleted',
      ...this.actor(owner),
      ...(m.caseRef ? { caseRef: m.caseRef } : {}),
      detail: 'all-my-data',
      at: this.now().toISOString(),
    }));
    for (const marker of markers) await this.deletions.put(marker);
    let pending = 0;
    for (const marker of markers) {
      const { queued } = await this.finishDeletion(marker);
      for (const share of queued) if (!(await this.replaceCardNow(share))) pending++;
    }
    let handOvers = 0;
    for (const r of (await this.options.handOvers?.forParty(owner)) ?? []) if (await this.options.handOvers?.forget(r.id)) handOvers++;
    await this.options.cycleData?.forgetOwner?.(owner);
    await this.options.personalChats?.remove(owner);
    return { assessments: markers.length, handOvers, channelCardsPending: pending };
  }

  /** Export lines for the hand-overs of this case the person is a party to: ids, state and dates; the other party by object id only. */
  private async handOverLines(owner: Owner, caseRef: string): Promise<ExportLine[]> {
    const lines: ExportLine[] = [];
    for (const r of (await this.options.handOvers?.forParty(owner)) ?? []) {
      if (!sameCaseRef(r.caseRef, caseRef)) continue;
      const me = (o: Owner) => o.tenantId === owner.tenantId && o.aadObjectId === owner.aadObjectId;
      const role = me(r.from)
        ? `from you to user ${r.to.aadObjectId}`
        : me(r.to)
          ? `to you from user ${r.from.aadObjectId}`
          : `from user ${r.from.aadObjectId} to user ${r.to.aadObjectId}`;
      const by = r.by ? (me(r.by) ? ', started by you' : `, started by user ${r.by.aadObjectId}`) : '';
      lines.push({
        label: `Hand-over ${r.id}`,
        value: `${role}${by}; ${r.assessmentIds.length === 1 ? 'assessment' : 'assessments'} ${r.assessmentIds.join(', ')}; ${r.state}; offered ${r.createdAt}, last changed ${r.updatedAt}`,
      });
    }
    return lines;
  }

  /** Every stored field of the owner's assessments with this case reference, and their audit trail. */
  async exportCase(owner: Owner, caseRef: string): Promise<CaseExport | undefined> {
    const metas = await this.findByCaseRef(owner, caseRef);
    const handOverLines = await this.handOverLines(owner, caseRef);
    // Someone who handed the case over keeps no assessment of it, but the hand-over records name them.
    if (metas.length === 0 && handOverLines.length === 0) return undefined;
    const key = ownerKey(owner);
    const sections: ExportSection[] = [];
    for (const meta of metas) {
      const assessment = await this.describe(owner, meta.id);
      sections.push(...assessmentSections(assessment));
      sections.push(...(await this.shareSections(owner.tenantId, meta.id)));
      await this.audit.record({ ...this.actor(owner), action: 'exported', assessmentId: meta.id, ownerKey: key, ...caseRefOf(assessment) });
    }
    const cycleLines =
      (await this.options.cycleData?.exportLines(
        owner,
        caseRef,
        metas.map((m) => m.id),
      )) ?? [];
    if (cycleLines.length > 0) sections.push({ heading: 'Reminders and retention choices', lines: cycleLines });
    if (handOverLines.length > 0) sections.push({ heading: 'Hand-overs of this case you are part of', lines: handOverLines });
    const chat = await this.options.personalChats?.get(owner);
    if (chat)
      sections.push({
        heading: 'Your personal chat with tencs',
        lines: [
          { label: 'Conversation id (so tencs can send you reminders and offers)', value: chat.conversationId },
          { label: 'Last used', value: chat.day },
        ],
      });
    const trail = await this.audit.listForAssessments(metas.map((m) => m.id));
    sections.push({ heading: 'Audit trail', lines: trail.map((e) => auditLine(e, owner)) });
    return { caseRef: metas[0]?.caseRef ?? caseRef, sections };
  }

  /**
   * The audit trail for a case reference. The owner sees their live assessments with that reference and
   * any deleted ones the trail still remembers. Someone else sees an assessment's trail only while its
   * summary is shared to a team they are a member of (`isTeamMember`, asked of Teams by the bot layer).
   */
  async auditTrail(viewer: Owner, caseRef: string, isTeamMember?: (teamId: string) => Promise<boolean>): Promise<AuditTrail | undefined> {
    const key = ownerKey(viewer);
    const live = (await this.findByCaseRef(viewer, caseRef)).map((m) => m.id);
    const remembered = await this.audit.assessmentIdsForCaseRef(key, caseRef);
    const own = new Set([...live, ...remembered]);
    const viaTeam = new Set<string>();
    if (isTeamMember && this.options.shares) {
      for (const { assessmentId, teamId } of await this.audit.sharesForCaseRef(viewer.tenantId, caseRef)) {
        if (own.has(assessmentId) || viaTeam.has(assessmentId)) continue;
        const share = await this.options.shares.repository.get(viewer.tenantId, shareIdFor(viewer.tenantId, assessmentId, teamId));
        if (share?.share.status === 'posted' && (await isTeamMember(teamId))) viaTeam.add(assessmentId);
      }
    }
    if (own.size === 0 && viaTeam.size === 0) return undefined;
    for (const id of own) await this.audit.record({ ...this.actor(viewer), action: 'audit-viewed', assessmentId: id, ownerKey: key, caseRef });
    for (const id of viaTeam) await this.audit.record({ ...this.actor(viewer), action: 'audit-viewed', assessmentId: id, caseRef, detail: 'as-team-member' });
    return { caseRef, entries: await this.audit.listForAssessments([...own, ...viaTeam]) };
  }

  /**
   * Deletes assessments unchanged for the retention period, and audit entries past theirs. Resumable:
   * deletions an earlier run left unfinished are finished first, each deletion is marked before it
   * starts, and the audit purge deletes a page at a time. `signal` stops it between steps (a lost lease).
   */
  async purgeExpired(signal?: AbortSignal): Promise<PurgeResult> {
    const now = this.now();
    const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    let assessments = 0;
    await this.finishPendingDeletions(signal);
    const caseDecisions = new Map<string, boolean>();
    for (const stale of await this.retention.findStale(cutoff)) {
      signal?.throwIfAborted();
      if (stale.caseRef && this.options.cases) {
        // One decision per owner and case in a run: the case is kept, warned about, or goes as a whole.
        const key = `${stale.partitionKey}|${stale.caseRef.trim().toLowerCase()}`;
        let mayDelete = caseDecisions.get(key);
        if (mayDelete === undefined) {
          mayDelete = await this.options.cases.mayDeleteCase(ownerOfKey(stale.partitionKey), stale.caseRef);
          caseDecisions.set(key, mayDelete);
        }
        if (!mayDelete) continue;
      }
      const marker: PendingDeletion = {
        ownerKey: stale.partitionKey,
        assessmentId: stale.rowKey,
        action: 'purged',
        ...SYSTEM_ACTOR,
        etag: stale.etag,
        ...(stale.caseRef ? { caseRef: stale.caseRef } : {}),
        ...(stale.status ? { detail: stale.status } : {}),
        at: this.now().toISOString(),
      };
      await this.deletions.put(marker);
      // The assessment first, only if unchanged since the scan: if it changed it is in use again, and what hangs off it stays.
      if ((await this.finishDeletion(marker, signal)).deletedNow) assessments++;
    }
    const auditEntries = await this.audit.purgeOlderThan(new Date(now.getTime() - this.options.auditRetentionDays * DAY_MS), signal);
    const handOvers = await this.purgeCycleRecords(now, signal);
    await this.replaceQueuedCards(signal);
    return { assessments, auditEntries, ...handOvers };
  }

  /**
   * Hand-over records that reached a final state more than the case retention period ago (the audit trail
   * keeps the account of each hand-over for longer), and personal-chat references of people with no
   * activity for that period who own no assessment any more (while they own one, it is the only way to
   * warn them before their case is deleted). See SECURITY.md, How long.
   */
  private async purgeCycleRecords(now: Date, signal?: AbortSignal): Promise<{ handOvers?: number; personalChats?: number }> {
    const days = this.options.caseRetentionDays;
    // Without the case period (a deployment built without the case over time) there is nothing of this kind to purge.
    if (days === undefined) return {};
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    const handOvers = (await this.options.handOvers?.purgeFinal(cutoff, signal)) ?? 0;
    let personalChats = 0;
    const chats = this.options.personalChats;
    if (chats) {
      for (const person of await chats.inactiveBefore(cutoff.toISOString().slice(0, 10))) {
        signal?.throwIfAborted();
        if ((await this.repository.listForOwner(person, 1)).length > 0) continue;
        await chats.remove(person);
        personalChats++;
      }
    }
    return { handOvers, personalChats };
  }

  /**
   * Queues each posted share's channel card for replacement with the "removed" card (durably, before
   * anything is deleted), then deletes the share with its acknowledgements and notes. A channel that
   * cannot be reached now does not stop the deletion: the queued card is retried until Teams takes it.
   */
  private async removeShares(tenantId: string, assessmentId: string, signal?: AbortSignal): Promise<Share[]> {
    const shares = this.options.shares;
    if (!shares) return [];
    const queued: Share[] = [];
    for (const share of await shares.cleanup.sharesOf(tenantId, assessmentId)) {
      signal?.throwIfAborted();
      if (share.status === 'posted' && share.activityId) {
        await this.cards.put(share, this.now().getTime());
        queued.push(share);
      }
      await shares.cleanup.deleteShare(share, signal);
    }
    return queued;
  }

  /** Tries one queued card now; true when it is replaced (or nothing is left to replace). */
  private async replaceCardNow(share: Share): Promise<boolean> {
    const item = await this.cards.get(share.tenantId, share.id);
    if (!item) return true;
    return (await this.attemptCard(item)) === 'replaced';
  }

  /**
   * Replaces queued channel cards that are due, paced within Teams' per-conversation limits; a throttled
   * conversation waits for its Retry-After, other failures back off. Run by the follow-up job.
   */
  async replaceQueuedCards(signal?: AbortSignal, at: Date = this.now()): Promise<CardReplacementResult> {
    if (!this.notifier) return { replaced: 0, deferred: 0 };
    const due = await this.cards.due(at.getTime());
    // Paced per channel (every thread of a channel counted together), which keeps inside the per-conversation limit.
    const byConversation = new Map<string, CardReplacement[]>();
    for (const item of due) {
      const key = item.share.channelId;
      byConversation.set(key, [...(byConversation.get(key) ?? []), item]);
    }
    let replaced = 0;
    let deferred = 0;
    for (const items of byConversation.values()) {
      let sent = 0;
      for (const item of items) {
        signal?.throwIfAborted();
        if (sent >= CARD_PACING.maxPerConversationPerPass) break;
        if (sent > 0) await this.sleep(CARD_PACING.minGapMs);
        sent++;
        const outcome = await this.attemptCard(item);
        if (outcome === 'replaced') replaced++;
        else deferred++;
        // Throttled: this conversation waits; the rest of its cards are left for a later pass.
        if (outcome === 'throttled') break;
      }
    }
    return { replaced, deferred };
  }

  private async attemptCard(item: CardReplacement): Promise<'replaced' | 'throttled' | 'failed'> {
    const { share } = item;
    const notifier = this.notifier;
    if (!notifier) return 'failed';
    try {
      await notifier(share);
    } catch (error) {
      if (!(error instanceof ConnectorFailure)) throw error;
      const nowMs = this.now().getTime();
      if (nowMs - item.queuedAt > CARD_BACKOFF.giveUpMs) {
        await this.audit.record({
          ...SYSTEM_ACTOR,
          action: 'unshared',
          assessmentId: share.assessmentId,
          detail: `channel-card-given-up-${error.kind}:${share.id}`,
        });
        await this.cards.done(share.tenantId, share.id);
        return 'failed';
      }
      const backoff = Math.min(CARD_BACKOFF.maxMs, CARD_BACKOFF.firstMs * 2 ** Math.min(item.attempts, 20));
      const wait = error.kind === 'throttled' && error.retryAfterMs ? Math.max(error.retryAfterMs, 1000) : backoff;
      if (item.attempts === 0) {
        await this.audit.record({
          ...SYSTEM_ACTOR,
          action: 'unshared',
          assessmentId: share.assessmentId,
          detail: `channel-card-unreachable-${error.kind}:${share.id}`,
        });
      }
      await this.cards.failed(item, nowMs + wait, error.kind);
      return error.kind === 'throttled' ? 'throttled' : 'failed';
    }
    await this.audit.record(
      { ...SYSTEM_ACTOR, action: 'unshared', assessmentId: share.assessmentId, detail: `channel-card-removed:${share.id}` },
      { idempotencyKey: `card|${share.id}` },
    );
    await this.cards.done(share.tenantId, share.id);
    return 'replaced';
  }

  /** The shares of an assessment, with every acknowledgement and note, for an export. */
  private async shareSections(tenantId: string, assessmentId: string): Promise<ExportSection[]> {
    const shares = this.options.shares;
    if (!shares) return [];
    const out: ExportSection[] = [];
    for (const share of await shares.cleanup.sharesOf(tenantId, assessmentId)) {
      const { acks, notes } = await shares.repository.entries(share);
      out.push(shareSection(share, acks, notes));
    }
    return out;
  }

  private actor(owner: Owner) {
    return { actorTenantId: owner.tenantId, actorId: owner.aadObjectId };
  }

  private async refused(owner: Owner, id: string, detail: string): Promise<void> {
    // Only an id of an assessment id's shape is written down; anything else is refused with nothing of it kept.
    if (!ASSESSMENT_ID_PATTERN.test(id)) return;
    await this.audit.record({ ...this.actor(owner), action: 'refused', assessmentId: id, detail });
  }
}

function caseRefOf(a: Assessment): { caseRef?: string } {
  return a.setup?.caseRef ? { caseRef: a.setup.caseRef } : {};
}

/** Why a deletion waits for a hand-over, and what to do, in words for the person asking. */
function handOverRefusal(r: HandOverRecord, asker: Owner): string {
  const caseText = r.caseRef ? `case ${r.caseRef}` : 'an assessment';
  const me = (o: Owner | undefined) => o?.tenantId === asker.tenantId && o.aadObjectId === asker.aadObjectId;
  if (r.state === 'pending') {
    if (me(r.to) && !me(r.from) && !me(r.by))
      return `A colleague is offering you ${caseText}, so I haven't deleted anything. Accept or decline the offer in this chat first, then ask again.`;
    return `You are handing ${caseText} to a colleague, so I haven't deleted anything. If you want to delete it instead, take the offer back first (Take back, on the hand-over card in this chat), then ask again. Or leave it: once your colleague accepts, the case is theirs.`;
  }
  const side = committed(r.state) ? 'is finishing its move' : 'is moving';
  return `${caseText[0]!.toUpperCase()}${caseText.slice(1)} ${side} between you and a colleague just now, so I haven't deleted anything. This usually takes moments; please try again in a few minutes.`;
}
