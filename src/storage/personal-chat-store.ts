import { odata, type TableClient } from '@azure/data-tables';
import type { PersonalChatDirectory, PersonalChatRef } from '../tencs/cycle/cycle-service.js';
import { ownerKey, ownerOfKey, type Owner } from '../tencs/owner.js';
import { statusOf } from './errors.js';
import type { TableFactory } from './tables.js';

/** Logical table of practitioners' personal chats with tencs; PartitionKey = owner key, RowKey = 'ref'. */
export const PERSONAL_CHATS_TABLE = 'personalchats';

const timeout = () => AbortSignal.timeout(5000);

/** Where each practitioner's personal chat is (conversation id, service URL, bot id): ids only, never child data. */
export class TablePersonalChatDirectory implements PersonalChatDirectory {
  private readonly table: TableClient;
  private created: Promise<void> | undefined;

  constructor(tables: TableFactory) {
    this.table = tables.table(PERSONAL_CHATS_TABLE);
  }

  private ensureTable(): Promise<void> {
    this.created ??= this.table.createTable({ abortSignal: timeout() }).catch((error: unknown) => {
      this.created = undefined;
      if (statusOf(error) !== 409) throw error;
    });
    return this.created;
  }

  async get(owner: Owner): Promise<PersonalChatRef | undefined> {
    try {
      const e = await this.table.getEntity(ownerKey(owner), 'ref', { abortSignal: timeout() });
      const s = (k: string) => (typeof e[k] === 'string' ? e[k] : '');
      return s('conversationId') && s('serviceUrl')
        ? { conversationId: s('conversationId'), serviceUrl: s('serviceUrl'), botId: s('botId'), day: s('day') }
        : undefined;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async put(owner: Owner, ref: PersonalChatRef): Promise<void> {
    await this.ensureTable();
    await this.table.upsertEntity({ partitionKey: ownerKey(owner), rowKey: 'ref', ...ref }, 'Replace', { abortSignal: timeout() });
  }

  /** Forgets where this person's personal chat is ("delete all my data", or the purge). Safe to repeat. */
  async remove(owner: Owner): Promise<void> {
    try {
      await this.table.deleteEntity(ownerKey(owner), 'ref', { abortSignal: timeout() });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  /**
   * People whose reference was last written before `day` (YYYY-MM-DD), at most `top`: the purge's one
   * query over this table (one small row per person; `day` is written at most once a day, on activity).
   */
  async inactiveBefore(day: string, top = 1000): Promise<Owner[]> {
    const out: Owner[] = [];
    try {
      for await (const e of this.table.listEntities({ queryOptions: { filter: odata`RowKey eq 'ref' and day lt ${day}`, select: ['PartitionKey'] } })) {
        out.push(ownerOfKey(String(e.partitionKey)));
        if (out.length >= top) break;
      }
    } catch (error) {
      // 404: no personal chat was ever recorded in this deployment.
      if (statusOf(error) !== 404) throw error;
    }
    return out;
  }
}
