import { randomBytes, randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { AssessmentRepository, ASSESSMENTS_TABLE, assessmentIdFor } from '../../src/storage/assessment-repository.js';
import { ConflictError, StorageUnavailableError } from '../../src/storage/errors.js';
import { createFieldCipher } from '../../src/storage/field-cipher.js';
import { ownerKey } from '../../src/storage/owner-key.js';
import { createTableFactory, type TableFactory } from '../../src/storage/tables.js';
import { LIMITS, type Assessment, type CAnswer } from '../../src/tencs/assessment.js';
import { AssessmentService, type CardRef } from '../../src/tencs/assessment-service.js';
import type { Owner } from '../../src/tencs/owner.js';
import { C_IDS } from '../../src/tencs/ten-cs.js';
import { azuriteConnectionString, freePort } from '../helpers/azurite.js';
import { uniquePrefix } from '../helpers/bot-harness.js';

const cipher = createFieldCipher([{ id: 'k1', key: randomBytes(32) }]);

async function tablesFor(connectionString: string, prefix = uniquePrefix()): Promise<TableFactory> {
  return createTableFactory({ tables: { kind: 'connection-string', connectionString, allowInsecure: true }, tablePrefix: prefix });
}

const owner = (): Owner => ({ tenantId: randomUUID(), aadObjectId: randomUUID() });

function blankAssessment(o: Owner, at = new Date()): Assessment {
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
  };
}

/** Every text a typed answer could contain, at its limit, in 3-byte UTF-8 characters. */
function fullAssessment(o: Owner): Assessment {
  const text = (n: number, seed: string) => (seed + '€'.repeat(n)).slice(0, n);
  const answer = (i: number): CAnswer => ({
    strengths: text(LIMITS.answerText, `s${i}`),
    vulnerabilities: text(LIMITS.answerText, `v${i}`),
    risk: 'high',
    resilience: 'low',
    youngPersonView: text(LIMITS.answerText, `y${i}`),
    parentView: text(LIMITS.answerText, `p${i}`),
    nextSteps: text(LIMITS.answerText, `n${i}`),
    skipped: false,
  });
  return {
    ...blankAssessment(o),
    cautionsAcknowledged: true,
    step: 'review',
    setup: {
      caseRef: 'C'.repeat(LIMITS.caseRef),
      ageBand: '14-15',
      participants: ['young-person', 'parent-carer'],
      participantsOther: text(LIMITS.otherText, 'o'),
      assessedOn: '2024-05-01',
    },
    answers: Object.fromEntries(C_IDS.map((id, i) => [id, answer(i)])),
    composite: {
      offlineFactors: ['domestic-abuse', 'neglect'],
      offlineOther: text(LIMITS.otherText, 'x'),
      analysis: text(LIMITS.analysisText, 'a'),
      impact: text(LIMITS.answerText, 'i'),
    },
  };
}

describe('assessment repository against Azurite', () => {
  let tables: TableFactory;
  let repo: AssessmentRepository;
  let service: AssessmentService;
  let raw: TableClient;

  beforeAll(async () => {
    const prefix = uniquePrefix();
    tables = await tablesFor(inject('tablesConnectionString'), prefix);
    repo = new AssessmentRepository(tables, cipher);
    service = new AssessmentService(repo);
    raw = tables.table(ASSESSMENTS_TABLE);
  });

  it('when an assessment is created, then its owner reads it back equal and another owner does not find it', async () => {
    const me = owner();
    const a = blankAssessment(me);
    await repo.create(a);
    const read = await repo.get(me, a.id);
    expect(read?.assessment).toEqual(a);
    expect(read?.etag).toBeTruthy();
    expect(await repo.get(owner(), a.id)).toBeUndefined();
    expect(await repo.get({ tenantId: randomUUID(), aadObjectId: me.aadObjectId }, a.id)).toBeUndefined();
    await expect(service.getOwned(owner(), a.id)).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('when ids are malformed, then nothing is looked up and the answer is "not found"', async () => {
    const me = owner();
    expect(await repo.get(me, "x' or PartitionKey ne '")).toBeUndefined();
    expect(await repo.get(me, '../other')).toBeUndefined();
  });

  it('when the owner has several assessments, then the list is one partition, newest first, meta columns only', async () => {
    const me = owner();
    const someoneElse = owner();
    const times = [new Date('2024-01-01T10:00:00Z'), new Date('2024-03-01T10:00:00Z'), new Date('2024-02-01T10:00:00Z')];
    for (const at of times)
      await repo.create({
        ...blankAssessment(me, at),
        setup: {
          caseRef: `REF-${at.getUTCMonth() + 1}`,
          ageBand: '11-13',
          participants: ['young-person'],
          participantsOther: 'secret other',
          assessedOn: '2024-01-01',
        },
      });
    await repo.create(blankAssessment(someoneElse));
    const list = await repo.listForOwner(me);
    expect(list.map((m) => m.caseRef)).toEqual(['REF-3', 'REF-2', 'REF-1']);
    expect(Object.keys(list[0]!).sort()).toEqual(['caseRef', 'completedAt', 'createdAt', 'id', 'rev', 'status', 'step', 'updatedAt']);
    expect(JSON.stringify(list)).not.toContain('secret other');
    expect(await repo.listForOwner(me, 2)).toHaveLength(2);
  });

  it('when an owner id holds characters Table keys forbid, then the key is still valid and the entity round-trips', async () => {
    const odd: Owner = { tenantId: "t/e#n?a\\n't", aadObjectId: 'u%s:e\u0001r' };
    // Control characters are exactly what Table keys forbid, so the pattern names them.
    // eslint-disable-next-line no-control-regex
    expect(ownerKey(odd)).not.toMatch(/[/\\#?\u0000-\u001f']/);
    const a = blankAssessment(odd);
    await repo.create(a);
    expect((await repo.get(odd, a.id))?.assessment).toEqual(a);
    expect((await repo.listForOwner(odd)).map((m) => m.id)).toEqual([a.id]);
  });

  it('when every text field is at its limit in 3-byte characters, then the entity is stored and read back intact', async () => {
    const me = owner();
    const a = fullAssessment(me);
    await repo.create(a);
    const read = await repo.get(me, a.id);
    expect(read?.assessment).toEqual(a);
    const entity = await raw.getEntity(ownerKey(me), a.id);
    const sizes = Object.values(entity).map((v) => (typeof v === 'string' ? v.length * 2 : 8));
    expect(Math.max(...sizes)).toBeLessThan(64 * 1024);
    expect(sizes.reduce((x, y) => x + y, 0)).toBeLessThan(1024 * 1024);
  });

  it('when answers are stored, then the raw entity holds no plaintext of any typed answer', async () => {
    const me = owner();
    const a = fullAssessment(me);
    const typed = 'She met him through the game chat last spring';
    a.answers.contact = { ...a.answers.contact!, strengths: typed, nextSteps: `${typed} (next)` };
    a.composite = { ...a.composite!, analysis: `${typed} analysis` };
    a.setup = { ...a.setup!, participantsOther: `${typed} other` };
    await repo.create(a);
    const entity = await raw.getEntity(ownerKey(me), a.id);
    const dump = JSON.stringify(entity);
    expect(dump).not.toContain('game chat');
    expect(dump).not.toContain('€€€');
    expect(entity.c5Strengths).toMatch(/^e1\.k1\./);
    // What listing needs stays readable.
    expect(entity.caseRef).toBe(a.setup.caseRef);
    expect(entity.c5Risk).toBe('high');
  });

  it('when a write carries a stale ETag, then it is refused with a ConflictError and nothing changes', async () => {
    const me = owner();
    const { etag } = await repo.create(blankAssessment(me));
    const id = (await repo.listForOwner(me))[0]!.id;
    const current = (await repo.get(me, id))!;
    const newer = await repo.replace({ ...current.assessment, rev: 1, step: 'setup' }, etag);
    expect(newer).not.toBe(etag);
    const err = await repo.replace({ ...current.assessment, rev: 1, step: 'confidentiality' }, etag).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).reason).toBe('changed');
    expect((await repo.get(me, id))?.assessment.step).toBe('setup');
  });

  it('when the same id is created twice, then the second is a ConflictError("exists")', async () => {
    const me = owner();
    const a = blankAssessment(me);
    await repo.create(a);
    await expect(repo.create(a)).rejects.toMatchObject({ name: 'ConflictError', reason: 'exists' });
  });

  it('when a deletion is asked for, then only the owner can delete and a second delete finds nothing', async () => {
    const me = owner();
    const a = blankAssessment(me);
    await repo.create(a);
    expect(await repo.delete(owner(), a.id)).toBe(false);
    expect(await repo.delete(me, a.id)).toBe(true);
    expect(await repo.delete(me, a.id)).toBe(false);
  });
});

describe('assessment service saving answers against Azurite', () => {
  let repo: AssessmentRepository;
  let service: AssessmentService;
  let raw: TableClient;

  beforeAll(async () => {
    const tables = await tablesFor(inject('tablesConnectionString'));
    repo = new AssessmentRepository(tables, cipher);
    service = new AssessmentService(repo);
    raw = tables.table(ASSESSMENTS_TABLE);
  });

  async function readyForC1(me: Owner): Promise<Assessment> {
    const a = await service.start(me, { activityId: randomUUID(), at: new Date() });
    await service.acknowledgeCautions(me, { assessmentId: a.id, rev: a.rev, step: 'cautions', mode: 'flow' });
    const out = await service.submitStep(me, { assessmentId: a.id, rev: 1, step: 'setup', mode: 'flow' }, 'next', {
      caseRef: 'CR-1',
      ageBand: '14-15',
      participants: 'young-person,parent-carer',
      participantsOther: '',
      assessedOn: '2024-06-01',
    });
    expect(out.kind).toBe('show');
    return (await service.getOwned(me, a.id)).assessment;
  }

  const c1 = (strengths: string) => ({
    strengths,
    vulnerabilities: 'v',
    risk: 'medium',
    resilience: 'some',
    youngPersonView: '',
    parentView: '',
    nextSteps: '',
  });

  it('when an unfinished assessment sits behind more than a page of newer completed ones, then resume still finds it in one query', async () => {
    const me = owner();
    const base = Date.parse('2026-01-01T09:00:00.000Z');
    const unfinished = { ...blankAssessment(me, new Date(base)), updatedAt: new Date(base).toISOString() };
    await repo.create(unfinished);
    for (let i = 1; i <= 120; i++) {
      const at = new Date(base + i * 60_000);
      await repo.create({ ...blankAssessment(me, at), status: 'completed', step: 'complete', completedAt: at.toISOString() });
    }
    expect((await repo.listForOwner(me, 100)).some((m) => m.id === unfinished.id)).toBe(false);
    expect((await service.latestUnfinished(me))?.id).toBe(unfinished.id);
  });

  it('when the same start activity arrives twice, then one assessment exists', async () => {
    const me = owner();
    const request = { activityId: randomUUID(), at: new Date() };
    const first = await service.start(me, request);
    const second = await service.start(me, request);
    expect(second.id).toBe(first.id);
    expect(await repo.listForOwner(me)).toHaveLength(1);
  });

  it('when an answer is saved, then it is stored, the rev moves on and the next C is shown', async () => {
    const me = owner();
    const a = await readyForC1(me);
    expect(a.setup?.participants).toEqual(['young-person', 'parent-carer']);
    const ref: CardRef = { assessmentId: a.id, rev: a.rev, step: 'confidentiality', mode: 'flow' };
    const out = await service.submitStep(me, ref, 'next', c1('shares carefully'));
    expect(out).toMatchObject({ kind: 'show', step: 'connection' });
    const stored = (await service.getOwned(me, a.id)).assessment;
    expect(stored.answers.confidentiality).toMatchObject({ strengths: 'shares carefully', risk: 'medium', resilience: 'some', skipped: false });
    expect(stored.rev).toBe(a.rev + 1);
    expect(stored.step).toBe('connection');
  });

  it('when the same submit arrives twice, then it is written once and both get the same next card', async () => {
    const me = owner();
    const a = await readyForC1(me);
    const ref: CardRef = { assessmentId: a.id, rev: a.rev, step: 'confidentiality', mode: 'flow' };
    const first = await service.submitStep(me, ref, 'next', c1('once'));
    const etagAfterFirst = (await raw.getEntity(ownerKey(me), a.id)).etag;
    const second = await service.submitStep(me, ref, 'next', c1('once'));
    expect((await raw.getEntity(ownerKey(me), a.id)).etag).toBe(etagAfterFirst);
    expect(second).toMatchObject({ kind: 'show', step: 'connection' });
    expect(first).toMatchObject({ kind: 'show', step: 'connection' });
  });

  it('when the same submit arrives twice at once, then one write wins and both get the next card', async () => {
    const me = owner();
    const a = await readyForC1(me);
    const ref: CardRef = { assessmentId: a.id, rev: a.rev, step: 'confidentiality', mode: 'flow' };
    const outs = await Promise.all([service.submitStep(me, ref, 'next', c1('race')), service.submitStep(me, ref, 'next', c1('race'))]);
    expect(outs.map((o) => o.kind)).toEqual(['show', 'show']);
    expect((await service.getOwned(me, a.id)).assessment.rev).toBe(a.rev + 1);
  });

  it('when a stale card carries a different answer for a step that changed, then a conflict shows both and nothing is overwritten', async () => {
    const me = owner();
    const a = await readyForC1(me);
    const ref: CardRef = { assessmentId: a.id, rev: a.rev, step: 'confidentiality', mode: 'flow' };
    await service.submitStep(me, ref, 'next', c1('from the laptop'));
    const out = await service.submitStep(me, ref, 'next', c1('from the phone'));
    expect(out.kind).toBe('conflict');
    if (out.kind !== 'conflict') return;
    expect(out.mine.strengths).toBe('from the phone');
    expect(out.assessment.answers.confidentiality?.strengths).toBe('from the laptop');
    expect((await service.getOwned(me, a.id)).assessment.answers.confidentiality?.strengths).toBe('from the laptop');
    // Keeping mine is a save from the conflict card, which carries the current rev.
    const kept = await service.submitStep(me, { ...ref, rev: out.assessment.rev }, 'next', c1('from the phone'));
    expect(kept.kind).toBe('show');
    expect((await service.getOwned(me, a.id)).assessment.answers.confidentiality?.strengths).toBe('from the phone');
  });

  it('when a stale card saves a step nobody else changed, then it is saved without a conflict', async () => {
    const me = owner();
    const a = await readyForC1(me);
    await service.submitStep(me, { assessmentId: a.id, rev: a.rev, step: 'confidentiality', mode: 'flow' }, 'next', c1('laptop C1'));
    const out = await service.submitStep(me, { assessmentId: a.id, rev: a.rev, step: 'connection', mode: 'flow' }, 'next', c1('phone C2'));
    expect(out).toMatchObject({ kind: 'show', step: 'context' });
    const stored = (await service.getOwned(me, a.id)).assessment;
    expect(stored.answers.confidentiality?.strengths).toBe('laptop C1');
    expect(stored.answers.connection?.strengths).toBe('phone C2');
  });

  it('when text is over its limit, then nothing is written and a readable message comes back with the text kept', async () => {
    const me = owner();
    const a = await readyForC1(me);
    const long = 'y'.repeat(LIMITS.answerText + 5);
    const out = await service.submitStep(me, { assessmentId: a.id, rev: a.rev, step: 'confidentiality', mode: 'flow' }, 'next', c1(long));
    expect(out.kind).toBe('retry');
    if (out.kind !== 'retry') return;
    expect(out.reason).toBe('invalid');
    expect(out.form.strengths).toBe(long);
    expect(out.errors.join(' ')).toMatch(/Strengths and protective factors can be at most 2000 characters\. It is 2005 now/);
    expect((await service.getOwned(me, a.id)).assessment.rev).toBe(a.rev);
  });
});

describe('assessment storage when Table Storage is unreachable', () => {
  it('when nothing answers, then reads fail with StorageUnavailableError and a submit says "not saved" with the text kept', async () => {
    const tables = await tablesFor(azuriteConnectionString(await freePort()));
    const repo = new AssessmentRepository(tables, cipher, { timeoutMs: 1500 });
    const me = owner();
    const id = assessmentIdFor('x', new Date());
    await expect(repo.get(me, id)).rejects.toBeInstanceOf(StorageUnavailableError);
    const service = new AssessmentService(repo);
    const out = await service.submitStep(me, { assessmentId: id, rev: 3, step: 'contact', mode: 'flow' }, 'next', { strengths: 'keep me', risk: 'low' });
    expect(out).toMatchObject({ kind: 'retry', reason: 'not-saved', form: { strengths: 'keep me', risk: 'low' } });
  });
});
