/**
 * `audit CASE-REF` at 100 and at 100,000 audit entries of other cases: the storage requests one
 * lookup makes, counted by the counting proxy. With the case index (see README, Storage) the two
 * counts are the same; the old lookup (a filter on non-key columns, across every partition) is run
 * beside it for comparison, and grows a request per 1,000 rows.
 *
 * Run: npx tsx bench/audit-lookup.ts [--entries 100,100000]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { odata } from '@azure/data-tables';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { buildDependencies } from '../src/compose.js';
import { AUDIT_TABLE } from '../src/storage/audit-repository.js';
import { ownerKey } from '../src/storage/owner-key.js';
import { assessmentIdFor } from '../src/storage/assessment-repository.js';
import { createTableFactory } from '../src/storage/tables.js';
import type { Assessment } from '../src/tencs/assessment.js';
import { startBenchAzurite } from './azurite.js';
import { diffCounts, startCountingProxy, totalOf, type StorageCounts } from './counting-proxy.js';

export interface AuditLookupMeasure {
  readonly otherEntries: number;
  readonly lookup: Omit<StorageCounts, 'byTable'> & { total: number; ms: number };
  readonly oldScan: { requests: number; ms: number };
}

export async function measureAuditLookup(sizes: readonly number[] = [100, 100_000]): Promise<AuditLookupMeasure[]> {
  const azurite = await startBenchAzurite();
  const proxy = await startCountingProxy(azurite.port);
  try {
    const out: AuditLookupMeasure[] = [];
    for (const size of sizes) {
      const env = {
        BOT_AUTH: 'disabled',
        HOST: '127.0.0.1',
        PORT: '0',
        TABLES_CONNECTION_STRING: proxy.connectionString,
        TABLE_PREFIX: `al${size}${randomBytes(3).toString('hex')}`,
        ENCRYPTION_KEYS: `b:${randomBytes(32).toString('base64')}`,
        LOG_LEVEL: 'silent',
      };
      const config = loadConfig(env);
      const deps = await buildDependencies(config, createLogger('silent'));
      const direct = await createTableFactory({
        ...config,
        tables: { kind: 'connection-string', connectionString: azurite.connectionString, allowInsecure: true },
      });

      // The case looked up: one assessment of the owner, with a few entries of its own and one deleted earlier.
      const owner = { tenantId: randomUUID(), aadObjectId: randomUUID() };
      const now = new Date();
      const a: Assessment = {
        id: assessmentIdFor(randomUUID(), now),
        tenantId: owner.tenantId,
        ownerId: owner.aadObjectId,
        status: 'completed',
        step: 'complete',
        cautionsAcknowledged: true,
        setup: { caseRef: 'CR-BENCH-1', ageBand: '14-15', participants: ['young-person'], participantsOther: '', assessedOn: '2025-01-01' },
        answers: {},
        rev: 3,
        stepRevs: {},
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        completedAt: now.toISOString(),
      };
      await deps.assessmentRepository.create(a);
      for (const action of ['created', 'edited', 'completed'] as const) {
        await deps.audit.record({
          actorTenantId: owner.tenantId,
          actorId: owner.aadObjectId,
          action,
          assessmentId: a.id,
          ownerKey: ownerKey(owner),
          caseRef: 'CR-BENCH-1',
        });
      }
      await deps.audit.record({
        actorTenantId: owner.tenantId,
        actorId: owner.aadObjectId,
        action: 'deleted',
        assessmentId: assessmentIdFor(randomUUID(), now),
        ownerKey: ownerKey(owner),
        caseRef: 'CR-BENCH-1',
      });

      // Entries of other cases, other owners and tenants: 100 per assessment (one batch each), straight into Azurite.
      const audit = direct.table(AUDIT_TABLE);
      await audit.createTable().catch(() => undefined);
      for (let i = 0; i < size; i += 100) {
        const id = assessmentIdFor(randomUUID(), now);
        const tenant = randomUUID();
        const other = ownerKey({ tenantId: tenant, aadObjectId: randomUUID() });
        const n = Math.min(100, size - i);
        await audit.submitTransaction(
          Array.from({ length: n }, (_, j): ['create', { partitionKey: string; rowKey: string; [k: string]: unknown }] => {
            const at = new Date(now.getTime() - j * 1000).toISOString();
            return [
              'create',
              {
                partitionKey: id,
                rowKey: `${at}~${j}`,
                at,
                actorTenantId: tenant,
                actorId: 'someone',
                action: 'edited',
                assessmentId: id,
                ownerKey: other,
                caseRef: `CR-OTHER-${i + j}`,
                caseRefKey: `cr-other-${i + j}`,
              },
            ];
          }),
        );
      }

      const before = proxy.counts();
      const started = performance.now();
      const trail = await deps.privacy.auditTrail(owner, 'CR-BENCH-1');
      const ms = performance.now() - started;
      const c = diffCounts(proxy.counts(), before);
      if (!trail || trail.entries.length < 4) throw new Error(`audit lookup found ${trail?.entries.length ?? 0} entries, expected at least 4`);

      // The old lookup, for comparison: non-key columns filtered across every partition, all pages.
      const oldBefore = proxy.counts();
      const oldStarted = performance.now();
      const key = ownerKey(owner);
      for await (const _page of deps.tables
        .table(AUDIT_TABLE)
        .listEntities({ queryOptions: { filter: odata`ownerKey eq ${key} and caseRefKey eq ${'cr-bench-1'}`, select: ['assessmentId'] } })
        .byPage({ maxPageSize: 1000 })) {
        // Only the requests count here: each page is fetched and dropped.
      }
      const oldMs = performance.now() - oldStarted;
      const old = diffCounts(proxy.counts(), oldBefore);
      out.push({
        otherEntries: size,
        lookup: { pointReads: c.pointReads, queries: c.queries, writes: c.writes, batches: c.batches, other: c.other, total: totalOf(c), ms: Math.round(ms) },
        oldScan: { requests: totalOf(old), ms: Math.round(oldMs) },
      });
    }
    return out;
  } finally {
    await proxy.close();
    await azurite.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = process.argv.indexOf('--entries');
  const sizes = arg > 0 ? process.argv[arg + 1]!.split(',').map(Number) : [100, 100_000];
  measureAuditLookup(sizes).then(
    (rows) => {
      process.stdout.write(
        "| Other cases' audit entries | audit CASE-REF: storage requests (point reads / queries / writes) | ms | Old lookup (non-key filter scan): requests | ms |\n|---|---|---|---|---|\n",
      );
      for (const r of rows) {
        process.stdout.write(
          `| ${r.otherEntries.toLocaleString('en-GB')} | ${r.lookup.total} (${r.lookup.pointReads} / ${r.lookup.queries} / ${r.lookup.writes}) | ${r.lookup.ms} | ${r.oldScan.requests} | ${r.oldScan.ms} |\n`,
        );
      }
      const [first, last] = [rows[0]!, rows[rows.length - 1]!];
      if (first.lookup.total !== last.lookup.total) {
        process.stderr.write(`audit lookup requests differ: ${first.lookup.total} at ${first.otherEntries}, ${last.lookup.total} at ${last.otherEntries}\n`);
        process.exit(1);
      }
    },
    (error: unknown) => {
      process.stderr.write(`audit lookup bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
