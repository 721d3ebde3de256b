import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { registerRetentionJobs } from '../../src/retention.js';
import { TableLeaseStore } from '../../src/storage/lease-store.js';
import { AssessmentRepository, assessmentIdFor } from '../../src/storage/assessment-repository.js';
import { AuditRepository } from '../../src/storage/audit-repository.js';
import { createFieldCipher } from '../../src/storage/field-cipher.js';
import { TableRetentionScan, deleteIfUnchanged, findStaleAssessments } from '../../src/storage/retention-scan.js';
import { createTableFactory, type TableFactory } from '../../src/storage/tables.js';
import type { Assessment } from '../../src/tencs/assessment.js';
import type { Owner } from '../../src/tencs/owner.js';
import { SYSTEM_ACTOR } from '../../src/tencs/audit.js';
import { PrivacyService } from '../../src/tencs/privacy-service.js';
import { CardReplacementQueue, DeletionQueue } from '../../src/storage/work-queues.js';
import { uniquePrefix } from '../helpers/bot-harness.js';

const queuesOver = (t: TableFactory) => ({ deletions: new DeletionQueue(t), cards: new CardReplacementQueue(t) });

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-03-01T12:00:00.000Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);

const keyText = `k:${randomBytes(32).toString('base64')}`;
const cipher = createFieldCipher([{ id: 'k', key: Buffer.from(keyText.slice(2), 'base64') }]);

async function tables(prefix = uniquePrefix()): Promise<TableFactory> {
  return createTableFactory({
    tables: { kind: 'connection-string', connectionString: inject('tablesConnectionString'), allowInsecure: true },
    tablePrefix: prefix,
  });
}

const owner = (): Owner => ({ tenantId: randomUUID(), aadObjectId: randomUUID() });

function assessment(o: Owner, lastChange: Date, status: Assessment['status'], caseRef: string): Assessment {
  return {
    id: assessmentIdFor(randomUUID(), lastChange),
    tenantId: o.tenantId,
    ownerId: o.aadObjectId,
    status,
    step: status === 'completed' ? 'complete' : 'setup',
    cautionsAcknowledged: true,
    setup: { caseRef, ageBand: '14-15', participants: ['young-person'], participantsOther: '', assessedOn: '2025-01-01' },
    answers: {},
    rev: 3,
    stepRevs: {},
    createdAt: lastChange.toISOString(),
    updatedAt: lastChange.toISOString(),
    ...(status === 'completed' ? { completedAt: lastChange.toISOString() } : {}),
  };
}

async function seed(t: TableFactory) {
  const repo = new AssessmentRepository(t, cipher);
  const o = owner();
  const completedOld = assessment(o, daysAgo(100), 'completed', 'CR-OLD-DONE');
  const abandoned = assessment(o, daysAgo(91), 'in-progress', 'CR-ABANDONED');
  const recent = assessment(o, daysAgo(89), 'in-progress', 'CR-RECENT');
  const completedRecent = assessment(o, daysAgo(5), 'completed', 'CR-DONE-RECENT');
  for (const a of [completedOld, abandoned, recent, completedRecent]) await repo.create(a);
  return { repo, o, completedOld, abandoned, recent, completedRecent };
}

describe('retention', () => {
  it('when the purge runs, then completed and abandoned assessments unchanged for 90 days go, newer ones stay, and each deletion is audited by the system', async () => {
    const t = await tables();
    const { repo, o, completedOld, abandoned, recent, completedRecent } = await seed(t);
    const audit = new AuditRepository(t, undefined, () => NOW);
    await audit.record({ at: daysAgo(400).toISOString(), actorTenantId: o.tenantId, actorId: o.aadObjectId, action: 'viewed', assessmentId: recent.id });
    await audit.record({ at: daysAgo(10).toISOString(), actorTenantId: o.tenantId, actorId: o.aadObjectId, action: 'viewed', assessmentId: recent.id });
    const privacy = new PrivacyService(new TableRetentionScan(t), repo, audit, {
      retentionDays: 90,
      auditRetentionDays: 365,
      now: () => NOW,
      queues: queuesOver(t),
    });

    expect(await privacy.purgeExpired()).toEqual({ assessments: 2, auditEntries: 1 });
    expect(await repo.get(o, completedOld.id)).toBeUndefined();
    expect(await repo.get(o, abandoned.id)).toBeUndefined();
    expect(await repo.get(o, recent.id)).toBeDefined();
    expect(await repo.get(o, completedRecent.id)).toBeDefined();

    const purged = await audit.listForAssessments([completedOld.id, abandoned.id]);
    expect(purged.map((e) => [e.action, e.actorId, e.caseRef, e.detail]).sort()).toEqual([
      ['purged', SYSTEM_ACTOR.actorId, 'CR-ABANDONED', 'in-progress'],
      ['purged', SYSTEM_ACTOR.actorId, 'CR-OLD-DONE', 'completed'],
    ]);
    expect((await audit.listForAssessments([recent.id])).map((e) => e.at)).toEqual([daysAgo(10).toISOString()]);

    // A second run finds nothing more to do.
    expect(await privacy.purgeExpired()).toEqual({ assessments: 0, auditEntries: 0 });
  });

  it('when an assessment is edited after the scan found it stale, then it is not deleted', async () => {
    const t = await tables();
    const { repo, o, abandoned } = await seed(t);
    const [stale] = (await findStaleAssessments(t, daysAgo(90))).filter((s) => s.rowKey === abandoned.id);
    expect(stale).toBeDefined();
    const current = (await repo.get(o, abandoned.id))!;
    await repo.replace({ ...current.assessment, rev: current.assessment.rev + 1, updatedAt: NOW.toISOString() }, current.etag);
    expect(await deleteIfUnchanged(t, stale!)).toBe(false);
    expect(await repo.get(o, abandoned.id)).toBeDefined();
  });

  it('when nothing was ever stored, then the purge finds nothing and does not fail', async () => {
    const t = await tables();
    const privacy = new PrivacyService(new TableRetentionScan(t), new AssessmentRepository(t, cipher), new AuditRepository(t), {
      retentionDays: 90,
      auditRetentionDays: 365,
      queues: queuesOver(t),
    });
    expect(await privacy.purgeExpired()).toEqual({ assessments: 0, auditEntries: 0 });
  });

  it('when the purge job is registered and a tick comes, then it runs without being asked and logs counts only', async () => {
    const t = await tables();
    const { repo, o, completedOld } = await seed(t);
    const privacy = new PrivacyService(new TableRetentionScan(t), repo, new AuditRepository(t), {
      retentionDays: 90,
      auditRetentionDays: 365,
      now: () => NOW,
      queues: queuesOver(t),
    });
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (d: Buffer) => lines.push(d.toString()));
    const logger = createLogger('info', stream);
    const runner = new JobRunner({ store: new TableLeaseStore(t), holder: 'test', logger, now: () => NOW.getTime() });
    registerRetentionJobs(runner, privacy, logger, { purgePeriodMs: DAY, followUpPeriodMs: 60_000 });
    await runner.tick();
    expect(lines.find((l) => l.includes('retention.purged'))).toMatch(/"assessments":2/);
    expect(await repo.get(o, completedOld.id)).toBeUndefined();
  });

  it('when npm run purge runs with RETENTION_DAYS, then it deletes what is older and says how many', async () => {
    const prefix = uniquePrefix();
    const t = await tables(prefix);
    const repo = new AssessmentRepository(t, cipher);
    const o = owner();
    // RETENTION_DAYS is for assessments never given a case reference; a case follows CASE_RETENTION_DAYS (test/bot/cycle-retention.test.ts).
    const { setup: _oldSetup, ...old } = assessment(o, new Date(Date.now() - 40 * DAY), 'in-progress', 'CR-SCRIPT-OLD');
    const { setup: _freshSetup, ...fresh } = assessment(o, new Date(Date.now() - 10 * DAY), 'in-progress', 'CR-SCRIPT-NEW');
    await repo.create(old);
    await repo.create(fresh);

    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/purge.ts'], {
        env: {
          PATH: process.env.PATH,
          BOT_AUTH: 'disabled',
          HOST: '127.0.0.1',
          TABLES_CONNECTION_STRING: inject('tablesConnectionString'),
          TABLE_PREFIX: prefix,
          ENCRYPTION_KEYS: keyText,
          RETENTION_DAYS: '30',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('exit', (c) => resolve({ code: c, stdout: out }));
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/Deleted 1 assessment\(s\) unchanged for 30 days/);
    expect(await repo.get(o, old.id)).toBeUndefined();
    expect(await repo.get(o, fresh.id)).toBeDefined();
  });
});
