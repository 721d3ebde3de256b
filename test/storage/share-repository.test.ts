import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { ConflictError } from '../../src/storage/errors.js';
import { createFieldCipher } from '../../src/storage/field-cipher.js';
import { SHARES_TABLE, SUPERVISION_TABLE, ShareRepository } from '../../src/storage/share-repository.js';
import { createTableFactory, type TableFactory } from '../../src/storage/tables.js';
import { TEAMS_TABLE, TeamRepository } from '../../src/storage/team-repository.js';
import { shareIdFor, type Share, type TeamRef } from '../../src/tencs/sharing.js';
import { uniquePrefix } from '../helpers/bot-harness.js';

async function tables(): Promise<TableFactory> {
  return createTableFactory({
    tables: { kind: 'connection-string', connectionString: inject('tablesConnectionString'), allowInsecure: true },
    tablePrefix: uniquePrefix(),
  });
}

const cipher = () => createFieldCipher([{ id: 'k1', key: randomBytes(32) }]);

function teamRef(tenantId: string, name = 'Team'): TeamRef {
  const id = `19:${randomUUID().replace(/-/g, '')}@thread.tacv2`;
  const at = new Date().toISOString();
  return {
    tenantId,
    teamId: id,
    teamName: name,
    channelId: id,
    serviceUrl: 'https://smba.trafficmanager.net/uk/',
    botId: '28:bot',
    installedAt: at,
    updatedAt: at,
  };
}

function share(tenantId: string, team: TeamRef): Share {
  const at = new Date().toISOString();
  const assessmentId = `8${String(Date.now()).padStart(12, '0')}-abcdefghijkl`;
  return {
    id: shareIdFor(tenantId, assessmentId, team.teamId),
    tenantId,
    assessmentId,
    ownerId: randomUUID(),
    ownerName: 'Pat',
    teamId: team.teamId,
    teamName: team.teamName,
    channelId: team.channelId,
    serviceUrl: team.serviceUrl,
    status: 'posting',
    createdAt: at,
    updatedAt: at,
  };
}

describe('teams on Azurite', () => {
  it('when teams are installed in two tenants, then each tenant lists only its own, by name, and removal forgets one', async () => {
    const repo = new TeamRepository(await tables());
    const [t1, t2] = [randomUUID(), randomUUID()];
    const b = teamRef(t1, 'Bravo');
    const a = teamRef(t1, 'Alpha');
    await repo.upsert(b);
    await repo.upsert(a);
    await repo.upsert(teamRef(t2, 'Other'));
    expect((await repo.listForTenant(t1)).map((t) => t.teamName)).toEqual(['Alpha', 'Bravo']);
    expect(await repo.get(t2, a.teamId)).toBeUndefined();
    await repo.upsert({ ...a, teamName: 'Alpha renamed' });
    expect((await repo.get(t1, a.teamId))?.teamName).toBe('Alpha renamed');
    expect(await repo.delete(t1, a.teamId)).toBe(true);
    expect(await repo.delete(t1, a.teamId)).toBe(false);
    expect((await repo.listForTenant(t1)).map((t) => t.teamName)).toEqual(['Bravo']);
  });

  it('when a team id has characters table keys forbid, then it is still stored and found', async () => {
    const tables_ = await tables();
    const repo = new TeamRepository(tables_);
    const tenant = randomUUID();
    const odd = { ...teamRef(tenant), teamId: '19:a/b#c?d\\e@thread.skype' };
    await repo.upsert(odd);
    expect((await repo.get(tenant, odd.teamId))?.teamId).toBe(odd.teamId);
    expect(TEAMS_TABLE).toBe('teams');
  });
});

describe('shares and supervision on Azurite', () => {
  it('when a share is created twice, then the second is a conflict, and a stale replace is refused', async () => {
    const repo = new ShareRepository(await tables(), cipher());
    const tenant = randomUUID();
    const s = share(tenant, teamRef(tenant));
    const created = await repo.create(s);
    await expect(repo.create(s)).rejects.toBeInstanceOf(ConflictError);
    const newer = await repo.replace({ ...s, status: 'posted', conversationId: 'c', activityId: 'a' }, created.etag);
    await expect(repo.replace({ ...s, status: 'failed' }, created.etag)).rejects.toMatchObject({ reason: 'changed' });
    expect((await repo.get(tenant, s.id))?.share.status).toBe('posted');
    expect(newer).not.toBe(created.etag);
    expect(await repo.get(randomUUID(), s.id)).toBeUndefined();
  });

  it('when acknowledgements and notes are added, then one ack per person, one note per request, notes newest first and encrypted at rest', async () => {
    const factory = await tables();
    const repo = new ShareRepository(factory, cipher());
    const tenant = randomUUID();
    const s = share(tenant, teamRef(tenant));
    await repo.create(s);
    expect(await repo.addAck(s, { kind: 'ack', authorId: 'm1', authorName: 'Morgan', at: '2025-01-01T10:00:00.000Z' })).toBe(true);
    expect(await repo.addAck(s, { kind: 'ack', authorId: 'm1', authorName: 'Morgan', at: '2025-01-01T10:05:00.000Z' })).toBe(false);
    expect(
      await repo.addNote(s, { kind: 'note', authorId: 'm1', authorName: 'Morgan', at: '2025-01-01T10:00:00.000Z', text: 'first SECRET-NOTE' }, 'act-1'),
    ).toBe(true);
    expect(
      await repo.addNote(s, { kind: 'note', authorId: 'm1', authorName: 'Morgan', at: '2025-01-01T10:00:00.000Z', text: 'first SECRET-NOTE' }, 'act-1'),
    ).toBe(false);
    expect(await repo.addNote(s, { kind: 'note', authorId: 'm2', authorName: 'Alex', at: '2025-01-02T10:00:00.000Z', text: 'second' }, 'act-2')).toBe(true);
    const { acks, notes } = await repo.entries(s);
    expect(acks.map((a) => a.authorName)).toEqual(['Morgan']);
    expect(notes.map((n) => n.text)).toEqual(['second', 'first SECRET-NOTE']);

    const raw: unknown[] = [];
    for await (const e of factory.table(SUPERVISION_TABLE).listEntities()) raw.push(e);
    for await (const e of factory.table(SHARES_TABLE).listEntities()) raw.push(e);
    expect(JSON.stringify(raw)).not.toContain('SECRET-NOTE');
  });

  it('when a share names supervisors, then they round-trip through Azurite, and a share stored before supervisors existed still reads with none', async () => {
    const factory = await tables();
    const repo = new ShareRepository(factory, cipher());
    const tenant = randomUUID();
    const supervisors = [
      { aadObjectId: randomUUID(), mri: '29:1abcDEF', name: 'Morgan Manager' },
      { aadObjectId: randomUUID(), mri: '29:2ghiJKL', name: 'Dee Deputy' },
    ];
    const named = { ...share(tenant, teamRef(tenant)), supervisors, ownerMri: '29:owner' };
    const { etag } = await repo.create(named);
    expect((await repo.get(tenant, named.id))?.share).toMatchObject({ supervisors, ownerMri: '29:owner' });
    await repo.replace({ ...named, status: 'posted' }, etag);
    expect((await repo.get(tenant, named.id))?.share.supervisors).toEqual(supervisors);

    // A row written by the previous version: no supervisors column at all.
    const old = share(tenant, teamRef(tenant));
    await factory.table(SHARES_TABLE).createEntity({ partitionKey: tenant, rowKey: old.id, ...old });
    const read = (await repo.get(tenant, old.id))!.share;
    expect(read.supervisors ?? []).toEqual([]);
    expect(read.ownerMri).toBeUndefined();
  });

  it('when a note is read with the wrong key, then it fails rather than showing anything', async () => {
    const factory = await tables();
    const tenant = randomUUID();
    const s = share(tenant, teamRef(tenant));
    await new ShareRepository(factory, cipher()).addNote(s, { kind: 'note', authorId: 'm', authorName: 'M', at: new Date().toISOString(), text: 'x' }, 'r');
    await expect(new ShareRepository(factory, cipher()).entries(s)).rejects.toThrow();
  });
});
