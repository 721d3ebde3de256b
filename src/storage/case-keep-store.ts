import type { TableClient } from '@azure/data-tables';
import type { CaseKeepStore } from '../tencs/cycle/cycle-service.js';
import { ownerKey, type Owner } from '../tencs/owner.js';
import { statusOf } from './errors.js';
import { REMINDERS_TABLE } from './reminder-store.js';
import type { TableFactory } from './tables.js';

const timeout = () => AbortSignal.timeout(5000);

/** The row of a case's retention choices in the owner's reminders partition: the case reference, lower-cased and encoded. */
const rowKeyOf = (caseRef: string): string => `case|${encodeURIComponent(caseRef.trim().toLowerCase())}`;

/**
 * "Keep" and "warned" for a case, in the owner's partition of the reminders table (so data-rights
 * export and delete cover them with the reminders). Ids, dates and the pseudonymous case reference only.
 */
export class TableCaseKeepStore implements CaseKeepStore {
  private readonly table: TableClient;
  private created: Promise<void> | undefined;

  constructor(tables: TableFactory) {
    this.table = tables.table(REMINDERS_TABLE);
  }

  private ensureTable(): Promise<void> {
    this.created ??= this.table.createTable({ abortSignal: timeout() }).catch((error: unknown) => {
      this.created = undefined;
      if (statusOf(error) !== 409) throw error;
    });
    return this.created;
  }

  private async read(owner: Owner, caseRef: string): Promise<{ keptUntil?: unknown; warnedAt?: unknown } | undefined> {
    try {
      return await this.table.getEntity<{ keptUntil?: unknown; warnedAt?: unknown }>(ownerKey(owner), rowKeyOf(caseRef), { abortSignal: timeout() });
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async keptUntil(owner: Owner, caseRef: string): Promise<string | undefined> {
    const e = await this.read(owner, caseRef);
    return typeof e?.keptUntil === 'string' ? e.keptUntil : undefined;
  }

  async warnedAt(owner: Owner, caseRef: string): Promise<string | undefined> {
    const e = await this.read(owner, caseRef);
    return typeof e?.warnedAt === 'string' ? e.warnedAt : undefined;
  }

  async setKeptUntil(owner: Owner, caseRef: string, until: string): Promise<void> {
    await this.ensureTable();
    await this.table.upsertEntity({ partitionKey: ownerKey(owner), rowKey: rowKeyOf(caseRef), keptUntil: until }, 'Merge', { abortSignal: timeout() });
  }

  async setWarnedAt(owner: Owner, caseRef: string, at: string): Promise<void> {
    await this.ensureTable();
    await this.table.upsertEntity({ partitionKey: ownerKey(owner), rowKey: rowKeyOf(caseRef), warnedAt: at }, 'Merge', { abortSignal: timeout() });
  }
}
