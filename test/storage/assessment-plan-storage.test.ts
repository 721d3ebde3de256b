import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { AssessmentRepository, ASSESSMENTS_TABLE, assessmentIdFor } from '../../src/storage/assessment-repository.js';
import { createFieldCipher } from '../../src/storage/field-cipher.js';
import { ownerKey } from '../../src/storage/owner-key.js';
import { createTableFactory } from '../../src/storage/tables.js';
import { LIMITS, type Assessment } from '../../src/tencs/assessment.js';
import type { Owner } from '../../src/tencs/owner.js';
import { summarise } from '../../src/tencs/summary.js';
import { uniquePrefix } from '../helpers/bot-harness.js';

const cipher = createFieldCipher([{ id: 'k1', key: randomBytes(32) }]);
const owner = (): Owner => ({ tenantId: randomUUID(), aadObjectId: randomUUID() });

function withPlan(o: Owner): Assessment {
  const at = new Date();
  const text = (n: number, seed: string) => (seed + '€'.repeat(n)).slice(0, n);
  return {
    id: assessmentIdFor(randomUUID(), at),
    tenantId: o.tenantId,
    ownerId: o.aadObjectId,
    status: 'completed',
    step: 'complete',
    cautionsAcknowledged: true,
    setup: { caseRef: 'PL-1', ageBand: '14-15', participants: ['young-person'], participantsOther: '', assessedOn: '2024-05-01' },
    answers: {
      contact: {
        strengths: '',
        vulnerabilities: '',
        risk: 'high',
        resilience: 'low',
        youngPersonView: 'He said he was scared',
        parentView: '',
        skipped: false,
        nextSteps: 'CEOP report with him',
        nextStepsWho: text(LIMITS.actionWho, 'w'),
        nextStepsBy: '2024-05-03',
        moreSteps: [{ what: text(LIMITS.actionWhat, 'm'), who: 'school safeguarding lead', by: '' }],
      },
    },
    composite: {
      offlineFactors: [],
      offlineOther: '',
      analysis: '',
      impact: '',
      safetyFlags: ['images', 'sextortion'],
      harmFrom: ['adult'],
      referralMadeOn: '2024-05-02',
      strategyDiscussionOn: '2024-05-03',
      safetyDone: 'Told the police on 2 May',
      triangle: { 'developmental-needs': ['contact'], 'parenting-capacity': [], 'family-environment': [] },
      triangleConfirmed: true,
    },
    rev: 3,
    stepRevs: {},
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    completedAt: at.toISOString(),
  };
}

describe('the plan, safety record and Triangle placement in Table Storage', () => {
  let repo: AssessmentRepository;
  let raw: ReturnType<Awaited<ReturnType<typeof createTableFactory>>['table']>;

  beforeAll(async () => {
    const tables = await createTableFactory({
      tables: { kind: 'connection-string', connectionString: inject('tablesConnectionString'), allowInsecure: true },
      tablePrefix: uniquePrefix(),
    });
    repo = new AssessmentRepository(tables, cipher);
    raw = tables.table(ASSESSMENTS_TABLE);
  });

  it('when a plan with who and when, safety ticks and a confirmed placement are stored, then they read back equal and the typed and sensitive parts are encrypted', async () => {
    const me = owner();
    const a = withPlan(me);
    await repo.create(a);
    expect((await repo.get(me, a.id))?.assessment).toEqual(a);
    const entity = await raw.getEntity(ownerKey(me), a.id);
    const dump = JSON.stringify(entity);
    for (const secret of ['sextortion', 'school safeguarding lead', 'Told the police', '€€€', 'adult']) expect(dump).not.toContain(secret);
    expect(entity.c5NextStepsWho).toMatch(/^e1\.k1\./);
    expect(entity.compositeSafetyFlags).toMatch(/^e1\.k1\./);
  });

  it('when an entity written before the plan had who and when is read, then its plain next steps are one step of the plan', async () => {
    const me = owner();
    const a = withPlan(me);
    const { nextStepsWho: _w, nextStepsBy: _b, moreSteps: _m, ...old } = a.answers.contact!;
    const {
      safetyFlags: _f,
      harmFrom: _h,
      referralMadeOn: _r,
      strategyDiscussionOn: _s,
      safetyDone: _d,
      triangle: _t,
      triangleConfirmed: _c,
      ...oldComposite
    } = a.composite!;
    const legacy: Assessment = { ...a, answers: { contact: { ...old, nextSteps: 'Report Remove with him; CEOP report; police' } }, composite: oldComposite };
    await repo.create(legacy);
    const entity = await raw.getEntity(ownerKey(me), a.id);
    expect(Object.keys(entity).filter((k) => /Who|By|MoreSteps|Safety|Triangle|HarmFrom/.test(k))).toEqual([]);
    const read = (await repo.get(me, a.id))!.assessment;
    expect(summarise(read).plan).toEqual([{ c: 'contact', what: 'Report Remove with him; CEOP report; police', who: '', by: '' }]);
    expect(summarise(read).triangle.confirmed).toBe(false);
  });
});
