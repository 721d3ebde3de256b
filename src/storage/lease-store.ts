import { odata } from '@azure/data-tables';
import { z } from 'zod';
import type { Lease, LeaseAttempt, LeaseStore } from '../jobs/job-runner.js';
import { CorruptEntityError, statusOf } from './errors.js';
import { deleteWhere } from './batch.js';
import { TableCall } from './table-call.js';
import type { TableFactory } from './tables.js';

/** Logical table name; the deployment prefix is added by the TableFactory. */
export const LEASES_TABLE = 'leases';

const LeaseRow = z.object({
  holder: z.string(),
  expiresAt: z.number(),
  state: z.enum(['running', 'done', 'released']),
  attempts: z.number().int().nonnegative(),
});

/**
 * Job leases in Table Storage: PartitionKey = job name, RowKey = period, one row per job and period.
 * Taking a lease is an insert (409 when someone got there first) or a Replace with the row's ETag
 * (412 when someone else changed it first), so exactly one instance holds a period at a time. The row
 * stays after the run, marked done, so the period is not run again.
 */
export class TableLeaseStore implements LeaseStore {
  private readonly table: TableCall;

  constructor(tables: TableFactory, timeoutMs = 5000) {
    this.table = new TableCall(tables.table(LEASES_TABLE), timeoutMs);
  }

  async acquire(job: string, period: string, holder: string, ttlMs: number, nowMs: number): Promise<LeaseAttempt> {
    const client = this.table.client;
    const row = { partitionKey: job, rowKey: period, holder, expiresAt: nowMs + ttlMs, state: 'running', attempts: 1 };
    try {
      const res = await this.table.run('lease-create', () => client.createEntity(row, { abortSignal: this.table.deadline() }));
      return { kind: 'acquired', lease: { job, period, holder, token: res.etag ?? '', previousAttempts: 0 } };
    } catch (error) {
      if (statusOf((error as { cause?: unknown }).cause ?? error) !== 409 && statusOf(error) !== 409) throw error;
    }
    const existing = await this.table.orUndefined('lease-get', () => client.getEntity(job, period, { abortSignal: this.table.deadline() }));
    if (!existing) return { kind: 'held' };
    const parsed = LeaseRow.safeParse(existing);
    if (!parsed.success) throw new CorruptEntityError('Lease row does not match the schema');
    const current = parsed.data;
    if (current.state === 'done') return { kind: 'done' };
    if (current.state === 'running' && current.expiresAt > nowMs) return { kind: 'held' };
    const attempts = current.attempts + 1;
    try {
      const res = await this.table.run('lease-take', () =>
        client.updateEntity({ ...row, attempts }, 'Replace', { etag: existing.etag, abortSignal: this.table.deadline() }),
      );
      return { kind: 'acquired', lease: { job, period, holder, token: res.etag ?? '', previousAttempts: current.attempts } };
    } catch (error) {
      // 412: another instance took it over between our read and write.
      if (statusOf(error) === 412 || statusOf(error) === 404) return { kind: 'held' };
      throw error;
    }
  }

  async renew(lease: Lease, ttlMs: number, nowMs: number): Promise<Lease | undefined> {
    const etag = await this.write(lease, { state: 'running', expiresAt: nowMs + ttlMs });
    return etag === undefined ? undefined : { ...lease, token: etag };
  }

  async complete(lease: Lease, nowMs: number): Promise<boolean> {
    return (await this.write(lease, { state: 'done', expiresAt: nowMs })) !== undefined;
  }

  async release(lease: Lease): Promise<void> {
    await this.write(lease, { state: 'released', expiresAt: 0 });
  }

  /** Deletes lease rows of periods that ended before `beforeMs` (done or abandoned), in batches. */
  async prune(beforeMs: number): Promise<number> {
    return deleteWhere(this.table, odata`expiresAt lt ${beforeMs}`);
  }

  /** Replaces the lease row if it is still ours (its ETag unchanged); the new ETag, or undefined when lost. */
  private async write(lease: Lease, change: { state: string; expiresAt: number }): Promise<string | undefined> {
    try {
      const res = await this.table.run('lease-write', () =>
        this.table.client.updateEntity(
          { partitionKey: lease.job, rowKey: lease.period, holder: lease.holder, attempts: lease.previousAttempts + 1, ...change },
          'Replace',
          { etag: lease.token, abortSignal: this.table.deadline() },
        ),
      );
      return res.etag ?? '';
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 404) return undefined;
      throw error;
    }
  }
}
