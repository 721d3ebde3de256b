import type { TransactionAction } from '@azure/data-tables';
import { statusOf } from './errors.js';
import type { TableCall } from './table-call.js';

/** The keys of one row. */
export interface RowKeys {
  readonly partitionKey: string;
  readonly rowKey: string;
}

/** Table Storage takes at most 100 operations in one entity-group transaction, all in one partition. */
export const MAX_BATCH = 100;

/**
 * Deletes rows in entity-group transactions: grouped by partition, at most 100 at a time. Idempotent:
 * a transaction fails whole when one of its rows is already gone (404), and then that chunk is deleted
 * row by row, ignoring rows already deleted (a retried run, or another instance). Returns how many
 * rows this call deleted. `signal` stops it between batches.
 */
export async function deleteRows(table: TableCall, rows: readonly RowKeys[], signal?: AbortSignal): Promise<number> {
  const byPartition = new Map<string, string[]>();
  for (const r of rows) {
    const list = byPartition.get(r.partitionKey) ?? [];
    list.push(r.rowKey);
    byPartition.set(r.partitionKey, list);
  }
  let deleted = 0;
  for (const [pk, rks] of byPartition) {
    const unique = [...new Set(rks)];
    for (let i = 0; i < unique.length; i += MAX_BATCH) {
      signal?.throwIfAborted();
      const chunk = unique.slice(i, i + MAX_BATCH);
      deleted += await deleteChunk(table, pk, chunk);
    }
  }
  return deleted;
}

async function deleteChunk(table: TableCall, pk: string, rks: readonly string[]): Promise<number> {
  if (rks.length === 1) return (await deleteOne(table, pk, rks[0]!)) ? 1 : 0;
  const actions: TransactionAction[] = rks.map((rk) => ['delete', { partitionKey: pk, rowKey: rk }]);
  try {
    await table.run('batch-delete', () => table.client.submitTransaction(actions, { abortSignal: table.deadline() }));
    return rks.length;
  } catch (error) {
    // 404: a row in the chunk is already gone, so the whole transaction was refused; go row by row.
    if (statusOf(error) !== 404 && statusOf((error as { cause?: unknown }).cause) !== 404) throw error;
  }
  let deleted = 0;
  for (const rk of rks) if (await deleteOne(table, pk, rk)) deleted++;
  return deleted;
}

async function deleteOne(table: TableCall, pk: string, rk: string): Promise<boolean> {
  const done = await table.orUndefined('delete', () => table.client.deleteEntity(pk, rk, { abortSignal: table.deadline() }));
  return done !== undefined;
}

/**
 * Deletes every row a query finds, a page (at most 1,000 rows) at a time: read a page of keys, delete
 * it in batches, read again. Memory stays bounded whatever the size, each call has its own deadline,
 * and a run cut short leaves only whole rows deleted, so running it again finishes the job.
 */
export async function deleteWhere(table: TableCall, filter: string, signal?: AbortSignal): Promise<number> {
  let deleted = 0;
  for (;;) {
    signal?.throwIfAborted();
    const keys = await firstKeys(table, filter);
    if (keys.length === 0) return deleted;
    deleted += await deleteRows(table, keys, signal);
  }
}

/** The keys of the first rows a query finds (following continuation past empty pages), at most 1,000. */
export async function firstKeys(table: TableCall, filter: string): Promise<RowKeys[]> {
  return table.run('keys', async () => {
    const pages = table.client
      .listEntities({ queryOptions: { filter, select: ['PartitionKey', 'RowKey'] }, abortSignal: table.deadline() })
      .byPage({ maxPageSize: 1000 });
    for (;;) {
      const next = await pages.next();
      if (next.done) return [];
      if (next.value.length > 0) return next.value.map((e) => ({ partitionKey: String(e.partitionKey), rowKey: String(e.rowKey) }));
    }
  });
}

/**
 * Reads every row a query finds, one page (at most 1,000 rows) per request, each request with its own
 * deadline, so a huge partition is read whole however many pages it takes.
 */
export async function forEachPage(
  table: TableCall,
  operation: string,
  queryOptions: { filter: string; select?: string[] },
  fn: (rows: Record<string, unknown>[]) => void | Promise<void>,
): Promise<void> {
  let token: string | undefined;
  do {
    const page = await table.run(operation, async () => {
      const it = table.client
        .listEntities({ queryOptions, abortSignal: table.deadline() })
        .byPage({ maxPageSize: 1000, ...(token ? { continuationToken: token } : {}) });
      const next = await it.next();
      return next.done ? undefined : next.value;
    });
    if (!page) return;
    await fn(page);
    token = page.continuationToken;
  } while (token);
}
