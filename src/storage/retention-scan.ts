import { odata } from '@azure/data-tables';
import { ASSESSMENTS_TABLE } from './assessment-repository.js';
import { statusOf } from './errors.js';
import type { TableFactory } from './tables.js';
import type { RetentionScan, StaleAssessment } from '../tencs/ports.js';

export type { StaleAssessment };

/** The retention port over Table Storage. */
export class TableRetentionScan implements RetentionScan {
  constructor(private readonly tables: TableFactory) {}

  findStale(cutoff: Date): Promise<StaleAssessment[]> {
    return findStaleAssessments(this.tables, cutoff);
  }

  deleteIfUnchanged(stale: StaleAssessment): Promise<boolean> {
    return deleteIfUnchanged(this.tables, stale);
  }
}

/**
 * Assessments whose last change is before `cutoff`, across every owner. A cross-partition scan of
 * a few key columns: run once a day, it is the price of not keeping an index of dates.
 */
export async function findStaleAssessments(tables: TableFactory, cutoff: Date): Promise<StaleAssessment[]> {
  const client = tables.table(ASSESSMENTS_TABLE);
  const before = cutoff.toISOString();
  const out: StaleAssessment[] = [];
  try {
    for await (const e of client.listEntities({
      queryOptions: { filter: odata`updatedAt lt ${before}`, select: ['PartitionKey', 'RowKey', 'caseRef', 'status'] },
    })) {
      out.push({
        partitionKey: String(e.partitionKey),
        rowKey: String(e.rowKey),
        etag: e.etag,
        caseRef: typeof e.caseRef === 'string' ? e.caseRef : undefined,
        status: typeof e.status === 'string' ? e.status : undefined,
      });
    }
  } catch (error) {
    // 404: the table has never been created, so nothing is stored yet.
    if (statusOf(error) === 404) return [];
    throw error;
  }
  return out;
}

/** Deletes a stale assessment only if nobody changed it since the scan; false when it changed or is gone. */
export async function deleteIfUnchanged(tables: TableFactory, stale: StaleAssessment): Promise<boolean> {
  try {
    await tables.table(ASSESSMENTS_TABLE).deleteEntity(stale.partitionKey, stale.rowKey, { etag: stale.etag, abortSignal: AbortSignal.timeout(5000) });
    return true;
  } catch (error) {
    // 412: edited after the scan, so no longer stale; 404: deleted meanwhile (by its owner or another instance).
    const status = statusOf(error);
    if (status === 412 || status === 404) return false;
    throw error;
  }
}
