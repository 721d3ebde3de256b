import { createHash } from 'node:crypto';
import { odata } from '@azure/data-tables';
import { z } from 'zod';
import { SHARE_ID_PATTERN, ShareSchema, type Share, type SupervisionEntry } from '../tencs/sharing.js';
import { ConflictError, CorruptEntityError } from './errors.js';
import type { FieldCipher } from './field-cipher.js';
import { forEachPage } from './batch.js';
import { TableCall } from './table-call.js';
import type { TableFactory } from './tables.js';

/** Logical table names; the deployment prefix is added by the TableFactory. */
export const SHARES_TABLE = 'shares';
export const SUPERVISION_TABLE = 'supervision';

const MAX_MS = 9_999_999_999_999;

/** A share as read, with the ETag a later write must match. */
export interface StoredShare {
  readonly share: Share;
  readonly etag: string;
}

const AckEntity = z.object({ rowKey: z.string(), kind: z.literal('ack'), authorId: z.string(), authorName: z.string(), at: z.string() });
const NoteEntity = z.object({ rowKey: z.string(), kind: z.literal('note'), authorId: z.string(), authorName: z.string(), at: z.string(), text: z.string() });

/**
 * Shares and what managers did with them. Shares: PartitionKey = tenant id, RowKey = share id (ids,
 * names and status only, the named supervisors as a JSON string; the summary itself is re-made from the assessment, so deleting the
 * assessment takes it out of the channel card too). Supervision: PartitionKey = `${tenant}|${share}`,
 * RowKey `ack|<user>` (one per person, so a repeated click is one acknowledgement) or
 * `note|<inverted time>|<request hash>` (newest first; the same request twice is one note). Note
 * text is encrypted with the field cipher.
 */
export class ShareRepository {
  private readonly shares: TableCall;
  private readonly supervision: TableCall;

  constructor(
    tables: TableFactory,
    private readonly cipher: FieldCipher,
    timeoutMs?: number,
  ) {
    this.shares = new TableCall(tables.table(SHARES_TABLE), timeoutMs);
    this.supervision = new TableCall(tables.table(SUPERVISION_TABLE), timeoutMs);
  }

  /** Creates a share; ConflictError('exists') when this assessment was already shared to this team. */
  async create(share: Share): Promise<StoredShare> {
    const parsed = ShareSchema.parse(share);
    const res = await this.shares.run(
      'create',
      () => this.shares.client.createEntity({ partitionKey: parsed.tenantId, rowKey: parsed.id, ...toEntity(parsed) }, { abortSignal: this.shares.deadline() }),
      { 409: () => new ConflictError('exists', 'This assessment is already shared to this team') },
    );
    return { share: parsed, etag: res.etag ?? '' };
  }

  /** One share in this tenant, or undefined. */
  async get(tenantId: string, shareId: string): Promise<StoredShare | undefined> {
    if (!SHARE_ID_PATTERN.test(shareId)) return undefined;
    const entity = await this.shares.orUndefined('get', () => this.shares.client.getEntity(tenantId, shareId, { abortSignal: this.shares.deadline() }));
    if (!entity) return undefined;
    const parsed = ShareSchema.safeParse(entity);
    if (!parsed.success) throw new CorruptEntityError(`Share row does not match the schema: ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
    return { share: parsed.data, etag: entity.etag };
  }

  /** Replaces a share if unchanged since read; ConflictError('changed') otherwise. */
  async replace(share: Share, etag: string): Promise<string> {
    const parsed = ShareSchema.parse(share);
    const res = await this.shares.run(
      'replace',
      () =>
        this.shares.client.updateEntity({ partitionKey: parsed.tenantId, rowKey: parsed.id, ...toEntity(parsed) }, 'Replace', {
          etag,
          abortSignal: this.shares.deadline(),
        }),
      {
        412: () => new ConflictError('changed', 'The share changed since it was read'),
        404: () => new ConflictError('changed', 'The share was deleted since it was read'),
      },
    );
    return res.etag ?? '';
  }

  /** Records an acknowledgement; false when this person had already acknowledged. */
  async addAck(share: Share, entry: Extract<SupervisionEntry, { kind: 'ack' }>): Promise<boolean> {
    const pk = supervisionKey(share);
    try {
      await this.supervision.run(
        'ack',
        () =>
          this.supervision.client.createEntity({ partitionKey: pk, rowKey: `ack|${entry.authorId}`, ...entry }, { abortSignal: this.supervision.deadline() }),
        { 409: () => new ConflictError('exists', 'Already acknowledged') },
      );
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  /**
   * Records a note once per request: the row key comes from the note's time and `requestId` (the
   * activity's own time and id), so the same activity delivered twice is one note. False when it was
   * already recorded.
   */
  async addNote(share: Share, entry: Extract<SupervisionEntry, { kind: 'note' }>, requestId: string): Promise<boolean> {
    const pk = supervisionKey(share);
    const inverted = String(MAX_MS - new Date(entry.at).getTime()).padStart(13, '0');
    const rk = `note|${inverted}|${createHash('sha256').update(requestId, 'utf8').digest('base64url').slice(0, 16)}`;
    const text = this.cipher.encrypt(entry.text, `${SUPERVISION_TABLE}|${pk}|${rk}|text`);
    try {
      await this.supervision.run(
        'note',
        () =>
          this.supervision.client.createEntity(
            { partitionKey: pk, rowKey: rk, kind: 'note', authorId: entry.authorId, authorName: entry.authorName, at: entry.at, text },
            { abortSignal: this.supervision.deadline() },
          ),
        { 409: () => new ConflictError('exists', 'Note already recorded') },
      );
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  /** Every acknowledgement (oldest first) and note (newest first) on a share. */
  async entries(share: Share): Promise<{ acks: Extract<SupervisionEntry, { kind: 'ack' }>[]; notes: Extract<SupervisionEntry, { kind: 'note' }>[] }> {
    const pk = supervisionKey(share);
    // Page by page, each page its own request and deadline: a share with thousands of notes is read whole.
    const rows: Record<string, unknown>[] = [];
    await forEachPage(this.supervision, 'entries', { filter: odata`PartitionKey eq ${pk}` }, (page) => {
      rows.push(...page);
    });
    const acks: Extract<SupervisionEntry, { kind: 'ack' }>[] = [];
    const notes: Extract<SupervisionEntry, { kind: 'note' }>[] = [];
    for (const row of rows) {
      if (row.kind === 'ack') {
        const a = AckEntity.safeParse(row);
        if (!a.success) throw new CorruptEntityError('Acknowledgement row does not match the schema');
        acks.push({ kind: 'ack', authorId: a.data.authorId, authorName: a.data.authorName, at: a.data.at });
      } else {
        const n = NoteEntity.safeParse(row);
        if (!n.success) throw new CorruptEntityError('Note row does not match the schema');
        const text = this.cipher.decrypt(n.data.text, `${SUPERVISION_TABLE}|${pk}|${n.data.rowKey}|text`);
        notes.push({ kind: 'note', authorId: n.data.authorId, authorName: n.data.authorName, at: n.data.at, text });
      }
    }
    acks.sort((a, b) => a.at.localeCompare(b.at));
    // Row keys already sort newest first; keep that order.
    return { acks, notes };
  }
}

/** A share as a table row: the named supervisors (a list) as a JSON string; a share without them has no such column. */
function toEntity(share: Share): Record<string, unknown> {
  const { supervisors, ...rest } = share;
  return supervisors === undefined ? rest : { ...rest, supervisors: JSON.stringify(supervisors) };
}

function supervisionKey(share: Share): string {
  return `${share.tenantId}|${share.id}`;
}
