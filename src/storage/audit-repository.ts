import { createHash, randomBytes } from 'node:crypto';
import { odata, type TableClient } from '@azure/data-tables';
import type { Logger } from '../log.js';
import { AuditEntrySchema, REFUSAL_AUDIT_WINDOW_MS, RefusalBudget, type AuditEntry, type AuditRecord } from '../tencs/audit.js';
import type { AuditStore } from '../tencs/ports.js';
import { CorruptEntityError, statusOf } from './errors.js';
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
 * The row key of an entry. Ordinary entries: time and a random suffix (every one kept). Refusals: the
 * start of their window and a hash of who and what, so a repeat in the same window is the same row
 * and is not written again (REFUSAL_AUDIT_WINDOW_MS).
 */
function rowKeyFor(entry: AuditEntry): string {
  if (entry.action !== 'refused') return `${entry.at}~${randomBytes(6).toString('hex')}`;
  const t = new Date(entry.at).getTime();
  const window = new Date(Math.floor((Number.isNaN(t) ? 0 : t) / REFUSAL_AUDIT_WINDOW_MS) * REFUSAL_AUDIT_WINDOW_MS).toISOString();
  const who = createHash('sha256').update(`${entry.actorTenantId}\n${entry.actorId}\n${entry.detail ?? ''}`, 'utf8').digest('base64url').slice(0, 16);
  return `${window}~refused~${who}`;
}

const normaliseCaseRef = (ref: string) => ref.trim().toLowerCase();

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

  async record(entry: AuditRecord): Promise<void> {
    const parsed = AuditEntrySchema.parse({ ...entry, at: entry.at ?? this.now().toISOString() });
    const entity = {
      partitionKey: partitionFor(parsed.assessmentId),
      rowKey: rowKeyFor(parsed),
      ...parsed,
      ...(parsed.caseRef !== undefined ? { caseRefKey: normaliseCaseRef(parsed.caseRef) } : {}),
    };
    if (parsed.action === 'refused') {
      const t = new Date(parsed.at).getTime();
      const verdict = this.refusals.take(parsed.actorTenantId, parsed.actorId, Number.isNaN(t) ? this.now().getTime() : t);
      if (verdict !== 'write') {
        if (verdict === 'capped-first') {
          this.logger?.warn({ event: 'audit.refusals-capped', actorId: parsed.actorId, actorTenantId: parsed.actorTenantId }, 'Further refusals this hour are not written to the trail');
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
    // A second, ids-only copy in the structured log, for the council's log workspace.
    this.logger?.info(
      { event: 'audit', action: parsed.action, actorId: parsed.actorId, actorTenantId: parsed.actorTenantId, assessmentId: parsed.assessmentId, detail: parsed.detail },
      'Audit',
    );
  }

  async listForAssessments(assessmentIds: readonly string[]): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for (const id of new Set(assessmentIds.map(partitionFor))) {
      const rows = await this.call('list', async () => {
        const found: Record<string, unknown>[] = [];
        for await (const e of this.client.listEntities<Record<string, unknown>>({
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

  async assessmentIdsForCaseRef(ownerKey: string, caseRef: string): Promise<string[]> {
    const key = normaliseCaseRef(caseRef);
    const ids = await this.call('find', async () => {
      const found = new Set<string>();
      for await (const e of this.client.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`ownerKey eq ${ownerKey} and caseRefKey eq ${key}`, select: ['assessmentId'] },
        abortSignal: AbortSignal.timeout(this.timeoutMs),
      })) {
        if (typeof e.assessmentId === 'string') found.add(e.assessmentId);
      }
      return found;
    });
    return [...ids];
  }

  /** Assessments in this tenant shared under this case reference, with the team each went to (from 'shared' entries). */
  async sharesForCaseRef(tenantId: string, caseRef: string): Promise<{ assessmentId: string; teamId: string }[]> {
    const key = normaliseCaseRef(caseRef);
    return this.call('find-shares', async () => {
      const found = new Map<string, { assessmentId: string; teamId: string }>();
      for await (const e of this.client.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`action eq 'shared' and actorTenantId eq ${tenantId} and caseRefKey eq ${key}`, select: ['assessmentId', 'detail'] },
        abortSignal: AbortSignal.timeout(this.timeoutMs),
      })) {
        if (typeof e.assessmentId === 'string' && typeof e.detail === 'string') found.set(`${e.assessmentId}\n${e.detail}`, { assessmentId: e.assessmentId, teamId: e.detail });
      }
      return [...found.values()];
    });
  }

  /** Deletes entries recorded before `cutoff`; returns how many. Used only by the retention purge. */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    const before = cutoff.toISOString();
    let deleted = 0;
    const stale: { partitionKey: string; rowKey: string }[] = [];
    await this.call('purge-scan', async () => {
      for await (const e of this.client.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`at lt ${before}`, select: ['PartitionKey', 'RowKey'] },
      })) {
        stale.push({ partitionKey: String(e.partitionKey), rowKey: String(e.rowKey) });
      }
    });
    for (const key of stale) {
      try {
        await this.client.deleteEntity(key.partitionKey, key.rowKey, { abortSignal: AbortSignal.timeout(this.timeoutMs) });
        deleted++;
      } catch (error) {
        // 404: already gone (a concurrent purge); nothing else is expected.
        if (statusOf(error) !== 404) throw error;
      }
    }
    return deleted;
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
