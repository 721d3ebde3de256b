import { randomBytes, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { AssessmentRepository } from '../../../src/storage/assessment-repository.js';
import { AuditRepository } from '../../../src/storage/audit-repository.js';
import { createFieldCipher } from '../../../src/storage/field-cipher.js';
import { createMemoryStores, type MemoryStores } from '../../../src/storage/memory/memory-stores.js';
import { TableRetentionScan } from '../../../src/storage/retention-scan.js';
import { ShareCleanup } from '../../../src/storage/share-cleanup.js';
import { ShareRepository } from '../../../src/storage/share-repository.js';
import { createTableFactory } from '../../../src/storage/tables.js';
import { TeamRepository } from '../../../src/storage/team-repository.js';
import { CardReplacementQueue, DeletionQueue } from '../../../src/storage/work-queues.js';
import { assessmentIdFor, type Assessment } from '../../../src/tencs/assessment.js';
import type { Owner } from '../../../src/tencs/owner.js';
import { shareIdFor, type Share, type TeamRef } from '../../../src/tencs/sharing.js';
import { uniquePrefix } from '../../helpers/bot-harness.js';

/** Every domain port, from one store. */
export type Stores = MemoryStores;

/** Each store the contract suites hold to the same behaviour: the in-memory twin and Table Storage on Azurite (fresh tables each time). */
export const STORES: readonly (readonly [string, () => Promise<Stores>])[] = [
  ['in memory', async () => createMemoryStores()],
  [
    'Azurite',
    async () => {
      const tables = await createTableFactory({
        tables: { kind: 'connection-string', connectionString: inject('tablesConnectionString'), allowInsecure: true },
        tablePrefix: uniquePrefix(),
      });
      const cipher = createFieldCipher([{ id: 'k1', key: randomBytes(32) }]);
      return {
        assessments: new AssessmentRepository(tables, cipher),
        audit: new AuditRepository(tables),
        retention: new TableRetentionScan(tables),
        cleanup: new ShareCleanup(tables),
        teams: new TeamRepository(tables),
        shares: new ShareRepository(tables, cipher),
        deletions: new DeletionQueue(tables),
        cards: new CardReplacementQueue(tables),
      };
    },
  ],
];

export const newOwner = (): Owner => ({ tenantId: randomUUID(), aadObjectId: randomUUID() });

export function newAssessment(o: Owner, at = new Date(), caseRef?: string): Assessment {
  return {
    id: assessmentIdFor(randomUUID(), at),
    tenantId: o.tenantId,
    ownerId: o.aadObjectId,
    status: 'in-progress',
    step: 'cautions',
    cautionsAcknowledged: false,
    answers: {},
    rev: 0,
    stepRevs: {},
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    ...(caseRef
      ? { setup: { caseRef, ageBand: '14-15', participants: ['young-person'], participantsOther: '', assessedOn: at.toISOString().slice(0, 10) } }
      : {}),
  };
}

export function newTeam(tenantId: string, name = 'Team'): TeamRef {
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

export function newShare(tenantId: string, team: TeamRef, assessmentId = assessmentIdFor(randomUUID(), new Date())): Share {
  const at = new Date().toISOString();
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
