import { createHash, randomBytes } from 'node:crypto';
import { odata, type TableClient } from '@azure/data-tables';
import type { Logger } from '../log.js';
import { AuditEntrySchema, REFUSAL_AUDIT_WINDOW_MS, RefusalBudget, type AuditEntry, type AuditRecord } from '../tencs/audit.js';
import type { AuditStore, RecordOptions } from '../tencs/ports.js';
import { CorruptEntityError, statusOf } from './errors.js';
import { deleteWhere, forEachPage } from './batch.js';
import { TableCall } from './table-call.js';
import type { TableFactory } from './tables.js';

/** Logical table name; the deployment prefix is added by the TableFactory. */
export const AUDIT_TABLE = 'audit';

const KEY_SAFE = /^[A-Za-z0-9._:%~-]{1,200}$/;

/** Table keys may not hold / \ # ? or control characters; anything unexpected is stored under a fixed key. */
function partitionFor(assessmentId: string): string {
  return KEY_SAFE.test(assessmentId) ? assessmentId : 'invalid-id';
}

/**
 * The row key of an entry. Ordinary entries: time and a suffix, random or from an idempotency key (every one kept). Refusals: the
 * start of their window and a hash of who and what, so a repeat in the same window is the same row
 * and is not written again (REFUSAL_AUDIT_WINDOW_MS).
 */
function rowKeyFor(entry: AuditEntry, suffix: string): string {
  if (entry.action !== 'refused') return `${entry.at}~${suffix}`;
  const t = new Date(entry.at).getTime();
  const window = new Date(Math.floor((Number.isNaN(t) ? 0 : t) / REFUSAL_AUDIT_WINDOW_MS) * REFUSAL_AUDIT_WINDOW_MS).toISOString();
  const who = createHash('sha256')
    .update(`${entry.actorTenantId}\n${entry.actorId}\n${entry.detail ?? ''}`, 'utf8')
    .digest('base64url')
    .slice(0, 16);
  return `${window}~refused~${who}`;
}

const normaliseCaseRef = (ref: string) => ref.trim().toLowerCase();

const hash = (text: string, length = 32) => createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, length);

/**
 * Index partitions kept in the audit table beside the entries, so a case reference is found by key, not
 * by scanning every tenant's trail. A case reference is never a key as typed: only its hash is.
 * - `case~<hash(ownerKey, case ref)>`: RowKey = assessment id, for every assessment that owner deleted
 *   (or retention purged) under that case reference: the trail remembers them after the assessment goes.
 * - `shared~<hash(tenant, case ref)>`: RowKey = `${assessmentId}|${hash(teamId)}`, for every share.
 * Index rows carry `at`, so the audit purge removes them with the entries they point to.
 */
const caseIndexKey = (ownerKey: string, caseRef: string) => `case~${hash(`${ownerKey}\n${normaliseCaseRef(caseRef)}`)}`;
const shareIndexKey = (tenantId: string, caseRef: string) => `shared~${hash(`${tenantId}\n${normaliseCaseRef(caseRef)}`)}`;

export type { RecordOptions };

/**
 * The audit trail in Table Storage: PartitionKey = assessment id, RowKey = time and a random
 * suffix. The application only ever inserts (never updates or merges); entries are removed only by
 * the retention purge, after AUDIT_RETENTION_DAYS.
 */
export class AuditRepository implements AuditStore {
  private readonly client: TableClient;
  private readonly table: TableCall;
  private readonly refusals = new RefusalBudget();

  constructor(
    tables: TableFactory,
    private readonly logger?: Logger,
    private readonly now: () => Date = () => new Date(),
    private readonly timeoutMs = 5000,
  ) {
    this.client = tables.table(AUDIT_TABLE);
    this.table = new TableCall(this.client, timeoutMs);
  }

  async record(entry: AuditRecord, options: RecordOptions = {}): Promise<void> {
    const parsed = AuditEntrySchema.parse({ ...entry, at: entry.at ?? this.now().toISOString() });
    const suffix = options.idempotencyKey ? hash(options.idempotencyKey, 12) : randomBytes(6).toString('hex');
    const entity = {
      partitionKey: partitionFor(parsed.assessmentId),
      rowKey: rowKeyFor(parsed, suffix),
      ...parsed,
      ...(parsed.caseRef !== undefined ? { caseRefKey: normaliseCaseRef(parsed.caseRef) } : {}),
    };
    if (parsed.action === 'refused') {
      const t = new Date(parsed.at).getTime();
      const verdict = this.refusals.take(parsed.actorTenantId, parsed.actorId, Number.isNaN(t) ? this.now().getTime() : t);
      if (verdict !== 'write') {
        if (verdict === 'capped-first') {
          this.logger?.warn(
            { event: 'audit.refusals-capped', actorId: parsed.actorId, actorTenantId: parsed.actorTenantId },
            'Further refusals this hour are not written to the trail',
          );
        }
        return;
      }
    }
    try {
      await this.call('record', () => this.client.createEntity(entity, { abortSignal: AbortSignal.timeout(this.timeoutMs) }));
    } catch (error) {
      // 409: the row key ends in random bytes, so only this very insert can hold it: it committed, its answer
      // was lost, and the storage client's retry sent it again. The entry is recorded once; nothing to fail.
      // For a refusal, 409 is also a repeat within its window, already recorded: it is not logged again either.
      if (statusOf(error) !== 409) throw error;
      if (parsed.action === 'refused') {
        this.refusals.refund(parsed.actorTenantId, parsed.actorId);
        return;
      }
    }
    await this.index(parsed);
    // A second, ids-only copy in the structured log, for the council's log workspace.
    this.logger?.info(
      {
        event: 'audit',
        action: parsed.action,
        actorId: parsed.actorId,
        actorTenantId: parsed.actorTenantId,
        assessmentId: parsed.assessmentId,
        detail: parsed.detail,
      },
      'Audit',
    );
  }

  async listForAssessments(assessmentIds: readonly string[]): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for (const id of new Set(assessmentIds.map(partitionFor))) {
      const rows = await this.call('list', async () => {
        const found: Record<string, unknown>[] = [];
        for await (const e of this.client.listEntities({
          queryOptions: { filter: odata`PartitionKey eq ${id}` },
          abortSignal: AbortSignal.timeout(this.timeoutMs),
        })) {
          found.push(e);
        }
        return found;
      });
      for (const row of rows) out.push(this.parse(row));
    }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** One partition read (the case index): the owner's assessments recorded as deleted or purged under this case reference. */
  async assessmentIdsForCaseRef(ownerKey: string, caseRef: string): Promise<string[]> {
    const pk = caseIndexKey(ownerKey, caseRef);
    const ids = new Set<string>();
    await forEachPage(this.table, 'audit find', { filter: odata`PartitionKey eq ${pk}`, select: ['RowKey'] }, (rows) => {
      for (const e of rows) ids.add(String(e.rowKey));
    });
    return [...ids];
  }

  /** Assessments in this tenant shared under this case reference, with the team each went to (one partition read of the share index). */
  async sharesForCaseRef(tenantId: string, caseRef: string): Promise<{ assessmentId: string; teamId: string }[]> {
    const pk = shareIndexKey(tenantId, caseRef);
    const found: { assessmentId: string; teamId: string }[] = [];
    await forEachPage(this.table, 'audit find-shares', { filter: odata`PartitionKey eq ${pk}`, select: ['assessmentId', 'teamId'] }, (rows) => {
      for (const e of rows)
        if (typeof e.assessmentId === 'string' && typeof e.teamId === 'string') found.push({ assessmentId: e.assessmentId, teamId: e.teamId });
    });
    return found;
  }

  /** Writes the case index rows an entry implies (idempotent upserts; ids and hashes only). */
  private async index(entry: AuditEntry): Promise<void> {
    if (!entry.caseRef) return;
    let row: Record<string, unknown> & { partitionKey: string; rowKey: string };
    if ((entry.action === 'deleted' || entry.action === 'purged') && entry.ownerKey) {
      row = { partitionKey: caseIndexKey(entry.ownerKey, entry.caseRef), rowKey: partitionFor(entry.assessmentId), at: entry.at };
    } else if (entry.action === 'shared' && entry.detail) {
      row = {
        partitionKey: shareIndexKey(entry.actorTenantId, entry.caseRef),
        rowKey: `${partitionFor(entry.assessmentId)}|${hash(entry.detail, 16)}`,
        assessmentId: entry.assessmentId,
        teamId: entry.detail,
        at: entry.at,
      };
    } else return;
    await this.call('index', () => this.client.upsertEntity(row, 'Replace', { abortSignal: AbortSignal.timeout(this.timeoutMs) }));
  }

  /**
   * Deletes entries (and index rows) recorded before `cutoff`, a page at a time in batches per partition;
   * returns how many. Used only by the retention purge job; a run cut short is finished by the next.
   */
  async purgeOlderThan(cutoff: Date, signal?: AbortSignal): Promise<number> {
    const before = cutoff.toISOString();
    return deleteWhere(this.table, odata`at lt ${before}`, signal);
  }

  private parse(row: Record<string, unknown>): AuditEntry {
    const parsed = AuditEntrySchema.safeParse(row);
    if (!parsed.success) throw new CorruptEntityError('Audit entry does not match the schema');
    return parsed.data;
  }

  private call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return this.table.run(`audit ${operation}`, fn);
  }
}
