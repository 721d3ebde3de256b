import { odata } from '@azure/data-tables';
import { ShareSchema, type Share } from '../tencs/sharing.js';
import { CorruptEntityError } from './errors.js';
import type { ShareCleanupPort } from '../tencs/ports.js';
import { SHARES_TABLE, SUPERVISION_TABLE } from './share-repository.js';
import { deleteWhere } from './batch.js';
import { TableCall } from './table-call.js';
import type { TableFactory } from './tables.js';

/**
 * The shares of one assessment and what hangs off them, found and deleted when the assessment is
 * deleted by its owner or by retention. Kept apart from the share repository because only deletion
 * and export need to look shares up by assessment.
 */
export class ShareCleanup implements ShareCleanupPort {
  private readonly shares: TableCall;
  private readonly supervision: TableCall;

  constructor(tables: TableFactory) {
    this.shares = new TableCall(tables.table(SHARES_TABLE));
    this.supervision = new TableCall(tables.table(SUPERVISION_TABLE));
  }

  /** Every share of this assessment in its tenant (one partition, filtered). */
  async sharesOf(tenantId: string, assessmentId: string): Promise<Share[]> {
    return this.shares.run('shares-of', async () => {
      const out: Share[] = [];
      for await (const e of this.shares.client.listEntities({
        queryOptions: { filter: odata`PartitionKey eq ${tenantId} and assessmentId eq ${assessmentId}` },
        abortSignal: this.shares.deadline(),
      })) {
        const parsed = ShareSchema.safeParse(e);
        if (!parsed.success) throw new CorruptEntityError('Share row does not match the schema');
        out.push(parsed.data);
      }
      return out;
    });
  }

  /**
   * Deletes a share's acknowledgements and notes (in batches of up to 100, a page at a time, however many
   * there are), then the share itself. Idempotent and resumable: run again after a failure, it deletes what is left.
   */
  async deleteShare(share: Share, signal?: AbortSignal): Promise<void> {
    const pk = `${share.tenantId}|${share.id}`;
    await deleteWhere(this.supervision, odata`PartitionKey eq ${pk}`, signal);
    await this.deleteIgnoringAbsent(this.shares, share.tenantId, share.id);
  }

  private async deleteIgnoringAbsent(table: TableCall, pk: string, rk: string): Promise<void> {
    class Gone extends Error {}
    try {
      await table.run('delete', () => table.client.deleteEntity(pk, rk, { abortSignal: table.deadline() }), { 404: () => new Gone() });
    } catch (error) {
      // 404: already deleted (a retried delete, or another instance's purge).
      if (!(error instanceof Gone)) throw error;
    }
  }
}
