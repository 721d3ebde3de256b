import { odata, type TableClient } from '@azure/data-tables';
import type { Assessment } from '../tencs/assessment.js';
import type { AuditAction, AuditLog } from '../tencs/audit.js';
import {
  HandOverRecordSchema,
  HandOverRefusedError,
  checkOffer,
  committed,
  FINAL_HAND_OVER_STATES,
  parseMarker,
  rowAccess,
  type HandOverRecord,
  type HandOverState,
} from '../tencs/cycle/hand-over.js';
import type { Owner } from '../tencs/owner.js';
import { ASSESSMENTS_TABLE, type AssessmentMeta, type AssessmentRepository, type StoredAssessment } from './assessment-repository.js';
import { ConflictError, statusOf } from './errors.js';
import { ownerKey } from './owner-key.js';
import { SHARES_TABLE } from './share-repository.js';
import type { TableFactory } from './tables.js';

/** The assessments table column that marks a row in motion; see docs/hand-over.md. */
export const HAND_OVER_MARKER = 'handOver';

/** Logical table of hand-over records; PartitionKey = the hand-over id, RowKey = 'record'. */
export const HAND_OVERS_TABLE = 'handovers';

/**
 * The index of each person's hand-overs, in the same table: PartitionKey = `party|<owner key>`, RowKey =
 * the hand-over id, for the giver, the receiver and whoever started it. Written before the record, so a
 * record is always found from each party; an index row whose record is gone is ignored (and removed
 * with it). Lets data rights and "is this case being handed over?" read one partition, not the table.
 */
const partyKey = (o: Owner): string => `party|${ownerKey(o)}`;
/** One row per assessment on offer: `open|<owner key>` / assessment id → the hand-over that holds it. */
const openKey = (o: Owner): string => `open|${ownerKey(o)}`;
/** A claim whose hand-over record never appeared (an offer cut short) is free again after this long. */
const ABANDONED_CLAIM_MS = 5 * 60_000;

/** The named points of the saga where a test (or a crash) may stop it. */
export const HAND_OVER_STEPS = [
  'marked',
  'copied-one',
  'verified',
  'committed',
  'share-moved',
  'deleted-one',
  'sources-deleted',
  'unmarked-one',
  'done',
] as const;
export type HandOverStep = (typeof HAND_OVER_STEPS)[number];

export interface HandOverOptions {
  /** Called after each step; a test throws here to stand for a crash at that point. */
  readonly afterStep?: (step: HandOverStep, assessmentId?: string) => void;
  readonly now?: () => Date;
}

const timeout = () => AbortSignal.timeout(5000);

/** Same content, whoever owns it: what the copy must match before the original may go. */
function sameContent(a: Assessment, b: Assessment): boolean {
  const strip = ({ ownerId: _o, ...rest }: Assessment) => rest;
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

/**
 * The hand-over saga over Table Storage. Each step reads the state it needs and is safe to redo, so
 * `advance` after any crash completes the hand-over; the single commit point is one ETag-guarded write
 * of the record (accepted -> copied) after every copy is verified.
 */
export class HandOverStore {
  private readonly records: TableClient;
  private readonly rows: TableClient;
  private readonly shares: TableClient;
  private created: Promise<void> | undefined;

  constructor(
    tables: TableFactory,
    private readonly repo: AssessmentRepository,
    private readonly audit: AuditLog,
    private readonly options: HandOverOptions = {},
  ) {
    this.records = tables.table(HAND_OVERS_TABLE);
    this.rows = tables.table(ASSESSMENTS_TABLE);
    this.shares = tables.table(SHARES_TABLE);
  }

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }

  private step(step: HandOverStep, assessmentId?: string): void {
    this.options.afterStep?.(step, assessmentId);
  }

  private ensureTable(): Promise<void> {
    this.created ??= this.records.createTable({ abortSignal: timeout() }).catch((error: unknown) => {
      this.created = undefined;
      if (statusOf(error) !== 409) throw error;
    });
    return this.created;
  }

  /** The record and its ETag, or undefined. */
  async get(id: string): Promise<{ record: HandOverRecord; etag: string } | undefined> {
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(id)) return undefined;
    await this.ensureTable();
    try {
      const e = await this.records.getEntity<{ body: string }>(id, 'record', { abortSignal: timeout() });
      return { record: HandOverRecordSchema.parse(JSON.parse(e.body)), etag: e.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  private async setState(current: { record: HandOverRecord; etag: string }, state: HandOverState): Promise<{ record: HandOverRecord; etag: string }> {
    const record = { ...current.record, state, updatedAt: this.now() };
    try {
      const r = await this.records.updateEntity({ partitionKey: record.id, rowKey: 'record', state, body: JSON.stringify(record) }, 'Replace', {
        etag: current.etag,
        abortSignal: timeout(),
      });
      return { record, etag: r.etag ?? '' };
    } catch (error) {
      if (statusOf(error) === 412) throw new ConflictError('changed', 'The hand-over changed since it was read', { cause: error });
      throw error;
    }
  }

  private async auditAll(
    record: HandOverRecord,
    actor: Owner,
    action: AuditAction,
    rowOwner: Owner,
    ids: readonly string[] = record.assessmentIds,
  ): Promise<void> {
    // Each step of a hand-over happens once per assessment, so its entry is written once: a step redone after
    // a crash (the activity sent again, or the recovery job) finds the entry it wrote before and adds no second one.
    // A supervisor's reassignment of a departed practitioner's assessments says so in every line.
    const detail = `${record.by ? 'reassign' : 'handover'}:${record.id}`;
    const written = new Set(
      (await this.audit.listForAssessments(ids))
        .filter((e) => e.action === action && e.detail === detail && e.ownerKey === ownerKey(rowOwner))
        .map((e) => e.assessmentId),
    );
    for (const assessmentId of ids) {
      if (written.has(assessmentId)) continue;
      await this.audit.record({
        actorTenantId: actor.tenantId,
        actorId: actor.aadObjectId,
        action,
        assessmentId,
        ownerKey: ownerKey(rowOwner),
        ...(record.caseRef ? { caseRef: record.caseRef } : {}),
        detail,
      });
    }
  }

  /**
   * The owner offers assessments to a colleague. Every assessment must be the owner's and not already
   * moving; the same offer id (from the activity) twice is one offer.
   */
  async offer(id: string, from: Owner, to: Owner, assessmentIds: readonly string[], by?: Owner): Promise<HandOverRecord> {
    checkOffer(from, to);
    await this.ensureTable();
    const existing = await this.get(id);
    if (existing) {
      if (ownerKey(existing.record.by ?? existing.record.from) !== ownerKey(by ?? from)) throw new HandOverRefusedError('This hand-over is not yours.');
      return existing.record;
    }
    let caseRef: string | undefined;
    for (const aid of assessmentIds) {
      const s = await this.repo.get(from, aid);
      if (!s) throw new HandOverRefusedError('You can only hand over your own assessments.');
      if (s.handOver) throw new HandOverRefusedError('This assessment is already being handed over.');
      caseRef ??= s.assessment.setup?.caseRef;
    }
    await this.claim(id, from, assessmentIds);
    const at = this.now();
    const record = HandOverRecordSchema.parse({
      id,
      from,
      to,
      assessmentIds: [...assessmentIds],
      ...(caseRef ? { caseRef } : {}),
      ...(by ? { by } : {}),
      state: 'pending',
      createdAt: at,
      updatedAt: at,
    });
    await this.index(record);
    await this.auditAll(record, by ?? from, 'hand-over-offered', from);
    try {
      await this.records.createEntity({ partitionKey: id, rowKey: 'record', state: record.state, body: JSON.stringify(record) }, { abortSignal: timeout() });
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    return (await this.get(id))!.record;
  }

  /**
   * Claims each assessment for this hand-over, so one assessment is never in two open hand-overs (two
   * offers pressed at once, or a second offer before the first is answered: the second colleague would be
   * told the case was theirs while nothing moved). A claim row is insert-if-absent; one held by a
   * hand-over that has ended (declined, taken back, done, purged), or by an offer cut short before its
   * record was written, is taken over with its ETag. All or nothing: a refusal releases what this offer took.
   */
  private async claim(id: string, from: Owner, assessmentIds: readonly string[]): Promise<void> {
    const taken: { rowKey: string; etag: string }[] = [];
    try {
      // In one order for every offer, so two offers of overlapping sets cannot each hold a part and both fail.
      for (const aid of [...assessmentIds].sort()) taken.push({ rowKey: aid, etag: await this.claimOne(id, from, aid) });
    } catch (error) {
      for (const t of taken) {
        try {
          await this.records.deleteEntity(openKey(from), t.rowKey, { etag: t.etag, abortSignal: timeout() });
        } catch (releaseError) {
          if (statusOf(releaseError) !== 404 && statusOf(releaseError) !== 412) throw releaseError;
        }
      }
      throw error;
    }
  }

  private async claimOne(id: string, from: Owner, aid: string): Promise<string> {
    const busy = () => new HandOverRefusedError('This case has already been offered to a colleague. Take that offer back first, or wait for their answer.');
    try {
      return (await this.records.createEntity({ partitionKey: openKey(from), rowKey: aid, handOverId: id }, { abortSignal: timeout() })).etag ?? '';
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    const held = await this.records.getEntity<{ handOverId: string }>(openKey(from), aid, { abortSignal: timeout() });
    if (held.handOverId === id) return held.etag;
    const holder = await this.get(held.handOverId);
    const ended = holder
      ? FINAL_HAND_OVER_STATES.includes(holder.record.state)
      : Date.parse(this.now()) - Date.parse(held.timestamp ?? '') > ABANDONED_CLAIM_MS;
    if (!ended) throw busy();
    try {
      return (
        (await this.records.updateEntity({ partitionKey: openKey(from), rowKey: aid, handOverId: id }, 'Replace', { etag: held.etag, abortSignal: timeout() }))
          .etag ?? ''
      );
    } catch (error) {
      // Another offer took it over first.
      if (statusOf(error) === 412) throw busy();
      throw error;
    }
  }

  /** The colleague declines, or the owner (or the supervisor who started it) takes the offer back; only while it is pending. */
  async withdraw(id: string, actor: Owner, how: 'declined' | 'taken-back'): Promise<HandOverRecord> {
    const current = await this.get(id);
    const parties = !current ? [] : how === 'declined' ? [current.record.to] : [current.record.by ?? current.record.from];
    if (!current || !parties.some((p) => ownerKey(p) === ownerKey(actor))) throw new HandOverRefusedError('This hand-over is not yours to change.');
    if (current.record.state === how) return current.record;
    if (current.record.state !== 'pending')
      throw new HandOverRefusedError(
        current.record.state === 'declined' || current.record.state === 'taken-back'
          ? 'This hand-over was already withdrawn.'
          : 'This hand-over was already accepted.',
      );
    await this.auditAll(current.record, actor, how === 'declined' ? 'hand-over-declined' : 'hand-over-taken-back', current.record.from);
    return (await this.setState(current, how)).record;
  }

  /** The parties of a record, each once. */
  private parties(record: HandOverRecord): Owner[] {
    const out = new Map<string, Owner>();
    for (const o of [record.from, record.to, ...(record.by ? [record.by] : [])]) out.set(ownerKey(o), o);
    return [...out.values()];
  }

  /** Writes the record's party index rows (idempotent); before the record, so every record is found from each party. */
  private async index(record: HandOverRecord): Promise<void> {
    for (const o of this.parties(record))
      await this.records.upsertEntity({ partitionKey: partyKey(o), rowKey: record.id }, 'Replace', { abortSignal: timeout() });
  }

  /**
   * Every hand-over this person is a party to (giver, receiver, or the supervisor who started it): one
   * partition query of the index, then a point read of each record. Index rows whose record is gone are skipped.
   */
  async forParty(who: Owner): Promise<HandOverRecord[]> {
    await this.ensureTable();
    const ids: string[] = [];
    for await (const e of this.records.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${partyKey(who)}`, select: ['RowKey'] } }))
      ids.push(String(e.rowKey));
    const out: HandOverRecord[] = [];
    for (const id of ids) {
      const r = await this.get(id);
      if (r) out.push(r.record);
    }
    return out;
  }

  /**
   * Removes a hand-over record in a final state and its index rows (index first, so a crash leaves at
   * most a record the purge still finds). A record still moving is never removed. Safe to repeat.
   */
  async forget(id: string): Promise<boolean> {
    const current = await this.get(id);
    if (!current) return false;
    if (!FINAL_HAND_OVER_STATES.includes(current.record.state)) throw new HandOverRefusedError('This hand-over is still under way.');
    for (const o of this.parties(current.record)) await this.deleteIgnoringMissing(partyKey(o), id);
    for (const aid of current.record.assessmentIds) await this.releaseClaim(current.record.from, aid, id);
    try {
      await this.records.deleteEntity(id, 'record', { etag: current.etag, abortSignal: timeout() });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    return true;
  }

  /**
   * Retention: removes hand-over records that reached a final state (declined, taken back, done) before
   * `before`, with their index rows; a page of at most `top` a run. The record's last write (its
   * Timestamp) is when it reached that state. Returns how many went.
   */
  async purgeFinal(before: Date, signal?: AbortSignal, top = 1000): Promise<number> {
    await this.ensureTable();
    const ids: string[] = [];
    for await (const e of this.records.listEntities({
      queryOptions: {
        filter: odata`RowKey eq 'record' and Timestamp lt ${before} and (state eq 'declined' or state eq 'taken-back' or state eq 'done')`,
        select: ['PartitionKey'],
      },
    })) {
      ids.push(String(e.partitionKey));
      if (ids.length >= top) break;
    }
    let removed = 0;
    for (const id of ids) {
      signal?.throwIfAborted();
      if (await this.forget(id)) removed++;
    }
    return removed;
  }

  /** Removes an assessment's claim row if this hand-over still holds it. */
  private async releaseClaim(from: Owner, aid: string, id: string): Promise<void> {
    try {
      const held = await this.records.getEntity<{ handOverId: string }>(openKey(from), aid, { abortSignal: timeout() });
      if (held.handOverId === id) await this.records.deleteEntity(openKey(from), aid, { etag: held.etag, abortSignal: timeout() });
    } catch (error) {
      if (statusOf(error) !== 404 && statusOf(error) !== 412) throw error;
    }
  }

  private async deleteIgnoringMissing(pk: string, rk: string): Promise<void> {
    try {
      await this.records.deleteEntity(pk, rk, { abortSignal: timeout() });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  /**
   * The colleague accepts in their personal chat; then the move runs to the end. Another runner of the
   * same hand-over (a second press, another instance, the recovery job) may move the record or a row
   * first: every step is safe to redo, so a conflict means "read again and go on", a few times.
   */
  async accept(id: string, actor: Owner, actorName?: string): Promise<HandOverRecord> {
    return this.redoOnConflict(() => this.acceptOnce(id, actor, actorName));
  }

  /** Drives an accepted hand-over to done; safe to call any number of times, from any instance. */
  advance(id: string): Promise<HandOverRecord> {
    return this.redoOnConflict(() => this.advanceOnce(id));
  }

  private async redoOnConflict(run: () => Promise<HandOverRecord>): Promise<HandOverRecord> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        const conflict = error instanceof ConflictError || statusOf(error) === 412 || statusOf(error) === 409;
        // Each conflict means another runner moved the hand-over on (four state changes at most, each with a
        // handful of row writes), so a bounded number of redos always reaches the end it reached.
        if (!conflict || attempt >= 12) throw error;
      }
    }
  }

  private async acceptOnce(id: string, actor: Owner, actorName?: string): Promise<HandOverRecord> {
    const current = await this.get(id);
    if (!current || ownerKey(current.record.to) !== ownerKey(actor)) throw new HandOverRefusedError('This hand-over is not addressed to you.');
    if (current.record.state === 'declined' || current.record.state === 'taken-back')
      throw new HandOverRefusedError('This hand-over was withdrawn before you accepted it.');
    if (current.record.state === 'pending')
      await this.setState({ ...current, record: { ...current.record, ...(actorName ? { toName: actorName.slice(0, 200) } : {}) } }, 'accepted');
    return this.advanceOnce(id);
  }

  private async advanceOnce(id: string): Promise<HandOverRecord> {
    let current = await this.get(id);
    if (!current) throw new HandOverRefusedError('No such hand-over.');
    const { record } = current;
    if (current.record.state === 'accepted') {
      const moving: string[] = [];
      for (const aid of record.assessmentIds) if (await this.markAndCopy(record, aid)) moving.push(aid);
      this.step('verified');
      // A supervisor's reassignment is recorded as theirs: the former owner, who has left, did nothing.
      await this.auditAll(record, record.by ?? record.from, 'handed-over', record.from, moving);
      await this.auditAll(record, record.to, 'received', record.to, moving);
      current = await this.setState(current, 'copied');
      this.step('committed');
    }
    if (current.record.state === 'copied') {
      for (const aid of record.assessmentIds) await this.moveShares(record, aid);
      for (const aid of record.assessmentIds) {
        try {
          await this.rows.deleteEntity(ownerKey(record.from), aid, { etag: await this.markedEtag(record, aid, 'out'), abortSignal: timeout() });
        } catch (error) {
          if (statusOf(error) !== 404) throw error;
        }
        this.step('deleted-one', aid);
      }
      current = await this.setState(current, 'source-deleted');
      this.step('sources-deleted');
    }
    if (current.record.state === 'source-deleted') {
      for (const aid of record.assessmentIds) {
        const e = await this.raw(ownerKey(record.to), aid);
        if (e && parseMarker(e[HAND_OVER_MARKER] as string | undefined)?.id === record.id) {
          const { [HAND_OVER_MARKER]: _m, etag, timestamp: _t, 'odata.metadata': _md, ...rest } = e;
          await this.rows.updateEntity({ ...rest, partitionKey: ownerKey(record.to), rowKey: aid }, 'Replace', { etag, abortSignal: timeout() });
        }
        this.step('unmarked-one', aid);
      }
      current = await this.setState(current, 'done');
      this.step('done');
    }
    return current.record;
  }

  /**
   * Shares stay where they are (tenant partition, id from tenant, assessment and team, so channel cards
   * and supervision notes keep their keys); only who shared them changes, so the colleague can manage them.
   */
  private async moveShares(record: HandOverRecord, aid: string): Promise<void> {
    const tenant = record.from.tenantId;
    try {
      for await (const e of this.shares.listEntities({
        queryOptions: { filter: odata`PartitionKey eq ${tenant} and assessmentId eq ${aid}`, select: ['RowKey', 'ownerId'] },
      })) {
        if (e.ownerId !== record.from.aadObjectId) continue;
        await this.shares.updateEntity(
          { partitionKey: tenant, rowKey: String(e.rowKey), ownerId: record.to.aadObjectId, ownerName: record.toName ?? '' },
          'Merge',
          { etag: e.etag, abortSignal: timeout() },
        );
        this.step('share-moved', aid);
      }
    } catch (error) {
      // 404: no share was ever made in this deployment.
      if (statusOf(error) !== 404) throw error;
    }
  }

  /** Ids of hand-overs accepted but not yet done (a crash, or an instance stopped mid-way), at most `top`. */
  async unfinished(top = 100): Promise<string[]> {
    await this.ensureTable();
    const ids: string[] = [];
    for await (const e of this.records.listEntities<{ state?: string }>({
      queryOptions: { filter: "state eq 'accepted' or state eq 'copied' or state eq 'source-deleted'", select: ['PartitionKey'] },
    })) {
      ids.push(String(e.partitionKey));
      if (ids.length >= top) break;
    }
    return ids;
  }

  private async raw(pk: string, rk: string): Promise<(Record<string, unknown> & { etag: string }) | undefined> {
    try {
      return await this.rows.getEntity(pk, rk, { abortSignal: timeout() });
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** The ETag of a row that carries this hand-over's marker; a row without it is never touched. */
  private async markedEtag(record: HandOverRecord, aid: string, side: 'out' | 'in'): Promise<string> {
    const e = await this.raw(ownerKey(side === 'out' ? record.from : record.to), aid);
    if (!e) throw Object.assign(new Error('gone'), { statusCode: 404 });
    if (e[HAND_OVER_MARKER] !== `${record.id}|${side}`) throw new Error(`Row ${aid} is not marked for hand-over ${record.id}; it is left alone`);
    return e.etag;
  }

  /**
   * Marks the original read-only, then writes and verifies the marked copy; each part redone only if
   * missing. False when the owner deleted the assessment before it was marked: nothing to move.
   */
  private async markAndCopy(record: HandOverRecord, aid: string): Promise<boolean> {
    const fromKey = ownerKey(record.from);
    const src = await this.raw(fromKey, aid);
    if (!src) {
      // Originals are deleted only after the commit, so before it a missing original was deleted by its owner.
      const copy = await this.raw(ownerKey(record.to), aid);
      if (copy) throw new Error(`The original of ${aid} is gone but a copy exists before the commit`);
      return false;
    }
    const marker = src[HAND_OVER_MARKER];
    if (marker === undefined || marker === null || marker === '') {
      // Merge keeps every other column; the ETag makes a concurrent save by the owner lose (412) rather than be overwritten.
      await this.rows.updateEntity({ partitionKey: fromKey, rowKey: aid, [HAND_OVER_MARKER]: `${record.id}|out` }, 'Merge', {
        etag: src.etag,
        abortSignal: timeout(),
      });
    } else if (marker !== `${record.id}|out`) {
      throw new HandOverRefusedError('This assessment is already being handed over.');
    }
    this.step('marked', aid);
    const original = await this.repo.get(record.from, aid);
    if (!original) throw new Error(`Assessment ${aid} disappeared while being marked`);
    const copy: Assessment = { ...original.assessment, ownerId: record.to.aadObjectId };
    let target = await this.repo.get(record.to, aid);
    if (!target) {
      try {
        await this.repo.create(copy, `${record.id}|in`);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
      target = await this.repo.get(record.to, aid);
    }
    this.step('copied-one', aid);
    if (target?.handOver !== `${record.id}|in`) throw new Error(`The copy of ${aid} is not this hand-over's`);
    if (!sameContent(target.assessment, original.assessment)) throw new Error(`The copy of ${aid} does not match its original`);
    return true;
  }

  /** "My assessments" without what the asker does not own: each marked row checked against its hand-over record. */
  async visible(asker: Owner, metas: readonly AssessmentMeta[]): Promise<AssessmentMeta[]> {
    // The listing carries each row's marker, so "my assessments" stays one partition query; only a row
    // that is moving costs a point read of its hand-over record (a few, and only during a hand-over).
    const states = new Map<string, HandOverState | undefined>();
    const out: AssessmentMeta[] = [];
    for (const m of metas) {
      const marker = parseMarker(m.handOver);
      if (marker && !states.has(marker.id)) states.set(marker.id, (await this.get(marker.id))?.record.state);
      if (rowAccess(m.handOver, marker ? states.get(marker.id) : undefined) !== 'not-owned') out.push(m);
    }
    return out;
  }

  /**
   * An assessment as its asker may use it: undefined when the asker does not own it (never had it, or
   * handed it over), `readOnly` while it is moving. Use for every read and before every write.
   */
  async owned(asker: Owner, aid: string): Promise<(StoredAssessment & { readOnly: boolean }) | undefined> {
    const s = await this.repo.get(asker, aid);
    if (!s) return undefined;
    const m = parseMarker(s.handOver);
    const state = m ? (await this.get(m.id))?.record.state : undefined;
    const access = rowAccess(s.handOver, state);
    if (access === 'not-owned') return undefined;
    return { ...s, readOnly: access === 'read-only' };
  }
}

export { committed };
