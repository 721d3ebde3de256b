import { odata } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { AssessmentRepository, ASSESSMENTS_TABLE, assessmentIdFor } from '../../src/storage/assessment-repository.js';
import { AuditRepository } from '../../src/storage/audit-repository.js';
import { TableCaseKeepStore } from '../../src/storage/case-keep-store.js';
import { createFieldCipher } from '../../src/storage/field-cipher.js';
import { ownerKey } from '../../src/storage/owner-key.js';
import { SHARES_TABLE, SUPERVISION_TABLE, ShareRepository } from '../../src/storage/share-repository.js';
import { createTableFactory, type TableFactory } from '../../src/storage/tables.js';
import { CARDWORK_TABLE, DELETIONS_TABLE } from '../../src/storage/work-queues.js';
import type { Assessment } from '../../src/tencs/assessment.js';
import type { Owner } from '../../src/tencs/owner.js';
import { shareIdFor, type Share } from '../../src/tencs/sharing.js';
import { freePort } from '../helpers/azurite.js';
import { botEnv, spawnBot, type BotProcess } from '../helpers/bot-process.js';
import { startConnector, type LoopbackConnector } from '../helpers/connector.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';

const DAY = 24 * 60 * 60 * 1000;
interface Log {
  event?: string;
  job?: string;
  period?: string;
  holder?: string;
  resumed?: boolean;
}

const logsOf = (b: BotProcess): Log[] =>
  b.output.flatMap((l) => {
    try {
      return [JSON.parse(l) as Log];
    } catch {
      return [];
    }
  });

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function rows(t: TableFactory, table: string, filter?: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  try {
    for await (const e of t.table(table).listEntities(filter ? { queryOptions: { filter } } : {})) out.push(e);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return [];
    throw error;
  }
  return out;
}

describe('scheduled jobs across two bot processes', () => {
  const started: BotProcess[] = [];
  const proxies: FaultProxy[] = [];
  let connector: LoopbackConnector | undefined;
  afterEach(async () => {
    await Promise.all(started.splice(0).map((b) => b.kill('SIGKILL')));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await connector?.close();
  });

  it('when both instances tick every 200 ms with a 2 s period, then each period is run exactly once, by one of them', { timeout: 120_000 }, async () => {
    const env = botEnv(inject('tablesConnectionString'), { JOB_TICK_MS: '200', JOB_LEASE_MS: '3000', PURGE_PERIOD_MS: '2000', FOLLOW_UP_PERIOD_MS: '3600000' });
    const [a, b] = await Promise.all([spawnBot(env, await freePort()), spawnBot(env, await freePort())]);
    started.push(a, b);
    const purgeStarts = () =>
      [a, b].flatMap((x) =>
        logsOf(x)
          .filter((l) => l.event === 'job.started' && l.job === 'retention-purge')
          .map((l) => ({ ...l, by: x.port })),
      );
    await waitFor('four purge periods', () => new Set(purgeStarts().map((s) => s.period)).size >= 4);
    await new Promise((r) => setTimeout(r, 500));
    const starts = purgeStarts();
    const perPeriod = new Map<string, number>();
    for (const s of starts) perPeriod.set(s.period!, (perPeriod.get(s.period!) ?? 0) + 1);
    expect(
      [...perPeriod.values()].every((n) => n === 1),
      JSON.stringify(starts),
    ).toBe(true);
    const completed = [a, b].flatMap((x) =>
      logsOf(x)
        .filter((l) => l.event === 'job.completed' && l.job === 'retention-purge')
        .map((l) => l.period),
    );
    expect(new Set(completed).size).toBe(completed.length);
  });

  it(
    'when the purge holder is killed mid-run (SIGKILL, halfway through a case), then the other instance takes the period over and finishes it: nothing orphaned, each deletion audited once',
    { timeout: 180_000 },
    async () => {
      connector ??= await startConnector();
      const proxy = await startFaultProxy(inject('azuritePort'));
      proxies.push(proxy);
      const env = botEnv(inject('tablesConnectionString'), {
        JOB_TICK_MS: '200',
        JOB_LEASE_MS: '1500',
        PURGE_PERIOD_MS: '3600000',
        FOLLOW_UP_PERIOD_MS: '3600000',
        RETENTION_DAYS: '30',
        CASE_RETENTION_DAYS: '190',
      });
      const config = loadConfig({ ...env, PORT: '0' });
      const t = await createTableFactory(config);
      const cipher = createFieldCipher(config.encryptionKeys);
      const assessments = new AssessmentRepository(t, cipher);
      const shares = new ShareRepository(t, cipher);
      // Cases go only after their owner was warned two weeks before (case retention): each was warned 20 days ago.
      const keeps = new TableCaseKeepStore(t);

      // Five stale cases, each shared to a channel with 250 notes (three batches of deletes each).
      const owner: Owner = { tenantId: randomUUID(), aadObjectId: randomUUID() };
      const old = new Date(Date.now() - 230 * DAY).toISOString();
      const seeded: { a: Assessment; share: Share }[] = [];
      for (let i = 0; i < 5; i++) {
        const a: Assessment = {
          id: assessmentIdFor(randomUUID(), new Date(Date.now() - 230 * DAY)),
          tenantId: owner.tenantId,
          ownerId: owner.aadObjectId,
          status: 'completed',
          step: 'complete',
          cautionsAcknowledged: true,
          setup: { caseRef: `CR-JOB-${i}`, ageBand: '14-15', participants: ['young-person'], participantsOther: '', assessedOn: '2025-01-01' },
          answers: {},
          rev: 3,
          stepRevs: {},
          createdAt: old,
          updatedAt: old,
          completedAt: old,
        };
        await assessments.create(a);
        const teamId = `19:team${i}@thread.tacv2`;
        const share: Share = {
          id: shareIdFor(owner.tenantId, a.id, teamId),
          tenantId: owner.tenantId,
          assessmentId: a.id,
          ownerId: owner.aadObjectId,
          ownerName: 'Pat',
          teamId,
          teamName: `Team ${i}`,
          channelId: teamId,
          serviceUrl: connector.url,
          status: 'posted',
          conversationId: `${teamId};messageid=100${i}`,
          activityId: `100${i}`,
          createdAt: old,
          updatedAt: old,
          postedAt: old,
        };
        await shares.create(share);
        await keeps.setWarnedAt(owner, a.setup!.caseRef, new Date(Date.now() - 20 * DAY).toISOString());
        const pk = `${owner.tenantId}|${share.id}`;
        const sup = t.table(SUPERVISION_TABLE);
        await sup.createTable().catch(() => undefined);
        for (let j = 0; j < 250; j += 100) {
          await sup.submitTransaction(
            Array.from({ length: Math.min(100, 250 - j) }, (_, k): ['create', { partitionKey: string; rowKey: string; [k: string]: unknown }] => {
              const rk = `note|${String(9_000_000_000_000 - (j + k)).padStart(13, '0')}|r${j + k}`;
              return [
                'create',
                {
                  partitionKey: pk,
                  rowKey: rk,
                  kind: 'note',
                  authorId: 'm',
                  authorName: 'Morgan',
                  at: old,
                  text: cipher.encrypt('a note', `${SUPERVISION_TABLE}|${pk}|${rk}|text`),
                },
              ];
            }),
          );
        }
        seeded.push({ a, share });
      }

      // Instance A reaches storage through the proxy, which SIGKILLs it as it sends its fifth batch of deletes:
      // inside the second case, some of its notes deleted and some not.
      let batches = 0;
      let holder: BotProcess | undefined;
      let killed = false;
      proxy.observe((r) => {
        if (!r.path.includes('$batch') || r.method !== 'POST') return undefined;
        batches++;
        if (batches !== 5) return undefined;
        return {
          kind: 'before',
          hook: async () => {
            killed = true;
            await holder?.kill('SIGKILL');
          },
        };
      });
      holder = await spawnBot({ ...env, TABLES_CONNECTION_STRING: proxy.connectionString }, await freePort());
      started.push(holder);
      await waitFor('the holder to be killed mid-run', () => killed);
      expect(logsOf(holder).some((l) => l.event === 'job.started' && l.job === 'retention-purge')).toBe(true);
      expect(logsOf(holder).some((l) => l.event === 'job.completed' && l.job === 'retention-purge')).toBe(false);
      // Halfway through a case: the first cases are gone, the rest still stored.
      expect((await rows(t, SUPERVISION_TABLE)).length).toBeGreaterThan(0);

      const next = await spawnBot(env, await freePort());
      started.push(next);
      await waitFor('the other instance to finish the period', () => logsOf(next).some((l) => l.event === 'job.completed' && l.job === 'retention-purge'));
      const took = logsOf(next).find((l) => l.event === 'job.started' && l.job === 'retention-purge');
      expect(took?.resumed).toBe(true);

      const ids = seeded.map((s) => s.a.id);
      for (const id of ids) expect(await assessments.get(owner, id)).toBeUndefined();
      expect(await rows(t, ASSESSMENTS_TABLE, odata`PartitionKey eq ${ownerKey(owner)}`)).toEqual([]);
      expect(await rows(t, SHARES_TABLE, odata`PartitionKey eq ${owner.tenantId}`)).toEqual([]);
      for (const { share } of seeded) expect(await rows(t, SUPERVISION_TABLE, odata`PartitionKey eq ${`${owner.tenantId}|${share.id}`}`)).toEqual([]);
      expect(await rows(t, DELETIONS_TABLE)).toEqual([]);
      const trail = await new AuditRepository(t).listForAssessments(ids);
      for (const id of ids)
        expect(
          trail.filter((e) => e.assessmentId === id && e.action === 'purged'),
          id,
        ).toHaveLength(1);
      // Every channel card was replaced with the "removed" card, and nothing is left queued.
      for (const { share } of seeded) {
        expect(
          connector.calls.some((c) => c.method === 'PUT' && c.conversationId === share.conversationId),
          share.id,
        ).toBe(true);
      }
      expect(await rows(t, CARDWORK_TABLE)).toEqual([]);
    },
  );
});
