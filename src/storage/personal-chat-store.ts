import type { TableClient } from '@azure/data-tables';
import type { PersonalChatDirectory, PersonalChatRef } from '../tencs/cycle/cycle-service.js';
import { ownerKey, type Owner } from '../tencs/owner.js';
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
}
