import { odata } from '@azure/data-tables';
import { TeamRefSchema, type TeamRef } from '../tencs/sharing.js';
import { CorruptEntityError } from './errors.js';
import { TableCall } from './table-call.js';
import type { TableFactory } from './tables.js';

/** Logical table name; the deployment prefix is added by the TableFactory. */
export const TEAMS_TABLE = 'teams';

/** Table keys may not hold / \ # ? or control characters; team ids are encoded to be safe. */
const teamKey = (teamId: string) => encodeURIComponent(teamId);

/**
 * Teams the bot is installed in: PartitionKey = tenant id, RowKey = the encoded team id. "Which
 * teams can I share to" is one partition query, and install or removal is one write.
 */
export class TeamRepository {
  private readonly table: TableCall;

  constructor(tables: TableFactory, timeoutMs?: number) {
    this.table = new TableCall(tables.table(TEAMS_TABLE), timeoutMs);
  }

  /** Records a team's conversation reference, or refreshes it (a new name, a moved serviceUrl). */
  async upsert(team: TeamRef): Promise<void> {
    const parsed = TeamRefSchema.parse(team);
    await this.table.run('upsert', () =>
      this.table.client.upsertEntity({ partitionKey: parsed.tenantId, rowKey: teamKey(parsed.teamId), ...parsed }, 'Merge', {
        abortSignal: this.table.deadline(),
      }),
    );
  }

  /** One team in this tenant, or undefined. */
  async get(tenantId: string, teamId: string): Promise<TeamRef | undefined> {
    const entity = await this.table.orUndefined('get', () => this.table.client.getEntity(tenantId, teamKey(teamId), { abortSignal: this.table.deadline() }));
    return entity ? parse(entity) : undefined;
  }

  /** Every team in this tenant where the bot is installed, by name. */
  async listForTenant(tenantId: string, top = 100): Promise<TeamRef[]> {
    const rows = await this.table.run('list', async () => {
      const out: Record<string, unknown>[] = [];
      for await (const e of this.table.client.listEntities({
        queryOptions: { filter: odata`PartitionKey eq ${tenantId}` },
        abortSignal: this.table.deadline(),
      })) {
        out.push(e);
        if (out.length >= top) break;
      }
      return out;
    });
    return rows.map(parse).sort((a, b) => a.teamName.localeCompare(b.teamName));
  }

  /** Forgets a team (bot removed, team deleted, or the connector says the bot is no longer there); false if unknown. */
  async delete(tenantId: string, teamId: string): Promise<boolean> {
    const done = await this.table.orUndefined('delete', () =>
      this.table.client.deleteEntity(tenantId, teamKey(teamId), { abortSignal: this.table.deadline() }).then(() => true),
    );
    return done ?? false;
  }
}

function parse(entity: Record<string, unknown>): TeamRef {
  const parsed = TeamRefSchema.safeParse(entity);
  if (!parsed.success) throw new CorruptEntityError(`Team row does not match the schema: ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
  return parsed.data;
}
