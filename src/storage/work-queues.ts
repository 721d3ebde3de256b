import { odata } from '@azure/data-tables';
import { z } from 'zod';
import type { CardQueuePort, CardReplacement, DeletionQueuePort, PendingDeletion } from '../tencs/ports.js';
import { ShareSchema, type Share } from '../tencs/sharing.js';
import { CorruptEntityError, statusOf } from './errors.js';
import { TableCall } from './table-call.js';
import type { TableFactory } from './tables.js';

/** Logical table names; the deployment prefix is added by the TableFactory. */
export const DELETIONS_TABLE = 'deletions';
export const CARDWORK_TABLE = 'cardwork';

/**
 * A deletion under way: written before anything is deleted and removed after the last step, so a
 * deletion cut short (a crash, a storage outage, a lost lease) is finished by the next job run.
 */
export const PendingDeletionSchema: z.ZodType<PendingDeletion, z.ZodTypeDef, unknown> = z.object({
  ownerKey: z.string().min(1),
  assessmentId: z.string().min(1),
  /** 'deleted' by its owner, or 'purged' by retention (then only if unchanged since the scan: etag). */
  action: z.enum(['deleted', 'purged']),
  actorTenantId: z.string().min(1),
  actorId: z.string().min(1),
  etag: z.string().optional(),
  caseRef: z.string().optional(),
  detail: z.string().optional(),
  /** When the deletion was decided; also the time of its audit entry, which makes that entry idempotent. */
  at: z.string(),
});
export type { CardReplacement, PendingDeletion };

const PENDING_PK = 'pending';

/** PendingDeletion rows: PartitionKey 'pending', RowKey `${ownerKey}|${assessmentId}` (key-safe: both are). */
export class DeletionQueue implements DeletionQueuePort {
  private readonly table: TableCall;

  constructor(tables: TableFactory, timeoutMs = 5000) {
    this.table = new TableCall(tables.table(DELETIONS_TABLE), timeoutMs);
  }

  async put(d: PendingDeletion): Promise<void> {
    const { etag, ...rest } = PendingDeletionSchema.parse(d);
    // The assessment's ETag goes in its own column: `etag` on a row read back is the row's own ETag, not ours.
    const entity = { partitionKey: PENDING_PK, rowKey: rowKeyOf(rest), ...rest, ...(etag !== undefined ? { assessmentEtag: etag } : {}) };
    await this.table.run('put', () => this.table.client.upsertEntity(entity, 'Replace', { abortSignal: this.table.deadline() }));
  }

  async remove(d: PendingDeletion): Promise<void> {
    await this.table.orUndefined('remove', () => this.table.client.deleteEntity(PENDING_PK, rowKeyOf(d), { abortSignal: this.table.deadline() }));
  }

  /** Up to `max` deletions left unfinished (one partition, one page). */
  async list(max = 1000): Promise<PendingDeletion[]> {
    const rows = await this.table.run('list', async () => {
      const pages = this.table.client
        .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${PENDING_PK}` }, abortSignal: this.table.deadline() })
        .byPage({ maxPageSize: Math.min(max, 1000) });
      const next = await pages.next();
      return next.done ? [] : next.value;
    });
    return rows.map(({ etag: _rowEtag, assessmentEtag, ...r }) => {
      const parsed = PendingDeletionSchema.safeParse({ ...r, ...(assessmentEtag !== undefined ? { etag: assessmentEtag } : {}) });
      if (!parsed.success) throw new CorruptEntityError('Pending deletion row does not match the schema');
      return parsed.data;
    });
  }
}

function rowKeyOf(d: Pick<PendingDeletion, 'ownerKey' | 'assessmentId'>): string {
  return `${d.ownerKey}|${d.assessmentId}`;
}

/**
 * Channel cards to replace: PartitionKey = the share's tenant, RowKey = share id. Written before the
 * share's rows are deleted, removed only once Teams has taken the "removed" card (or the card is
 * unreachable for good), so a card is never forgotten while its summary may still show.
 */
export class CardReplacementQueue implements CardQueuePort {
  private readonly table: TableCall;

  constructor(tables: TableFactory, timeoutMs = 5000) {
    this.table = new TableCall(tables.table(CARDWORK_TABLE), timeoutMs);
  }

  /** Queues the share's card (once: a second put of the same share keeps the first). */
  async put(share: Share, nowMs: number): Promise<void> {
    const entity = {
      partitionKey: share.tenantId,
      rowKey: share.id,
      share: JSON.stringify(ShareSchema.parse(share)),
      attempts: 0,
      notBefore: nowMs,
      queuedAt: nowMs,
    };
    try {
      await this.table.run('put', () => this.table.client.createEntity(entity, { abortSignal: this.table.deadline() }));
    } catch (error) {
      // 409: already queued (a retried deletion); the queued row stands.
      if (statusOf(error) !== 409) throw error;
    }
  }

  async done(tenantId: string, shareId: string): Promise<void> {
    await this.table.orUndefined('done', () => this.table.client.deleteEntity(tenantId, shareId, { abortSignal: this.table.deadline() }));
  }

  /** Records a failed attempt; false when another instance changed the row meanwhile. */
  async failed(item: CardReplacement, notBefore: number, failure: string): Promise<boolean> {
    try {
      await this.table.run('failed', () =>
        this.table.client.updateEntity(
          { partitionKey: item.share.tenantId, rowKey: item.share.id, attempts: item.attempts + 1, notBefore, lastFailure: failure },
          'Merge',
          { etag: item.etag, abortSignal: this.table.deadline() },
        ),
      );
      return true;
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) return false;
      throw error;
    }
  }

  async get(tenantId: string, shareId: string): Promise<CardReplacement | undefined> {
    const e = await this.table.orUndefined('get', () => this.table.client.getEntity(tenantId, shareId, { abortSignal: this.table.deadline() }));
    return e && this.parse(e);
  }

  /** Queued replacements due by `nowMs`, oldest first, at most `max` (a scan of a small table). */
  async due(nowMs: number, max = 1000): Promise<CardReplacement[]> {
    const out: CardReplacement[] = [];
    await this.table.run('due', async () => {
      for await (const page of this.table.client
        .listEntities({ queryOptions: { filter: odata`notBefore le ${nowMs}` }, abortSignal: this.table.deadline() })
        .byPage({ maxPageSize: 1000 })) {
        for (const e of page) out.push(this.parse(e));
        if (out.length >= max) break;
      }
    });
    return out.sort((a, b) => a.queuedAt - b.queuedAt).slice(0, max);
  }

  private parse(e: Record<string, unknown> & { etag?: string }): CardReplacement {
    let share: Share;
    try {
      share = ShareSchema.parse(JSON.parse(String(e.share)));
    } catch {
      throw new CorruptEntityError('Queued card replacement does not match the schema');
    }
    const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));
    return {
      share,
      attempts: num(e.attempts),
      notBefore: num(e.notBefore),
      queuedAt: num(e.queuedAt),
      lastFailure: typeof e.lastFailure === 'string' ? e.lastFailure : undefined,
      etag: e.etag ?? '',
    };
  }
}
