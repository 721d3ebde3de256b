import { odata, type TableClient } from '@azure/data-tables';
import type { Owner } from '../tencs/owner.js';
import { ASSESSMENTS_TABLE } from './assessment-repository.js';
import { statusOf } from './errors.js';
import { ownerKey } from './owner-key.js';
import { REMINDERS_TABLE } from './reminder-store.js';
import type { TableFactory } from './tables.js';

const timeout = () => AbortSignal.timeout(5000);
const caseRowKey = (caseRef: string): string => `case|${encodeURIComponent(caseRef.trim().toLowerCase())}`;

/**
 * The case-over-time rows in the owner's reminders partition (snoozes, "sent" marks, the reminders
 * preference, a case's keep and warning), for the data-rights commands: listed in an export, removed
 * with the assessment (and the case's row with its last assessment). One partition query each; ids and
 * dates only, besides the pseudonymous case reference in the case row's key.
 */
export class TableCycleData {
  private readonly reminders: TableClient;
  private readonly assessments: TableClient;

  constructor(tables: TableFactory) {
    this.reminders = tables.table(REMINDERS_TABLE);
    this.assessments = tables.table(ASSESSMENTS_TABLE);
  }

  private async rows(owner: Owner): Promise<Record<string, unknown>[]> {
    const pk = ownerKey(owner);
    const out: Record<string, unknown>[] = [];
    try {
      for await (const e of this.reminders.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${pk}` } })) out.push(e);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    return out;
  }

  /** Lines for "export CASE-REF": what tencs keeps about reminders and retention for these assessments. */
  async exportLines(owner: Owner, caseRef: string, assessmentIds: readonly string[]): Promise<{ label: string; value: string }[]> {
    const lines: { label: string; value: string }[] = [];
    for (const e of await this.rows(owner)) {
      const rk = String(e.rowKey);
      if (rk === 'prefs') lines.push({ label: 'Reminders', value: e.off === true ? 'turned off' : 'on' });
      else if (rk === caseRowKey(caseRef)) {
        if (typeof e.keptUntil === 'string') lines.push({ label: 'Kept by your choice until at least', value: e.keptUntil });
        if (typeof e.warnedAt === 'string') lines.push({ label: 'Warned about deletion at', value: e.warnedAt });
      } else if (assessmentIds.some((id) => rk.includes(`|${id}|`))) {
        if (rk.startsWith('snooze|')) lines.push({ label: `Reminder ${rk.slice('snooze|'.length)} snoozed until`, value: String(e.until) });
        if (rk.startsWith('sent|')) lines.push({ label: `Reminder ${rk.slice('sent|'.length)} sent at`, value: String(e.at) });
      }
    }
    return lines;
  }

  /** Removes the assessment's reminder rows, and the case's row once no assessment of the case is left. Safe to repeat. */
  async forget(owner: Owner, assessmentId: string, caseRef: string | undefined): Promise<void> {
    const pk = ownerKey(owner);
    for (const e of await this.rows(owner)) {
      const rk = String(e.rowKey);
      if (rk.includes(`|${assessmentId}|`)) await this.remove(pk, rk);
    }
    if (!caseRef) return;
    const key = caseRef.trim().toLowerCase();
    try {
      for await (const e of this.assessments.listEntities<{ caseRef?: unknown }>({
        queryOptions: { filter: odata`PartitionKey eq ${pk}`, select: ['RowKey', 'caseRef'] },
      })) {
        if (String(e.rowKey) !== assessmentId && typeof e.caseRef === 'string' && e.caseRef.trim().toLowerCase() === key) return;
      }
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    await this.remove(pk, caseRowKey(caseRef));
  }

  /** Every row of the owner's reminders partition: preferences, snoozes, sent marks, keeps and warnings. Safe to repeat. */
  async forgetOwner(owner: Owner): Promise<void> {
    const pk = ownerKey(owner);
    for (const e of await this.rows(owner)) await this.remove(pk, String(e.rowKey));
  }

  private async remove(pk: string, rk: string): Promise<void> {
    try {
      await this.reminders.deleteEntity(pk, rk, { abortSignal: timeout() });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }
}
