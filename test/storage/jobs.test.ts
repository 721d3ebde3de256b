import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { JobRunner, periodOf, type JobLogger } from '../../src/jobs/job-runner.js';
import { deleteRows } from '../../src/storage/batch.js';
import { createFieldCipher } from '../../src/storage/field-cipher.js';
import { TableLeaseStore } from '../../src/storage/lease-store.js';
import { ShareCleanup } from '../../src/storage/share-cleanup.js';
import { SUPERVISION_TABLE, ShareRepository } from '../../src/storage/share-repository.js';
import { TableCall } from '../../src/storage/table-call.js';
import { createTableFactory, type TableFactory } from '../../src/storage/tables.js';
import { shareIdFor, type Share } from '../../src/tencs/sharing.js';
import { uniquePrefix } from '../helpers/bot-harness.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';

async function tables(connectionString = inject('tablesConnectionString'), prefix = uniquePrefix()): Promise<TableFactory> {
  return createTableFactory({ tables: { kind: 'connection-string', connectionString, allowInsecure: true }, tablePrefix: prefix });
}

const quiet: JobLogger & { lines: object[] } = {
  lines: [],
  info(o) {
    this.lines.push(o);
  },
  warn(o) {
    this.lines.push(o);
  },
  error(o) {
    this.lines.push(o);
  },
};

describe('the job runner and its Table Storage lease', () => {
  it('when two instances tick in the same period, then the job runs once; the next period runs once more', async () => {
    const t = await tables();
    let now = 1_000_000_000_000;
    const runs: string[] = [];
    const make = (holder: string) => {
      const r = new JobRunner({ store: new TableLeaseStore(t), holder, logger: quiet, now: () => now, leaseMs: 10_000 });
      r.register({ name: 'count', periodMs: 60_000, run: async (ctx) => void runs.push(`${holder}@${ctx.period}`) });
      return r;
    };
    const [a, b] = [make('a'), make('b')];
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    expect(runs).toHaveLength(1);
    await Promise.all([a.tick(), b.tick()]);
    expect(runs).toHaveLength(1);
    now += 60_000;
    await Promise.all([b.tick(), a.tick()]);
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.split('@')[1])).toEqual([periodOf(now - 60_000, 60_000), periodOf(now, 60_000)]);
  });

  it('when the holder stops renewing (it died mid-run), then another instance takes the period over once the lease expires, told it resumes', async () => {
    const t = await tables();
    let now = 2_000_000_000_000;
    const store = new TableLeaseStore(t);
    const period = periodOf(now, 60_000);
    // The dead holder: took the lease, never renews, never completes.
    const dead = await store.acquire('take-over', period, 'dead', 5_000, now);
    expect(dead.kind).toBe('acquired');
    const resumed: boolean[] = [];
    const b = new JobRunner({ store, holder: 'b', logger: quiet, now: () => now, leaseMs: 5_000 });
    b.register({ name: 'take-over', periodMs: 60_000, run: async (ctx) => void resumed.push(ctx.resumed) });
    await b.tick();
    expect(resumed).toEqual([]);
    now += 5_001;
    await b.tick();
    expect(resumed).toEqual([true]);
    // The dead holder's lease token no longer works: it cannot mark the period done or renew.
    if (dead.kind === 'acquired') {
      expect(await store.renew(dead.lease, 5_000, now)).toBeUndefined();
      expect(await store.complete(dead.lease, now)).toBe(false);
    }
    now += 10_000;
    await b.tick();
    expect(resumed).toEqual([true]);
  });

  it('when a run fails, then the lease is released and the next tick (on any instance) runs the period again', async () => {
    const t = await tables();
    const now = 3_000_000_000_000;
    let tries = 0;
    const make = (holder: string) => {
      const r = new JobRunner({ store: new TableLeaseStore(t), holder, logger: quiet, now: () => now });
      r.register({
        name: 'flaky',
        periodMs: 60_000,
        run: async () => {
          tries++;
          if (tries === 1) throw new Error('storage hiccup');
        },
      });
      return r;
    };
    await make('a').tick();
    await make('b').tick();
    await make('a').tick();
    expect(tries).toBe(2);
  });
});

describe('huge supervision records: paged reads and batched deletes', () => {
  it(
    'when a share has 2,500 notes, then every note is read (three pages) and deleting takes batches of 100, not a request per row',
    { timeout: 120_000 },
    async () => {
      const proxy = await startFaultProxy(inject('azuritePort'));
      try {
        const prefix = uniquePrefix();
        const t = await tables(proxy.connectionString, prefix);
        const cipher = createFieldCipher([{ id: 'k', key: randomBytes(32) }]);
        const repo = new ShareRepository(t, cipher);
        const tenantId = randomUUID();
        const at = new Date().toISOString();
        const share: Share = {
          id: shareIdFor(tenantId, '8000000000000-abcdefghijkl', 'team'),
          tenantId,
          assessmentId: '8000000000000-abcdefghijkl',
          ownerId: randomUUID(),
          ownerName: 'Pat',
          teamId: 'team',
          teamName: 'Team',
          channelId: 'chan',
          serviceUrl: 'https://smba.trafficmanager.net/uk/',
          status: 'posted',
          createdAt: at,
          updatedAt: at,
        };
        await repo.create(share);
        const N = 2500;
        // Seeded straight into Azurite in batches (as addNote would write them), so the test spends its time on what it checks.
        const direct = (await tables(inject('tablesConnectionString'), prefix)).table(SUPERVISION_TABLE);
        const pk = `${tenantId}|${share.id}`;
        await direct.createTable();
        for (let i = 0; i < N; i += 100) {
          await direct.submitTransaction(
            Array.from({ length: Math.min(100, N - i) }, (_, j) => {
              const rk = `note|${String(9_000_000_000_000 - (i + j)).padStart(13, '0')}|r${i + j}`;
              const text = cipher.encrypt(`note ${i + j}`, `${SUPERVISION_TABLE}|${pk}|${rk}|text`);
              return [
                'create',
                {
                  partitionKey: pk,
                  rowKey: rk,
                  kind: 'note',
                  authorId: 'm',
                  authorName: 'Morgan',
                  at: new Date(Date.UTC(2026, 0, 1) + (i + j) * 1000).toISOString(),
                  text,
                },
              ] as const;
            }).map((a) => [...a] as ['create', Record<string, unknown> & { partitionKey: string; rowKey: string }]),
          );
        }
        const before = proxy.requests.length;
        const { notes } = await repo.entries(share);
        expect(notes).toHaveLength(N);
        expect(new Set(notes.map((n) => n.text)).size).toBe(N);
        expect(proxy.requests.length - before).toBeGreaterThanOrEqual(3);

        const startDelete = proxy.requests.length;
        await new ShareCleanup(t).deleteShare(share);
        const deleteRequests = proxy.requests.slice(startDelete);
        // 25 batches of 100, 3 or 4 key reads, the share row, table creation: far fewer than 2,500.
        expect(deleteRequests.length).toBeLessThan(40);
        expect(deleteRequests.filter((r) => r.path.includes('$batch')).length).toBe(25);
        expect((await repo.entries(share)).notes).toEqual([]);
        expect(await repo.get(tenantId, share.id)).toBeUndefined();
      } finally {
        await proxy.close();
      }
    },
  );

  it('when a batch holds a row that is already gone, then the rest are still deleted and the count says what this call removed', async () => {
    const t = await tables();
    const table = new TableCall(t.table(SUPERVISION_TABLE));
    await table.run('seed', async () => {
      for (let i = 0; i < 5; i++) await table.client.createEntity({ partitionKey: 'p', rowKey: `r${i}` });
    });
    await table.client.deleteEntity('p', 'r2');
    expect(
      await deleteRows(
        table,
        [0, 1, 2, 3, 4].map((i) => ({ partitionKey: 'p', rowKey: `r${i}` })),
      ),
    ).toBe(4);
    const left: unknown[] = [];
    for await (const e of table.client.listEntities()) left.push(e);
    expect(left).toEqual([]);
  });
});
