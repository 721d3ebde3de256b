import { odata, type TableClient } from '@azure/data-tables';
import type { Owner } from '../tencs/owner.js';
import type { ReminderCandidate, ReminderStore, Snooze } from '../tencs/cycle/reminders.js';
import { ASSESSMENTS_TABLE, ASSESSMENT_ID_PATTERN } from './assessment-repository.js';
import { statusOf } from './errors.js';
import { HAND_OVER_MARKER } from './hand-over-store.js';
import { ownerKey } from './owner-key.js';
import type { TableFactory } from './tables.js';

/** Logical table for reminder preferences, snoozes and "sent" marks; PartitionKey = the owner's key. */
export const REMINDERS_TABLE = 'reminders';

/** Pages of candidates one run reads at most (1,000 rows a page). */
const MAX_SCAN_PAGES = 50;

const timeout = () => AbortSignal.timeout(5000);

async function orMissing<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** Reminders over Table Storage: the scan reads key columns of the assessments table, never an answer. */
export class TableReminderStore implements ReminderStore {
  private readonly assessments: TableClient;
  private readonly reminders: TableClient;
  private created: Promise<void> | undefined;

  constructor(tables: TableFactory) {
    this.assessments = tables.table(ASSESSMENTS_TABLE);
    this.reminders = tables.table(REMINDERS_TABLE);
  }

  private ensureTable(): Promise<void> {
    this.created ??= this.reminders.createTable({ abortSignal: timeout() }).catch((error: unknown) => {
      this.created = undefined;
      if (statusOf(error) !== 409) throw error;
    });
    return this.created;
  }

  async candidates(today: string, staleBefore: string): Promise<ReminderCandidate[]> {
    const out: ReminderCandidate[] = [];
    const scan = async (filter: string, kind: ReminderCandidate['kind']) => {
      const pages = this.assessments
        .listEntities({
          queryOptions: { filter, select: ['PartitionKey', 'RowKey', 'tenantId', 'ownerId', 'caseRef', 'reviewOn', 'updatedAt', HAND_OVER_MARKER] },
        })
        .byPage({ maxPageSize: 1000 });
      for (let i = 0; i < MAX_SCAN_PAGES; i++) {
        const page = await pages.next();
        if (page.done) break;
        for (const e of page.value) {
          if (typeof e.tenantId !== 'string' || typeof e.ownerId !== 'string' || !ASSESSMENT_ID_PATTERN.test(String(e.rowKey))) continue;
          if (e[HAND_OVER_MARKER] !== undefined && e[HAND_OVER_MARKER] !== null) continue;
          const since = kind === 'review' ? e.reviewOn : e.updatedAt;
          if (typeof since !== 'string') continue;
          out.push({
            owner: { tenantId: e.tenantId, aadObjectId: e.ownerId },
            assessmentId: String(e.rowKey),
            caseRef: typeof e.caseRef === 'string' ? e.caseRef : undefined,
            kind,
            since,
          });
        }
      }
    };
    try {
      await scan(odata`status eq 'completed' and reviewOn le ${today}`, 'review');
      await scan(odata`status eq 'in-progress' and updatedAt lt ${staleBefore}`, 'unfinished');
    } catch (error) {
      // 404: no assessment was ever stored, so nothing is due.
      if (statusOf(error) === 404) return [];
      throw error;
    }
    return out;
  }

  async stillDue(c: ReminderCandidate): Promise<boolean> {
    if (!ASSESSMENT_ID_PATTERN.test(c.assessmentId)) return false;
    const e = await orMissing(() =>
      this.assessments.getEntity(ownerKey(c.owner), c.assessmentId, {
        queryOptions: { select: ['status', 'reviewOn', 'updatedAt', HAND_OVER_MARKER] },
        abortSignal: timeout(),
      }),
    );
    if (!e || (e[HAND_OVER_MARKER] !== undefined && e[HAND_OVER_MARKER] !== null)) return false;
    if (c.kind === 'unfinished') return e.status === 'in-progress' && e.updatedAt === c.since;
    if (e.status !== 'completed' || e.reviewOn !== c.since) return false;
    return !(await this.reassessed(c.owner, c.assessmentId));
  }

  /** True when the owner already started the next assessment from this one (one query of their partition). */
  private async reassessed(owner: Owner, assessmentId: string): Promise<boolean> {
    const pk = ownerKey(owner);
    const pages = this.assessments
      .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${pk} and previousId eq ${assessmentId}`, select: ['RowKey'] } })
      .byPage({ maxPageSize: 1 });
    const first = await pages.next();
    return !first.done && first.value.length > 0;
  }

  async remindersOff(owner: Owner): Promise<boolean> {
    await this.ensureTable();
    const e = await orMissing(() => this.reminders.getEntity<{ off?: boolean }>(ownerKey(owner), 'prefs', { abortSignal: timeout() }));
    return e?.off === true;
  }

  async setRemindersOff(owner: Owner, off: boolean): Promise<void> {
    await this.ensureTable();
    await this.reminders.upsertEntity({ partitionKey: ownerKey(owner), rowKey: 'prefs', off }, 'Replace', { abortSignal: timeout() });
  }

  async snoozeOf(owner: Owner, baseKey: string): Promise<Snooze | undefined> {
    await this.ensureTable();
    const e = await orMissing(() =>
      this.reminders.getEntity<{ until?: unknown; round?: unknown }>(ownerKey(owner), `snooze|${baseKey}`, { abortSignal: timeout() }),
    );
    return e && typeof e.until === 'string' && typeof e.round === 'number' ? { until: e.until, round: e.round } : undefined;
  }

  async setSnooze(owner: Owner, baseKey: string, snooze: Snooze): Promise<void> {
    await this.ensureTable();
    await this.reminders.upsertEntity({ partitionKey: ownerKey(owner), rowKey: `snooze|${baseKey}`, until: snooze.until, round: snooze.round }, 'Replace', {
      abortSignal: timeout(),
    });
  }

  async claim(owner: Owner, key: string, at: string, staleBefore: string): Promise<boolean> {
    await this.ensureTable();
    const pk = ownerKey(owner);
    const rk = `sent|${key}`;
    try {
      await this.reminders.createEntity({ partitionKey: pk, rowKey: rk, at, state: 'sending' }, { abortSignal: timeout() });
      return true;
    } catch (error) {
      // 409: another run (or another instance) sent this reminder already, or is sending it.
      if (statusOf(error) !== 409) throw error;
    }
    // Marks written before confirmation existed have no state: sent.
    const e = await orMissing(() => this.reminders.getEntity<{ at?: unknown; state?: unknown }>(pk, rk, { abortSignal: timeout() }));
    if (e?.state !== 'sending' || typeof e.at !== 'string' || e.at >= staleBefore) return false;
    try {
      // Its run died before sending: taken over, the ETag making sure only one later run does.
      await this.reminders.updateEntity({ partitionKey: pk, rowKey: rk, at, state: 'sending' }, 'Replace', { etag: e.etag, abortSignal: timeout() });
      return true;
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) return false;
      throw error;
    }
  }

  async confirm(owner: Owner, key: string): Promise<void> {
    await this.reminders.updateEntity({ partitionKey: ownerKey(owner), rowKey: `sent|${key}`, state: 'sent' }, 'Merge', { etag: '*', abortSignal: timeout() });
  }

  async release(owner: Owner, key: string): Promise<void> {
    await orMissing(() => this.reminders.deleteEntity(ownerKey(owner), `sent|${key}`, { abortSignal: timeout() }));
  }
}

/** The assessment facts the in-memory twin keeps: what the scan would read. */
export interface InMemoryAssessmentRow {
  readonly owner: Owner;
  readonly id: string;
  readonly caseRef?: string;
  readonly status: 'in-progress' | 'completed';
  readonly reviewOn?: string;
  readonly updatedAt: string;
  readonly handingOver?: boolean;
  readonly previousId?: string;
}

/** The in-memory twin of TableReminderStore, for domain tests. */
export class InMemoryReminderStore implements ReminderStore {
  readonly rows = new Map<string, InMemoryAssessmentRow>();
  private readonly off = new Set<string>();
  private readonly snoozes = new Map<string, Snooze>();
  private readonly sent = new Map<string, { at: string; confirmed: boolean }>();

  put(row: InMemoryAssessmentRow): void {
    this.rows.set(`${ownerKey(row.owner)}/${row.id}`, row);
  }

  remove(owner: Owner, id: string): void {
    this.rows.delete(`${ownerKey(owner)}/${id}`);
  }

  async candidates(today: string, staleBefore: string): Promise<ReminderCandidate[]> {
    const out: ReminderCandidate[] = [];
    for (const r of this.rows.values()) {
      if (r.handingOver) continue;
      if (r.status === 'completed' && r.reviewOn !== undefined && r.reviewOn <= today)
        out.push({ owner: r.owner, assessmentId: r.id, caseRef: r.caseRef, kind: 'review', since: r.reviewOn });
      if (r.status === 'in-progress' && r.updatedAt < staleBefore)
        out.push({ owner: r.owner, assessmentId: r.id, caseRef: r.caseRef, kind: 'unfinished', since: r.updatedAt });
    }
    return out;
  }

  async stillDue(c: ReminderCandidate): Promise<boolean> {
    const r = this.rows.get(`${ownerKey(c.owner)}/${c.assessmentId}`);
    if (!r || r.handingOver) return false;
    if (c.kind === 'unfinished') return r.status === 'in-progress' && r.updatedAt === c.since;
    const reassessed = [...this.rows.values()].some((x) => x.previousId === c.assessmentId && ownerKey(x.owner) === ownerKey(c.owner));
    return r.status === 'completed' && r.reviewOn === c.since && !reassessed;
  }

  async remindersOff(owner: Owner): Promise<boolean> {
    return this.off.has(ownerKey(owner));
  }

  async setRemindersOff(owner: Owner, off: boolean): Promise<void> {
    if (off) this.off.add(ownerKey(owner));
    else this.off.delete(ownerKey(owner));
  }

  async snoozeOf(owner: Owner, baseKey: string): Promise<Snooze | undefined> {
    return this.snoozes.get(`${ownerKey(owner)}/${baseKey}`);
  }

  async setSnooze(owner: Owner, baseKey: string, snooze: Snooze): Promise<void> {
    this.snoozes.set(`${ownerKey(owner)}/${baseKey}`, snooze);
  }

  async claim(owner: Owner, key: string, at: string, staleBefore: string): Promise<boolean> {
    const k = `${ownerKey(owner)}/${key}`;
    const mark = this.sent.get(k);
    if (mark && (mark.confirmed || mark.at >= staleBefore)) return false;
    this.sent.set(k, { at, confirmed: false });
    return true;
  }

  async confirm(owner: Owner, key: string): Promise<void> {
    const k = `${ownerKey(owner)}/${key}`;
    const mark = this.sent.get(k);
    if (mark) this.sent.set(k, { ...mark, confirmed: true });
  }

  async release(owner: Owner, key: string): Promise<void> {
    this.sent.delete(`${ownerKey(owner)}/${key}`);
  }
}
