import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { AssessmentRepository } from '../../src/storage/assessment-repository.js';
import { AuditRepository } from '../../src/storage/audit-repository.js';
import { createFieldCipher } from '../../src/storage/field-cipher.js';
import { createTableFactory } from '../../src/storage/tables.js';
import { AuditedAssessmentService, EDIT_SESSION_GAP_MS } from '../../src/tencs/audited-assessment-service.js';
import type { Owner } from '../../src/tencs/owner.js';
import { uniquePrefix } from '../helpers/bot-harness.js';

describe('audit of edits by editing session', () => {
  let audit: AuditRepository;
  let service: AuditedAssessmentService;
  let clock = new Date('2026-03-02T09:00:00.000Z');
  const advance = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };

  beforeAll(async () => {
    const tables = await createTableFactory({
      tables: { kind: 'connection-string', connectionString: inject('tablesConnectionString'), allowInsecure: true },
      tablePrefix: uniquePrefix(),
    });
    const repo = new AssessmentRepository(tables, createFieldCipher([{ id: 'k1', key: randomBytes(32) }]));
    audit = new AuditRepository(tables, undefined, () => clock);
    service = new AuditedAssessmentService(repo, audit, () => clock);
  });

  const c1 = (strengths: string) => ({ strengths, vulnerabilities: 'v', risk: 'low', resilience: 'some', youngPersonView: '', parentView: '', nextSteps: '' });

  it('when saves follow each other closely, then one "created" covers them; a save after a quiet gap records "edited"; a duplicate records nothing', async () => {
    const me: Owner = { tenantId: randomUUID(), aadObjectId: randomUUID() };
    const a = await service.start(me, { activityId: randomUUID(), at: clock });
    advance(20_000);
    await service.acknowledgeCautions(me, { assessmentId: a.id, rev: a.rev, step: 'cautions', mode: 'flow' });
    advance(60_000);
    await service.submitStep(me, { assessmentId: a.id, rev: 1, step: 'setup', mode: 'flow' }, 'next', {
      caseRef: 'CR-77',
      ageBand: '14-15',
      participants: 'young-person',
      participantsOther: '',
      assessedOn: '2026-03-02',
    });
    advance(60_000);
    const ref = { assessmentId: a.id, rev: 2, step: 'confidentiality' as const, mode: 'flow' as const };
    await service.submitStep(me, ref, 'later', c1('first words'));
    const edits = async () => (await audit.listForAssessments([a.id])).filter((e) => e.action === 'edited');
    expect(await edits()).toHaveLength(0);

    advance(EDIT_SESSION_GAP_MS + 1000);
    const resumed = await service.submitStep(me, { ...ref, rev: 3 }, 'next', c1('after lunch'));
    expect(resumed.kind).toBe('show');
    expect((await edits()).map((e) => e.detail)).toEqual(['confidentiality']);

    advance(5000);
    // The same card delivered again (a Teams retry): nothing is written, so nothing is audited.
    await service.submitStep(me, { ...ref, rev: 3 }, 'next', c1('after lunch'));
    advance(5000);
    await service.submitStep(me, { assessmentId: a.id, rev: 4, step: 'connection', mode: 'flow' }, 'next', c1('same session'));
    expect(await edits()).toHaveLength(1);
    const actions = (await audit.listForAssessments([a.id])).map((e) => e.action);
    expect(actions.filter((x) => x === 'created')).toHaveLength(1);
  });
});
