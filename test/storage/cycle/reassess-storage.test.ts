import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { AssessmentRepository, assessmentIdFor } from '../../../src/storage/assessment-repository.js';
import { createFieldCipher } from '../../../src/storage/field-cipher.js';
import { createTableFactory } from '../../../src/storage/tables.js';
import type { Assessment } from '../../../src/tencs/assessment.js';
import { AssessmentService } from '../../../src/tencs/assessment-service.js';
import { changesSince, compareCase } from '../../../src/tencs/cycle/compare.js';
import { clearCarried, startReassessment } from '../../../src/tencs/cycle/reassess.js';
import type { Owner } from '../../../src/tencs/owner.js';
import { uniquePrefix } from '../../helpers/bot-harness.js';

const cipher = createFieldCipher([{ id: 'k1', key: randomBytes(32) }]);

describe('reassess and compare over stored assessments (Azurite)', () => {
  it('when a case is assessed three times, then carried marks, the link to the earlier assessment and the review date survive storage, and the comparison names each change', async () => {
    const tables = await createTableFactory({
      tables: { kind: 'connection-string', connectionString: inject('tablesConnectionString'), allowInsecure: true },
      tablePrefix: uniquePrefix(),
    });
    await tables.table('assessments').createTable();
    const repo = new AssessmentRepository(tables, cipher);
    const o: Owner = { tenantId: randomUUID(), aadObjectId: randomUUID() };
    const at = new Date('2026-03-03T10:00:00Z');
    const a1: Assessment = {
      id: assessmentIdFor(randomUUID(), at),
      tenantId: o.tenantId,
      ownerId: o.aadObjectId,
      status: 'completed',
      step: 'complete',
      cautionsAcknowledged: true,
      setup: { caseRef: 'CR-3X', ageBand: '14-15', participants: ['young-person'], participantsOther: '', assessedOn: '2026-03-03' },
      answers: {
        contact: {
          strengths: 'trusted aunt',
          vulnerabilities: 'older contact',
          risk: 'medium',
          resilience: 'some',
          youngPersonView: '',
          parentView: '',
          nextSteps: '',
          skipped: false,
        },
      },
      composite: { offlineFactors: [], offlineOther: '', analysis: '', impact: '' },
      rev: 4,
      stepRevs: {},
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      completedAt: at.toISOString(),
      reviewOn: '2026-06-03',
    };
    await repo.create(a1);
    const stored1 = (await repo.get(o, a1.id))!.assessment;
    expect(stored1.carried).toBeUndefined();
    expect(stored1.reviewOn).toBe('2026-06-03');

    const id2 = assessmentIdFor(randomUUID(), new Date('2026-06-03T10:00:00Z'));
    const started = startReassessment(stored1, { id: id2, now: new Date('2026-06-03T10:00:00Z'), assessedOn: '2026-06-03' });
    await repo.create(started);
    const read2 = await repo.get(o, id2);
    expect(read2!.assessment.carried).toEqual({ contact: '2026-03-03', composite: '2026-03-03' });
    expect(read2!.assessment.previousId).toBe(a1.id);
    expect(read2!.assessment.answers.contact?.strengths).toBe('trusted aunt');
    const changed = clearCarried({ ...read2!.assessment, answers: { contact: { ...read2!.assessment.answers.contact!, risk: 'high' } } }, 'contact');
    await repo.replace({ ...changed, status: 'completed', step: 'complete', completedAt: '2026-06-03T12:00:00.000Z', reviewOn: '2026-09-03' }, read2!.etag);
    const stored2 = (await repo.get(o, id2))!.assessment;
    expect(stored2.carried).toEqual({ composite: '2026-03-03' });
    expect((await repo.get(o, a1.id))!.assessment).toEqual(stored1);

    const id3 = assessmentIdFor(randomUUID(), new Date('2026-09-03T10:00:00Z'));
    const third = startReassessment(stored2, { id: id3, now: new Date('2026-09-03T10:00:00Z'), assessedOn: '2026-09-03' });
    const t = clearCarried(clearCarried(third, 'contact'), 'composite');
    await repo.create({
      ...t,
      answers: { contact: { ...t.answers.contact!, resilience: 'strong' } },
      composite: { ...t.composite!, offlineFactors: ['going-missing'] },
    });
    const before3 = (await repo.get(o, id3))!.assessment;
    expect(before3.carried).toBeUndefined();
    const stored3 = before3;
    // Nothing left carried is stored as no column: old and new rows read the same.
    expect(stored3.carried).toBeUndefined();

    const cmp = compareCase([stored3, stored1, stored2]);
    expect(cmp.dates).toEqual(['3 March 2026', '3 June 2026', '3 September 2026']);
    expect(cmp.cs.find((c) => c.number === 5)!.cells.map((c) => `${c.risk}/${c.resilience}`)).toEqual(['Medium/Some', 'High/Some', 'High/Strong']);
    expect(changesSince(stored1, stored2)).toContain('C5 Contact (online and offline): risk higher (medium, now high); resilience the same (some).');
    expect(changesSince(stored2, stored3)).toEqual([
      'Changes since the assessment of 3 June 2026:',
      'C5 Contact (online and offline): risk the same (high); resilience higher (some, now strong).',
      'Offline factors noted for the first time: Going missing.',
    ]);
  });

  it('when the practitioner saves a carried C through the assessment service, unchanged or changed, then only the mark of that C is cleared', async () => {
    const tables = await createTableFactory({
      tables: { kind: 'connection-string', connectionString: inject('tablesConnectionString'), allowInsecure: true },
      tablePrefix: uniquePrefix(),
    });
    await tables.table('assessments').createTable();
    const repo = new AssessmentRepository(tables, cipher);
    const service = new AssessmentService(repo);
    const o: Owner = { tenantId: randomUUID(), aadObjectId: randomUUID() };
    const answer = {
      strengths: 'trusted aunt',
      vulnerabilities: 'older contact',
      risk: 'medium' as const,
      resilience: 'some' as const,
      youngPersonView: '',
      parentView: '',
      nextSteps: '',
      skipped: false,
    };
    const at = new Date('2026-06-03T10:00:00Z');
    const a: Assessment = {
      id: assessmentIdFor(randomUUID(), at),
      tenantId: o.tenantId,
      ownerId: o.aadObjectId,
      status: 'in-progress',
      step: 'contact',
      cautionsAcknowledged: true,
      setup: { caseRef: 'CR-SV', ageBand: '14-15', participants: ['young-person'], participantsOther: '', assessedOn: '2026-06-03' },
      answers: { contact: answer, content: answer, conduct: answer },
      rev: 2,
      stepRevs: {},
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      carried: { contact: '2026-03-03', content: '2026-03-03', conduct: '2026-03-03' },
    };
    await repo.create(a);
    const form = (x: { strengths: string; vulnerabilities: string; risk: string; resilience: string }) => ({
      strengths: x.strengths,
      vulnerabilities: x.vulnerabilities,
      risk: x.risk,
      resilience: x.resilience,
      youngPersonView: '',
      parentView: '',
      nextSteps: '',
    });
    await service.submitStep(o, { assessmentId: a.id, rev: 2, step: 'contact', mode: 'flow' }, 'next', form(answer));
    const afterConfirm = (await repo.get(o, a.id))!.assessment;
    expect(afterConfirm.carried).toEqual({ content: '2026-03-03', conduct: '2026-03-03' });
    expect(afterConfirm.answers.contact).toEqual(answer);
    await service.submitStep(o, { assessmentId: a.id, rev: afterConfirm.rev, step: 'content', mode: 'flow' }, 'next', form({ ...answer, risk: 'high' }));
    const afterChange = (await repo.get(o, a.id))!.assessment;
    expect(afterChange.carried).toEqual({ conduct: '2026-03-03' });
    expect(afterChange.answers.content?.risk).toBe('high');
  });
});
