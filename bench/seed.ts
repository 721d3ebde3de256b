import { randomUUID } from 'node:crypto';
import { createFieldCipher, parseEncryptionKeys } from '../src/storage/field-cipher.js';
import type { TableEntity, TransactionAction } from '@azure/data-tables';
import { ASSESSMENTS_TABLE, AssessmentRepository, assessmentIdFor } from '../src/storage/assessment-repository.js';
import { createTableFactory } from '../src/storage/tables.js';
import { AGE_BANDS, RESILIENCE_LEVELS, RISK_LEVELS, type Assessment, type CAnswer } from '../src/tencs/assessment.js';
import { C_IDS } from '../src/tencs/ten-cs.js';

/** What the seeding step wrote. */
export interface SeedResult {
  readonly heavy: number;
  readonly spread: number;
  readonly ms: number;
  readonly note: string;
}

/** Where and how many assessments to seed. */
export interface SeedRequest {
  readonly connectionString: string;
  readonly tablePrefix: string;
  /** ENCRYPTION_KEYS as the bot gets them, so seeded answers decrypt like the bot's own. */
  readonly encryptionKeys: string;
  readonly tenantId: string;
  readonly heavyAadObjectId: string;
  readonly heavy: number;
  readonly spread: number;
  readonly spreadPractitioners: number;
}

const DAY = 86_400_000;

/**
 * A completed assessment from the past: setup, all ten Cs with levels and two short answers each.
 * Kept inside the 90-day retention window so the bot's daily purge (first run 5 minutes after
 * start) finds nothing of the seed to delete mid-run.
 */
function pastAssessment(tenantId: string, ownerId: string, daysAgo: number, n: number): Assessment {
  const created = new Date(Date.now() - daysAgo * DAY - n * 1000);
  const at = created.toISOString();
  const answers: Partial<Record<(typeof C_IDS)[number], CAnswer>> = {};
  C_IDS.forEach((id, i) => {
    answers[id] = {
      strengths: 'Talks openly with the carer about the apps used.',
      vulnerabilities: '',
      risk: RISK_LEVELS[(n + i) % RISK_LEVELS.length]!,
      resilience: RESILIENCE_LEVELS[(n + i) % RESILIENCE_LEVELS.length]!,
      youngPersonView: '',
      parentView: '',
      nextSteps: 'Review at the next visit.',
      skipped: false,
    };
  });
  return {
    id: assessmentIdFor(randomUUID(), created),
    tenantId,
    ownerId,
    status: 'completed',
    step: 'complete',
    cautionsAcknowledged: true,
    rev: 13,
    stepRevs: {},
    createdAt: at,
    updatedAt: at,
    completedAt: at,
    setup: {
      caseRef: `SEED-${n}`,
      ageBand: AGE_BANDS[n % AGE_BANDS.length]!,
      participants: ['young-person'],
      participantsOther: '',
      assessedOn: at.slice(0, 10),
    },
    answers,
  };
}

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * Seeds completed assessments straight into the assessments table in batches, each entity made by
 * the repository's own mapping (answers encrypted with the bot's key): `heavy` for one
 * practitioner, `spread` across `spreadPractitioners` others. Straight to Azurite, not through the
 * counting proxy, so seeding is not counted against any turn.
 */
export async function seedAssessments(request: SeedRequest): Promise<SeedResult> {
  const started = Date.now();
  const tables = await createTableFactory({
    tables: { kind: 'connection-string', connectionString: request.connectionString, allowInsecure: true },
    tablePrefix: request.tablePrefix,
  });
  const repository = new AssessmentRepository(tables, createFieldCipher(parseEncryptionKeys(request.encryptionKeys)), { timeoutMs: 30_000 });
  const items: Assessment[] = [];
  for (let n = 0; n < request.heavy; n += 1) items.push(pastAssessment(request.tenantId, request.heavyAadObjectId, 1 + (n % 80), n));
  const others = Array.from({ length: Math.max(1, request.spreadPractitioners) }, () => randomUUID());
  for (let n = 0; n < request.spread; n += 1) items.push(pastAssessment(request.tenantId, others[n % others.length]!, 1 + (n % 80), n));
  // The repository's own entity mapping (private: the bot never writes in bulk), so seeded rows are exactly what the bot writes.
  const mapper = repository as unknown as { toEntity?: (a: Assessment) => TableEntity };
  if (typeof mapper.toEntity !== 'function') throw new Error('AssessmentRepository no longer has toEntity(); update bench/seed.ts to its new entity mapping');
  const client = tables.table(ASSESSMENTS_TABLE);
  await client.createTable();
  const batches: TableEntity[][] = [];
  const byPartition = new Map<string, TableEntity[]>();
  for (const a of items) {
    const entity = mapper.toEntity.call(repository, a);
    const list = byPartition.get(entity.partitionKey) ?? [];
    list.push(entity);
    byPartition.set(entity.partitionKey, list);
  }
  // An entity-group transaction holds at most 100 entities of one partition.
  for (const list of byPartition.values()) for (let i = 0; i < list.length; i += 100) batches.push(list.slice(i, i + 100));
  await pool(batches, 8, async (batch) => {
    await client.submitTransaction(batch.map((entity) => ['create', entity] as TransactionAction));
  });
  const ms = Date.now() - started;
  return {
    heavy: request.heavy,
    spread: request.spread,
    ms,
    note: `written with the repository's entity mapping in ${batches.length} entity-group transactions, in ${(ms / 1000).toFixed(1)} s`,
  };
}
